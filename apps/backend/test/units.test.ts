// Pure parts, no servers: tokens, settings, the in-process limiter, cache and sessions, slugs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemorySessionStore } from "../src/auth/sessions.js";
import { signToken, verifyToken } from "../src/auth/tokens.js";
import { createCacheAside } from "../src/cache/cache-aside.js";
import { createMemoryCache } from "../src/cache/cache.js";
import { configInputFromEnv, DEFAULT_TOKEN_SECRET, resolveConfig, TINY_POOL_SIZE } from "../src/config.js";
import { ConfigError } from "../src/errors.js";
import { createMemoryRateLimiter } from "../src/limiter/rate-limiter.js";
import { postgresLogFilter } from "../src/platform/embedded-postgres.js";
import { slugify } from "../src/routes/stories.js";

const DB = "postgres://u@127.0.0.1:5432/db";

describe("tokens", () => {
  it("round-trips claims and rejects tampering, another secret and expiry", () => {
    const t = signToken("s", "42", { nowSec: 1000, ttlSec: 60, sessionId: "abc" });
    assert.deepEqual(verifyToken("s", t, 1059), { ok: true, claims: { sub: "42", sid: "abc", iat: 1000, exp: 1060, aud: "muejam-api", iss: "muejam" } });
    const expired = verifyToken("s", t, 1060);
    assert.equal(expired.ok, false);
    assert.match(!expired.ok ? expired.reason : "", /expired/);
    assert.equal(verifyToken("other", t, 1000).ok, false);
    const [p, payload, sig] = t.split(".");
    const forged = Buffer.from(JSON.stringify({ sub: "1", sid: "abc", iat: 1000, exp: 1060 })).toString("base64url");
    assert.equal(verifyToken("s", `${p}.${forged}.${sig}`, 1000).ok, false);
    assert.equal(verifyToken("s", `${p}.${payload}`, 1000).ok, false);
  });

  it("each token gets its own session id", () => {
    const a = verifyToken("s", signToken("s", "1"));
    const b = verifyToken("s", signToken("s", "1"));
    assert.ok(a.ok && b.ok && a.claims.sid !== b.claims.sid);
  });
});

describe("settings", () => {
  it("defaults: pool 20, limits of the seed, development secret, no lab", () => {
    const c = resolveConfig({ databaseUrl: DB });
    assert.equal(c.poolSize, 20);
    assert.deepEqual(c.rateLimits, { userPerMin: 100, anonReadPerMin: 100, anonWritePerMin: 20, submissionsPerHour: 10 });
    assert.equal(c.tokenSecret, DEFAULT_TOKEN_SECRET);
    assert.equal(c.tokenSecretIsDefault, true);
    assert.equal(c.lab, false);
    assert.equal(c.faults.size, 0);
  });

  it("pool size is bounded 1-50; tiny-pool forces 2", () => {
    assert.throws(() => resolveConfig({ databaseUrl: DB, poolSize: 0 }), (e: ConfigError) => /pool size is 0; expected a whole number from 1 to 50/.test(e.message));
    assert.throws(() => resolveConfig({ databaseUrl: DB, poolSize: 51 }), ConfigError);
    assert.equal(resolveConfig({ databaseUrl: DB, poolSize: 50 }).poolSize, 50);
    assert.equal(resolveConfig({ databaseUrl: DB, lab: true, faults: ["tiny-pool"] }).poolSize, TINY_POOL_SIZE);
  });

  it("the Redis circuit breaker's cool-down: 1000 ms by default, 10-600000, from MUEJAM_REDIS_COOL_DOWN_MS", () => {
    assert.equal(resolveConfig({ databaseUrl: DB }).redisCoolDownMs, 1_000);
    assert.throws(() => resolveConfig({ databaseUrl: DB, redisCoolDownMs: 5 }), (e: ConfigError) => /Redis cool-down \(ms\) is 5; expected a whole number from 10 to 600000/.test(e.message) && /MUEJAM_REDIS_COOL_DOWN_MS/.test(e.hint));
    assert.equal(resolveConfig({ ...configInputFromEnv({ MUEJAM_REDIS_COOL_DOWN_MS: "250" }), databaseUrl: DB }).redisCoolDownMs, 250);
  });

  it("the listen backlog: 4096 by default, 1-65535, from MUEJAM_LISTEN_BACKLOG; bad values name the value, the range and the variable", () => {
    const fromEnv = (v: string | undefined): number => resolveConfig({ ...configInputFromEnv({ MUEJAM_LISTEN_BACKLOG: v }), databaseUrl: DB }).listenBacklog;
    assert.equal(resolveConfig({ databaseUrl: DB }).listenBacklog, 4096);
    assert.equal(fromEnv(undefined), 4096);
    assert.equal(fromEnv(""), 4096);
    assert.equal(fromEnv("8192"), 8192);
    assert.equal(fromEnv("1"), 1);
    assert.equal(fromEnv("65535"), 65535);
    const outOfRange = (v: string) => (e: ConfigError) =>
      e.message === `listen backlog is ${v}; expected a whole number from 1 to 65535` && /MUEJAM_LISTEN_BACKLOG/.test(e.hint) && /somaxconn/.test(e.hint);
    for (const v of ["0", "65536", "-5"]) assert.throws(() => fromEnv(v), outOfRange(v), v);
    for (const v of ["lots", "4096.5", "4k"]) {
      assert.throws(() => configInputFromEnv({ MUEJAM_LISTEN_BACKLOG: v }), (e: ConfigError) => e.message === `MUEJAM_LISTEN_BACKLOG is "${v}"; expected a whole number` && /from 1 to 65535/.test(e.hint), v);
    }
    assert.throws(() => resolveConfig({ databaseUrl: DB, listenBacklog: 100.5 }), outOfRange("100.5"));
  });

  it("faults need lab mode and known names", () => {
    assert.throws(() => resolveConfig({ databaseUrl: DB, faults: ["cache-off"] }), (e: ConfigError) => /without lab mode/.test(e.message) && /--lab/.test(e.hint));
    assert.throws(() => resolveConfig({ databaseUrl: DB, lab: true, faults: ["cache-of"] }), (e: ConfigError) => /unknown lab fault "cache-of"; expected one of tiny-pool/.test(e.message));
    const c = resolveConfig({ databaseUrl: DB, lab: true, faults: ["cache-off", " leak "] });
    assert.deepEqual([...c.faults], ["cache-off", "leak"]);
  });

  it("bad URLs name the value and the expected form", () => {
    assert.throws(() => resolveConfig({ databaseUrl: "mysql://x" }), (e: ConfigError) => /"mysql:\/\/x"; expected postgres:\/\//.test(e.message));
    assert.throws(() => resolveConfig({ databaseUrl: DB, redisUrl: "localhost:6379" }), (e: ConfigError) => /expected redis:\/\//.test(e.message));
  });

  it("reads the environment", () => {
    const input = configInputFromEnv({
      DATABASE_URL: DB,
      REDIS_URL: "redis://127.0.0.1:6379",
      MUEJAM_POOL_SIZE: "30",
      MUEJAM_LAB: "1",
      MUEJAM_LAB_FAULTS: "slow-query,cpu-burn",
      MUEJAM_LAB_SLOW_QUERY_MS: "50",
      MUEJAM_PGBOUNCER: "true",
      MUEJAM_RATE_LIMITS: "off",
    });
    const c = resolveConfig({ ...input, databaseUrl: input.databaseUrl! });
    assert.equal(c.poolSize, 30);
    assert.equal(c.pgbouncer, true);
    assert.equal(c.rateLimits, false);
    assert.equal(c.labTuning.slowQueryMs, 50);
    assert.deepEqual([...c.faults], ["slow-query", "cpu-burn"]);
    assert.throws(() => configInputFromEnv({ MUEJAM_POOL_SIZE: "many" }), /MUEJAM_POOL_SIZE is "many"; expected a whole number/);
  });
});

describe("in-process rate limiter", () => {
  it("refuses the (limit+1)-th request of a window with the time left, and opens a new window after", async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter({ now: () => now });
    const rule = { group: "user", key: "7", limit: 100, windowMs: 60_000 };
    for (let i = 0; i < 100; i++) assert.equal((await limiter.check([rule])).allowed, true);
    now += 45_500;
    const refused = await limiter.check([rule]);
    assert.deepEqual(refused, { allowed: false, rule, retryAfterSec: 15 });
    now += 14_500;
    assert.equal((await limiter.check([rule])).allowed, true);
  });

  it("stops at the first exceeded rule, so a refused request does not spend later budgets", async () => {
    const limiter = createMemoryRateLimiter({ now: () => 0 });
    const user = { group: "user", key: "1", limit: 1, windowMs: 60_000 };
    const submission = { group: "submission", key: "1", limit: 1, windowMs: 3_600_000 };
    assert.equal((await limiter.check([user, submission])).allowed, true);
    const refused = await limiter.check([user, submission]);
    assert.equal(!refused.allowed && refused.rule.group, "user");
    assert.equal((await limiter.check([submission])).allowed, false, "the submission budget was spent once, not twice");
  });
});

describe("cache", () => {
  it("cache-aside: miss, store, hit; expiry; the cache-off fault never stores", async () => {
    let now = 0;
    const counts = { hit: 0, miss: 0, error: 0 };
    const events = { hit: () => void counts.hit++, miss: () => void counts.miss++, error: () => void counts.error++ };
    const store = createMemoryCache({ now: () => now });
    const aside = createCacheAside(store, events);
    let loads = 0;
    const load = async (): Promise<{ n: number }> => ({ n: ++loads });
    assert.deepEqual(await aside.read("story", "k", 10, load), { value: { n: 1 }, hit: false });
    assert.deepEqual(await aside.read("story", "k", 10, load), { json: '{"n":1}', hit: true });
    now += 10_000;
    assert.deepEqual(await aside.read("story", "k", 10, load), { value: { n: 2 }, hit: false });
    assert.equal((await aside.read("story", "private", 10, load, { storable: () => false })).hit, false);
    assert.equal((await aside.read("story", "private", 10, load, { storable: () => false })).hit, false, "not storable: never stored");
    const off = createCacheAside(store, events, { disabled: true });
    assert.equal((await off.read("story", "x", 10, load)).hit, false);
    assert.equal((await off.read("story", "x", 10, load)).hit, false);
    assert.equal(await store.get("x"), undefined);
    assert.deepEqual(counts, { hit: 1, miss: 6, error: 0 });
  });

  it("a failing store counts an error and reads through", async () => {
    const counts = { hit: 0, miss: 0, error: 0 };
    const broken = { kind: "redis" as const, get: () => Promise.reject(new Error("down")), set: () => Promise.reject(new Error("down")), del: () => Promise.reject(new Error("down")) };
    const aside = createCacheAside(broken, { hit: () => void counts.hit++, miss: () => void counts.miss++, error: () => void counts.error++ });
    assert.deepEqual(await aside.read("trending", "t", 10, async () => [1]), { value: [1], hit: false });
    await aside.invalidate("trending", ["t"]);
    assert.deepEqual(counts, { hit: 0, miss: 1, error: 3 });
  });

  it("the in-process cache is bounded (least recently used goes first)", async () => {
    const store = createMemoryCache({ maxEntries: 2 });
    await store.set("a", "1", 60);
    await store.set("b", "2", 60);
    await store.get("a");
    await store.set("c", "3", 60);
    assert.equal(await store.get("b"), undefined);
    assert.equal(await store.get("a"), "1");
  });

  it("in-process sessions expire", async () => {
    let now = 0;
    const sessions = createMemorySessionStore({ now: () => now });
    await sessions.put("s", { userId: "1", createdAtMs: 0 }, 1000);
    assert.equal((await sessions.get("s"))?.userId, "1");
    now = 1000;
    assert.equal(await sessions.get("s"), undefined);
  });
});

describe("slugs", () => {
  it("are lowercase words joined by dashes, never empty", () => {
    assert.equal(slugify("  The Crimson Dragon!  "), "the-crimson-dragon");
    assert.equal(slugify("Café & Crème"), "cafe-creme");
    assert.equal(slugify("!!!"), "story");
    assert.ok(slugify("x".repeat(200)).length <= 60);
  });
});

describe("embedded PostgreSQL's log", () => {
  it("shows FATAL lines; a burst of one message is its first line and one count", async () => {
    const shown: string[] = [];
    const show = postgresLogFilter((l) => shown.push(l), 30);
    show("LOG:  checkpoint starting: time");
    for (let i = 0; i < 5; i++) show(`2026-11-27 12:54:48 UTC [${100 + i}] FATAL:  terminating connection due to administrator command`);
    for (let i = 0; i < 3; i++) show(`2026-11-27 12:54:49 UTC [${200 + i}] FATAL:  the database system is shutting down`);
    show('FATAL:  password authentication failed for user "x"');
    assert.deepEqual(shown, [
      "2026-11-27 12:54:48 UTC [100] FATAL:  terminating connection due to administrator command",
      "2026-11-27 12:54:49 UTC [200] FATAL:  the database system is shutting down",
      'FATAL:  password authentication failed for user "x"',
    ]);
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(shown.slice(3).sort(), ["2 more like it: FATAL: the database system is shutting down", "4 more like it: FATAL: terminating connection due to administrator command"]);
    // A later burst shows its first line again.
    show("FATAL:  terminating connection due to administrator command");
    assert.equal(shown.length, 6);
  });
});
