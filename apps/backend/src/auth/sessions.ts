// Server-side sessions: one record per token session id, kept until the token expires. A token
// proves who signed it; the session says whether it is still valid (logout revokes it). Records
// are created on a token's first use, so tokens minted offline need no login round.
import type { Redis } from "ioredis";
import type { RedisGuard } from "../redis/redis-guard.js";

export interface SessionRecord {
  userId: string;
  createdAtMs: number;
  revoked?: boolean;
}

export interface SessionStore {
  readonly kind: "redis" | "in-process";
  get(sid: string): Promise<SessionRecord | undefined>;
  put(sid: string, record: SessionRecord, ttlMs: number): Promise<void>;
}

/** Every call goes through the guard: while it is open, get and put throw at once (the caller falls back). */
export function createRedisSessionStore(redis: Redis, guard: RedisGuard, prefix: string): SessionStore {
  const key = (sid: string): string => `${prefix}session:${sid}`;
  return {
    kind: "redis",
    async get(sid) {
      const raw = await guard.run(() => redis.get(key(sid)));
      return raw ? (JSON.parse(raw) as SessionRecord) : undefined;
    },
    async put(sid, record, ttlMs) {
      await guard.run(() => redis.set(key(sid), JSON.stringify(record), "PX", Math.max(1, Math.round(ttlMs))));
    },
  };
}

export function createMemorySessionStore(opts: { now?: () => number; maxEntries?: number } = {}): SessionStore {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 200_000;
  const records = new Map<string, { record: SessionRecord; expiresAtMs: number }>();
  return {
    kind: "in-process",
    async get(sid) {
      const entry = records.get(sid);
      if (!entry) return undefined;
      if (entry.expiresAtMs <= now()) {
        records.delete(sid);
        return undefined;
      }
      return entry.record;
    },
    async put(sid, record, ttlMs) {
      records.delete(sid);
      records.set(sid, { record, expiresAtMs: now() + ttlMs });
      if (records.size > maxEntries) {
        const oldest = records.keys().next().value;
        if (oldest !== undefined) records.delete(oldest);
      }
    },
  };
}
