// GET /health: cheap liveness for the load balancer (no I/O). GET /health/ready: PostgreSQL and
// Redis each checked with a short timeout (Redis through its circuit breaker: 503 at once while
// the breaker is open); 503 with the reasons when either is down or the instance is shutting down. Readiness also reports Redis's maxmemory-policy and warns unless it
// is allkeys-lru (the seed's cache policy), and says so when there is no Redis at all.
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app-deps.js";
import { errorText } from "../errors.js";
import { RedisUnavailableError, type GuardStatus } from "../redis/redis-guard.js";

export const READY_CHECK_TIMEOUT_MS = 1_000;
const POLICY_RECHECK_MS = 30_000;

export interface ReadyReport {
  status: "ready" | "unavailable";
  reasons: string[];
  warnings: string[];
  checks: {
    postgres: { ok: boolean; latencyMs: number; error?: string };
    redis: { mode: "redis" | "in-process"; ok: boolean; latencyMs?: number; maxmemoryPolicy?: string; error?: string; note?: string; breaker?: GuardStatus };
  };
  instance: { pid: number; uptimeSec: number; poolSize: number; labFaults: string[]; rateLimits: boolean };
}

export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  let policy: { value: string; readAtMs: number } | undefined;

  async function maxmemoryPolicy(): Promise<string> {
    const redis = deps.redis!;
    if (policy && deps.nowMs() - policy.readAtMs < POLICY_RECHECK_MS) return policy.value;
    let value = "unknown";
    try {
      const reply = (await deps.redisGuard!.run(() => redis.config("GET", "maxmemory-policy"))) as string[];
      value = reply[1] ?? "unknown";
    } catch (err) {
      // The breaker refused it: no answer to remember, ask again next time.
      if (err instanceof RedisUnavailableError) return value;
      // Managed Redis often disables CONFIG; reported as unknown, with a warning.
    }
    policy = { value, readAtMs: deps.nowMs() };
    return value;
  }

  app.get("/health", async () => ({ status: "ok" }));

  app.get("/health/ready", async (_req, reply) => {
    const reasons: string[] = [];
    const warnings: string[] = [];
    const t0 = performance.now();
    const postgres: ReadyReport["checks"]["postgres"] = { ok: true, latencyMs: 0 };
    const pgCheck = deps.db.ping(READY_CHECK_TIMEOUT_MS).then(
      () => {
        postgres.latencyMs = Math.round((performance.now() - t0) * 10) / 10;
      },
      (err: unknown) => {
        postgres.ok = false;
        postgres.latencyMs = Math.round(performance.now() - t0);
        postgres.error = errorText(err);
        reasons.push(`postgres: ${postgres.error}`);
      },
    );
    let redis: ReadyReport["checks"]["redis"];
    if (deps.redis && deps.redisGuard) {
      redis = { mode: "redis", ok: true };
      const client = deps.redis;
      try {
        const r0 = performance.now();
        // Through the breaker: while it is open this answers at once instead of waiting out a
        // timeout, and after its cool-down this ping may be the probe that closes it.
        await deps.redisGuard.run(() => client.ping());
        redis.latencyMs = Math.round((performance.now() - r0) * 10) / 10;
        redis.maxmemoryPolicy = await maxmemoryPolicy();
        if (redis.maxmemoryPolicy !== "allkeys-lru") {
          warnings.push(`redis maxmemory-policy is ${redis.maxmemoryPolicy}; the platform expects allkeys-lru (CONFIG SET maxmemory-policy allkeys-lru), or a full cache refuses writes instead of evicting`);
        }
      } catch (err) {
        redis.ok = false;
        redis.error = errorText(err);
        reasons.push(`redis: ${redis.error} (rate limits fail open, cache reads go to the database)`);
      }
      redis.breaker = deps.redisGuard.status();
    } else {
      redis = {
        mode: "in-process",
        ok: true,
        note: "REDIS_URL is not set: cache, rate limits and sessions are kept in this process and are not shared between instances",
      };
      warnings.push(redis.note!);
    }
    await pgCheck;
    if (deps.state.shuttingDown) reasons.push("shutting down: draining in-flight requests");
    const report: ReadyReport = {
      status: reasons.length === 0 ? "ready" : "unavailable",
      reasons,
      warnings,
      checks: { postgres, redis },
      instance: {
        pid: process.pid,
        uptimeSec: Math.round((deps.nowMs() - deps.state.startedAtMs) / 1000),
        poolSize: deps.config.poolSize,
        labFaults: [...deps.config.faults],
        rateLimits: deps.config.rateLimits !== false,
      },
    };
    reply.code(reasons.length === 0 ? 200 : 503);
    return report;
  });
}
