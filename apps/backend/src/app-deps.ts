// What route modules receive: the resolved settings and the services built from them. Also
// the request fields the guard fills in before a handler runs.
import type { Redis } from "ioredis";
import type { SessionStore } from "./auth/sessions.js";
import type { CacheAside } from "./cache/cache-aside.js";
import type { AppConfig } from "./config.js";
import type { Database, QueryCounter } from "./db/database.js";
import type { Lab } from "./lab/lab.js";
import type { LimitRule, RateLimiter } from "./limiter/rate-limiter.js";
import type { AppMetrics, CacheLabel } from "./metrics.js";
import type { RedisGuard } from "./redis/redis-guard.js";

export interface AppDeps {
  config: AppConfig;
  db: Database;
  cache: CacheAside;
  /** "redis" or "in-process": what readiness and the log report. */
  storeKind: "redis" | "in-process";
  limiter: RateLimiter;
  sessions: SessionStore;
  metrics: AppMetrics;
  lab: Lab;
  redis?: Redis;
  /** The circuit breaker every Redis command goes through (with redis only). */
  redisGuard?: RedisGuard;
  nowMs(): number;
  state: { shuttingDown: boolean; startedAtMs: number };
}

export interface Identity {
  userId: string;
  sessionId: string;
  expiresAtSec: number;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated user, or null for an anonymous request. */
    identity: Identity | null;
    queryCounter: QueryCounter | null;
    /** Whether a cached route answered from the cache; the duration histogram's `cache` label. */
    cacheStatus: CacheLabel;
    /** The submission-quota rule this request was counted against: given back unless it is accepted. */
    submissionCharge: LimitRule | null;
  }
  interface FastifyContextConfig {
    /** An /api route: rate limited, subject to per-request lab faults. */
    api?: boolean;
    auth?: "required" | "optional";
    /** Also counts against the content-submission limit (10/hour per user). */
    submission?: boolean;
  }
}
