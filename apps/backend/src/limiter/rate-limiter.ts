// Fixed-window rate limiting. A window opens with a key's first request and lasts `windowMs`;
// the (limit+1)-th request inside it is refused, with Retry-After = the time left in the window.
// In Redis the counters are shared by every instance (keys `<prefix>rl:<group>:<key>`); when
// Redis cannot answer (or the guard in front of it is open), the limiter fails open: the
// request is allowed and the event counted.
import type { Redis } from "ioredis";
import type { RedisGuard } from "../redis/redis-guard.js";

export interface LimitRule {
  /** user, anon-read, anon-write, submission */
  group: string;
  /** whose budget: a user id or a client IP */
  key: string;
  limit: number;
  windowMs: number;
}

export type LimitDecision =
  | { allowed: true; failedOpen: boolean }
  | { allowed: false; rule: LimitRule; retryAfterSec: number };

export interface RateLimiter {
  readonly kind: "redis" | "in-process";
  /** Counts the request against each rule in order and stops at the first one exceeded. */
  check(rules: LimitRule[]): Promise<LimitDecision>;
  /** Takes one count back from a rule's current window (a submission that was not accepted). */
  refund(rule: LimitRule): Promise<void>;
}

// KEYS: one per rule; ARGV: limit and window (ms) per rule. Returns {index of the exceeded rule or 0, ms left}.
const CHECK_SCRIPT = `
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local count = redis.call('INCR', KEYS[i])
  local ttl = redis.call('PTTL', KEYS[i])
  if count == 1 or ttl < 0 then
    redis.call('PEXPIRE', KEYS[i], window)
    ttl = window
  end
  if count > limit then return {i, ttl} end
end
return {0, 0}
`;

// A window that has expired meanwhile is left alone (no negative count in a fresh window).
const REFUND_SCRIPT = `
if redis.call('PTTL', KEYS[1]) > 0 and tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

interface RedisWithLimiter extends Redis {
  muejamRateLimit(numKeys: number, ...args: (string | number)[]): Promise<[number, number]>;
  muejamRateRefund(numKeys: number, key: string): Promise<number>;
}

export function createRedisRateLimiter(redis: Redis, guard: RedisGuard, prefix: string, onFailOpen: () => void): RateLimiter {
  if (!("muejamRateLimit" in redis)) redis.defineCommand("muejamRateLimit", { lua: CHECK_SCRIPT });
  if (!("muejamRateRefund" in redis)) redis.defineCommand("muejamRateRefund", { lua: REFUND_SCRIPT });
  const client = redis as RedisWithLimiter;
  return {
    kind: "redis",
    async check(rules) {
      if (rules.length === 0) return { allowed: true, failedOpen: false };
      const keys = rules.map((r) => `${prefix}rl:${r.group}:${r.key}`);
      const args = rules.flatMap((r) => [r.limit, r.windowMs]);
      let index: number;
      let msLeft: number;
      try {
        [index, msLeft] = await guard.run(() => client.muejamRateLimit(keys.length, ...keys, ...args));
      } catch {
        onFailOpen();
        return { allowed: true, failedOpen: true };
      }
      if (index === 0) return { allowed: true, failedOpen: false };
      return { allowed: false, rule: rules[index - 1]!, retryAfterSec: Math.max(1, Math.ceil(msLeft / 1000)) };
    },
    async refund(rule) {
      try {
        await guard.run(() => client.muejamRateRefund(1, `${prefix}rl:${rule.group}:${rule.key}`));
      } catch {
        // Redis cannot answer: the count stays, so the quota is stricter for this window, never looser.
      }
    },
  };
}

/** The same windows kept in this process (one instance only); `now` is injectable for tests. */
export function createMemoryRateLimiter(opts: { now?: () => number; maxKeys?: number } = {}): RateLimiter {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 100_000;
  const windows = new Map<string, { count: number; endsAtMs: number }>();
  return {
    kind: "in-process",
    async check(rules) {
      const t = now();
      for (const rule of rules) {
        const key = `${rule.group}:${rule.key}`;
        let w = windows.get(key);
        if (!w || w.endsAtMs <= t) {
          w = { count: 0, endsAtMs: t + rule.windowMs };
          windows.delete(key);
          windows.set(key, w);
        }
        w.count += 1;
        if (w.count > rule.limit) return { allowed: false, rule, retryAfterSec: Math.max(1, Math.ceil((w.endsAtMs - t) / 1000)) };
      }
      // Bounded memory: drop expired windows once the map grows large, oldest first.
      if (windows.size > maxKeys) {
        for (const [k, w] of windows) {
          if (windows.size <= maxKeys / 2) break;
          if (w.endsAtMs <= t || windows.size > maxKeys) windows.delete(k);
        }
      }
      return { allowed: true, failedOpen: false };
    },
    async refund(rule) {
      const w = windows.get(`${rule.group}:${rule.key}`);
      if (w && w.endsAtMs > now() && w.count > 0) w.count -= 1;
    },
  };
}
