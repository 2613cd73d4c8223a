// test-needs: redis
// The API through app.inject(), over the machine's real PostgreSQL (a database of its own) and
// Redis (a key prefix of its own): every endpoint's success and error paths, the cache, the rate
// limits across two instances, sessions, and that every acknowledged write is in the database.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { build, type MueJamApp } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { METRIC } from "../src/metrics.js";
import { bearer, createTestDatabase, deleteRedisPrefix, REDIS_URL, TEST_SECRET, uniquePrefix, type TestDatabase } from "./helpers.js";

let db: TestDatabase;
let app: MueJamApp;
let app2: MueJamApp;
const prefix = uniquePrefix();
const token = (userId: number | string, opts: { ttlSec?: number; nowSec?: number } = {}): string => signToken(TEST_SECRET, String(userId), opts);
const auth = (userId: number): Record<string, string> => bearer(token(userId));
/** Anonymous requests from a distinct client address each, so the per-IP limits of one test do not leak into another. */
let nextIp = 1;
const anon = (): Record<string, string> => ({ "x-forwarded-for": `10.1.0.${nextIp++}` });

before(async () => {
  db = await createTestDatabase({ users: 200, stories: 1000 });
  const opts = { databaseUrl: db.url, redisUrl: REDIS_URL, redisPrefix: prefix, tokenSecret: TEST_SECRET, trustProxy: "127.0.0.1" };
  app = build(opts);
  app2 = build(opts);
  await Promise.all([app.ready(), app2.ready()]);
});

after(async () => {
  await Promise.all([app?.close(), app2?.close()]);
  await db?.drop();
  await deleteRedisPrefix(REDIS_URL, prefix);
});

describe("health", () => {
  it("/health answers without touching the database", async () => {
    const res = await app.inject({ url: "/health" });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: "ok" });
  });

  it("/health/ready checks PostgreSQL and Redis and reports the eviction policy", async () => {
    const res = await app.inject({ url: "/health/ready" });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, "ready");
    assert.equal(body.checks.postgres.ok, true);
    assert.equal(body.checks.redis.mode, "redis");
    assert.equal(typeof body.checks.redis.maxmemoryPolicy, "string");
    const warned = body.warnings.some((w: string) => w.includes("allkeys-lru"));
    assert.equal(warned, body.checks.redis.maxmemoryPolicy !== "allkeys-lru");
  });
});

describe("GET /api/discovery/trending", () => {
  it("returns stories, a miss then a hit", async () => {
    const first = await app.inject({ url: "/api/discovery/trending?limit=7", headers: anon() });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers["x-cache"], "MISS");
    const results = first.json().results;
    assert.equal(results.length, 7);
    for (const s of results) {
      assert.match(s.slug, /^[a-z0-9-]+$/);
      assert.equal(typeof s.author.username, "string");
    }
    const second = await app.inject({ url: "/api/discovery/trending?limit=7", headers: auth(1) });
    assert.equal(second.headers["x-cache"], "HIT");
    assert.deepEqual(second.json().results, results);
  });

  it("rejects a bad limit naming the field", async () => {
    for (const limit of ["0", "51", "abc"]) {
      const res = await app.inject({ url: `/api/discovery/trending?limit=${limit}`, headers: anon() });
      assert.equal(res.statusCode, 400, limit);
      assert.equal(res.json().field, "limit");
      assert.match(res.json().message, /querystring field "limit"/);
    }
  });
});

describe("GET /api/stories/:slug", () => {
  it("returns the story with author, tags, chapters and recent whispers; a miss then a hit", async () => {
    const [row] = await db.query<{ slug: string; id: string }>("SELECT slug, id::text AS id FROM stories WHERE visibility = 'public' ORDER BY id LIMIT 1 OFFSET 10");
    const first = await app.inject({ url: `/api/stories/${row!.slug}`, headers: anon() });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers["x-cache"], "MISS");
    const story = first.json();
    assert.equal(story.id, row!.id);
    assert.ok(story.author.id && story.author.displayName);
    assert.ok(story.chapters.length >= 1);
    assert.deepEqual(story.chapters.map((c: { position: number }) => c.position), story.chapters.map((_: unknown, i: number) => i + 1));
    assert.ok(story.tags.length === 2);
    assert.ok(story.recentWhispers.length >= 1 && story.recentWhispers.length <= 10);
    const second = await app2.inject({ url: `/api/stories/${row!.slug}`, headers: anon() });
    assert.equal(second.headers["x-cache"], "HIT", "the cache is shared through Redis");
    assert.deepEqual(second.json(), story);
  });

  it("404 for an unknown slug, 400 naming the field for a malformed one", async () => {
    const missing = await app.inject({ url: "/api/stories/no-such-story-0", headers: anon() });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { error: "not_found", message: 'no story with slug "no-such-story-0"' });
    const bad = await app.inject({ url: "/api/stories/Bad%20Slug!", headers: anon() });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, "slug");
  });

  it("a private story is visible to its author only", async () => {
    const [row] = await db.query<{ slug: string; author_id: string }>("SELECT slug, author_id::text FROM stories WHERE visibility = 'private' LIMIT 1");
    const author = Number(row!.author_id);
    assert.equal((await app.inject({ url: `/api/stories/${row!.slug}`, headers: anon() })).statusCode, 404);
    assert.equal((await app.inject({ url: `/api/stories/${row!.slug}`, headers: auth(author === 1 ? 2 : 1) })).statusCode, 404);
    const own = await app.inject({ url: `/api/stories/${row!.slug}`, headers: auth(author) });
    assert.equal(own.statusCode, 200);
    assert.equal(own.headers["x-cache"], "MISS", "private stories are never cached");
  });
});

describe("authentication", () => {
  it("401 without a token, with a bad signature, expired, malformed, or for an unknown user", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /needs an Authorization/],
      [bearer(signToken("another-secret", "3")), /signature/],
      [bearer(token(3, { nowSec: 1_000_000, ttlSec: 60 })), /expired/],
      [{ authorization: "Token abc" }, /Bearer <token>/],
      [bearer("mj1.e30.x"), /signature/],
      [bearer(token(999_999)), /does not exist/],
    ];
    for (const [headers, message] of cases) {
      const res = await app.inject({ url: "/api/users/me", headers: { ...headers, ...anon() } });
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assert.equal(res.json().error, "unauthorized");
      assert.match(res.json().message, message);
      assert.match(String(res.headers["www-authenticate"]), /^Bearer/);
    }
  });

  it("a bad token is refused even on a public route", async () => {
    const res = await app.inject({ url: "/api/discovery/trending", headers: bearer("mj1.e30.x") });
    assert.equal(res.statusCode, 401);
  });

  it("logout revokes the session on every instance", async () => {
    const t = token(150);
    assert.equal((await app.inject({ url: "/api/users/me", headers: bearer(t) })).statusCode, 200);
    const out = await app.inject({ method: "DELETE", url: "/api/auth/session", headers: bearer(t) });
    assert.equal(out.statusCode, 204);
    const after = await app2.inject({ url: "/api/users/me", headers: bearer(t) });
    assert.equal(after.statusCode, 401);
    assert.match(after.json().message, /logged out/);
    assert.equal((await app2.inject({ url: "/api/users/me", headers: auth(150) })).statusCode, 200, "a new token still works");
  });
});

describe("GET /api/users/me and /api/library/shelves", () => {
  it("returns the profile, a miss then a hit", async () => {
    const first = await app.inject({ url: "/api/users/me", headers: auth(5) });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers["x-cache"], "MISS");
    const me = first.json();
    assert.equal(me.id, "5");
    assert.equal(me.username, "reader000005");
    assert.equal(typeof me.stats.stories, "number");
    const second = await app.inject({ url: "/api/users/me", headers: auth(5) });
    assert.equal(second.headers["x-cache"], "HIT");
    assert.deepEqual(second.json(), me);
  });

  it("returns the user's shelves with their stories", async () => {
    const res = await app.inject({ url: "/api/library/shelves", headers: auth(6) });
    assert.equal(res.statusCode, 200);
    const shelves = res.json().results;
    assert.deepEqual(shelves.map((s: { name: string }) => s.name), ["Currently reading", "Favorites"]);
    assert.ok(shelves[0].items.length >= 1);
    assert.ok(shelves[0].items[0].slug);
    assert.equal((await app.inject({ url: "/api/library/shelves", headers: anon() })).statusCode, 401);
  });
});

describe("GET /api/search/stories", () => {
  it("finds public stories by term, anonymous or not", async () => {
    for (const term of ["fantasy", "romance", "adventure", "mystery", "scifi"]) {
      const res = await app.inject({ url: `/api/search/stories?q=${term}&limit=5`, headers: anon() });
      assert.equal(res.statusCode, 200, term);
      const body = res.json();
      assert.equal(body.query, term);
      assert.ok(body.results.length > 0 && body.results.length <= 5, term);
      for (const s of body.results) assert.ok(`${s.title} ${s.genre} ${s.blurb}`.toLowerCase().includes(term), `${term}: ${s.title}`);
      const likes = body.results.map((s: { likeCount: number }) => s.likeCount);
      assert.deepEqual(likes, [...likes].sort((a, b) => b - a), "most liked first");
    }
    const withToken = await app.inject({ url: "/api/search/stories?q=mystery", headers: auth(7) });
    assert.equal(withToken.statusCode, 200);
  });

  it("400 naming q when it is missing or blank, limit when out of range", async () => {
    for (const [query, field] of [["", "q"], ["?q=", "q"], ["?q=%20%20", "q"], ["?q=fantasy&limit=99", "limit"], ["?q=x&offset=-1", "offset"]] as const) {
      const res = await app.inject({ url: `/api/search/stories${query}`, headers: anon() });
      assert.equal(res.statusCode, 400, query);
      assert.equal(res.json().field, field, query);
    }
  });
});

describe("POST /api/whispers", () => {
  it("creates a whisper (201), stored, and refreshes the story it is about", async () => {
    const [row] = await db.query<{ slug: string; id: string }>("SELECT slug, id::text AS id FROM stories WHERE visibility = 'public' ORDER BY id LIMIT 1 OFFSET 20");
    await app.inject({ url: `/api/stories/${row!.slug}`, headers: anon() });
    const res = await app.inject({ method: "POST", url: "/api/whispers", headers: auth(8), payload: { content: "What a twist!", scope: "public", storyId: row!.id } });
    assert.equal(res.statusCode, 201);
    const w = res.json();
    assert.equal(w.content, "What a twist!");
    assert.equal(w.storyId, row!.id);
    const stored = await db.query<{ author_id: string; content: string }>("SELECT author_id::text, content FROM whispers WHERE id = $1", [w.id]);
    assert.deepEqual(stored, [{ author_id: "8", content: "What a twist!" }]);
    const view = await app2.inject({ url: `/api/stories/${row!.slug}`, headers: anon() });
    assert.equal(view.headers["x-cache"], "MISS", "the write invalidated the cached story");
    assert.equal(view.json().recentWhispers[0].id, w.id);
  });

  it("scope defaults to public; errors name the field", async () => {
    const ok = await app.inject({ method: "POST", url: "/api/whispers", headers: auth(9), payload: { content: "hi" } });
    assert.equal(ok.statusCode, 201);
    assert.equal(ok.json().scope, "public");
    const cases: [unknown, string][] = [
      [{}, "content"],
      [{ content: "" }, "content"],
      [{ content: "x", scope: "everyone" }, "scope"],
      [{ content: "x", storyId: "abc" }, "storyId"],
    ];
    for (const [payload, field] of cases) {
      const res = await app.inject({ method: "POST", url: "/api/whispers", headers: auth(9), payload: payload as object });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().field, field);
    }
    const unknownStory = await app.inject({ method: "POST", url: "/api/whispers", headers: auth(9), payload: { content: "x", storyId: "99999999" } });
    assert.equal(unknownStory.statusCode, 404);
  });

  it("401 without a token; 413 for an oversized body; 400 for broken JSON; 415 for another content type", async () => {
    assert.equal((await app.inject({ method: "POST", url: "/api/whispers", headers: anon(), payload: { content: "x" } })).statusCode, 401);
    const big = await app.inject({ method: "POST", url: "/api/whispers", headers: auth(10), payload: { content: "x".repeat(20_000) } });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error, "payload_too_large");
    const broken = await app.inject({ method: "POST", url: "/api/whispers", headers: { ...auth(10), "content-type": "application/json" }, payload: "{not json" });
    assert.equal(broken.statusCode, 400);
    assert.equal(broken.json().field, "body");
    const text = await app.inject({ method: "POST", url: "/api/whispers", headers: { ...auth(10), "content-type": "text/plain" }, payload: "hello" });
    assert.equal(text.statusCode, 415);
  });
});

describe("stories: create, list own, update", () => {
  it("creates (201 with id), lists it first under /mine, updates it (author only)", async () => {
    const created = await app.inject({ method: "POST", url: "/api/stories", headers: auth(20), payload: { title: "A Lantern at Sea", blurb: "Salt and light.", genre: "Adventure", visibility: "public" } });
    assert.equal(created.statusCode, 201);
    const story = created.json();
    assert.match(story.id, /^\d+$/);
    assert.match(story.slug, /^a-lantern-at-sea-[0-9a-f]{8}$/);
    assert.equal(story.genre, "adventure");
    const [row] = await db.query<{ title: string; author_id: string }>("SELECT title, author_id::text FROM stories WHERE id = $1", [story.id]);
    assert.deepEqual(row, { title: "A Lantern at Sea", author_id: "20" });

    const mine = await app.inject({ url: "/api/stories/mine", headers: auth(20) });
    assert.equal(mine.statusCode, 200);
    assert.equal(mine.json().results[0].id, story.id);

    const view = await app.inject({ url: `/api/stories/${story.slug}`, headers: anon() });
    assert.equal(view.json().blurb, "Salt and light.");
    const patched = await app.inject({ method: "PATCH", url: `/api/stories/${story.id}`, headers: auth(20), payload: { blurb: "Now with storms." } });
    assert.equal(patched.statusCode, 200);
    assert.equal(patched.json().blurb, "Now with storms.");
    const [updated] = await db.query<{ blurb: string }>("SELECT blurb FROM stories WHERE id = $1", [story.id]);
    assert.equal(updated!.blurb, "Now with storms.");
    const again = await app2.inject({ url: `/api/stories/${story.slug}`, headers: anon() });
    assert.equal(again.headers["x-cache"], "MISS");
    assert.equal(again.json().blurb, "Now with storms.");

    const other = await app.inject({ method: "PATCH", url: `/api/stories/${story.id}`, headers: auth(21), payload: { blurb: "mine now" } });
    assert.equal(other.statusCode, 403);
  });

  it("errors: 400 naming the field, 404 for an unknown id, 401 without a token", async () => {
    const cases: [string, string, unknown, string][] = [
      ["POST", "/api/stories", { genre: "fantasy" }, "title"],
      ["POST", "/api/stories", { title: "T" }, "genre"],
      ["POST", "/api/stories", { title: "T", genre: "fantasy", visibility: "secret" }, "visibility"],
      ["POST", "/api/stories", { title: "T", genre: "fantasy", blurb: "b".repeat(2001) }, "blurb"],
      ["PATCH", "/api/stories/abc", { blurb: "x" }, "id"],
      ["PATCH", "/api/stories/1", {}, "body"],
      ["PATCH", "/api/stories/1", { visibility: "secret" }, "visibility"],
    ];
    for (const [method, url, payload, field] of cases) {
      const res = await app.inject({ method: method as "POST", url, headers: auth(22), payload: payload as object });
      assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}`);
      assert.equal(res.json().field, field, `${method} ${url} ${JSON.stringify(payload)}`);
    }
    assert.equal((await app.inject({ method: "PATCH", url: "/api/stories/99999999", headers: auth(22), payload: { blurb: "x" } })).statusCode, 404);
    assert.equal((await app.inject({ method: "POST", url: "/api/stories", headers: anon(), payload: { title: "T", genre: "fantasy" } })).statusCode, 401);
    assert.equal((await app.inject({ url: "/api/stories/mine", headers: anon() })).statusCode, 401);
  });

  it("the 11th content submission in an hour is a 429 with Retry-After", async () => {
    for (let i = 0; i < 10; i++) {
      const res = await app.inject({ method: "POST", url: "/api/stories", headers: auth(30), payload: { title: `Story ${i}`, genre: "drama" } });
      assert.equal(res.statusCode, 201);
    }
    const refused = await app2.inject({ method: "POST", url: "/api/stories", headers: auth(30), payload: { title: "One too many", genre: "drama" } });
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().error, "rate_limited");
    const retry = Number(refused.headers["retry-after"]);
    assert.ok(retry > 3000 && retry <= 3600, `Retry-After ${retry}`);
    assert.equal((await app.inject({ url: "/api/users/me", headers: auth(30) })).statusCode, 200, "reads are still allowed");
  });
});

describe("every write acknowledged with 2xx is in the database", () => {
  it("holds for a burst of concurrent writes on two instances", async () => {
    const writes = Array.from({ length: 60 }, (_, i) => {
      const instance = i % 2 === 0 ? app : app2;
      const user = 40 + (i % 12);
      return i % 3 === 0
        ? instance.inject({ method: "POST", url: "/api/stories", headers: auth(user), payload: { title: `Burst ${i}`, genre: "poetry", blurb: `burst-${i}` } })
        : instance.inject({ method: "POST", url: "/api/whispers", headers: auth(user), payload: { content: `burst whisper ${i}` } });
    });
    const responses = await Promise.all(writes);
    const acked = responses.filter((r) => r.statusCode >= 200 && r.statusCode < 300).map((r) => r.json());
    assert.ok(acked.length >= 50, `only ${acked.length} of 60 writes acknowledged`);
    for (const r of responses) assert.ok([201, 429].includes(r.statusCode), `unexpected ${r.statusCode} ${r.body}`);
    const storyIds = acked.filter((b) => b.slug).map((b) => b.id);
    const whisperIds = acked.filter((b) => b.content).map((b) => b.id);
    const stories = await db.query<{ id: string; blurb: string }>("SELECT id::text, blurb FROM stories WHERE id = ANY($1::bigint[])", [storyIds]);
    const whispers = await db.query<{ id: string; content: string }>("SELECT id::text, content FROM whispers WHERE id = ANY($1::bigint[])", [whisperIds]);
    assert.equal(stories.length, storyIds.length);
    assert.equal(whispers.length, whisperIds.length);
    for (const s of stories) assert.match(s.blurb, /^burst-\d+$/);
    for (const w of whispers) assert.match(w.content, /^burst whisper \d+$/);
  });
});

describe("rate limits shared through Redis", () => {
  it("the 101st request of a user in a minute is a 429 with Retry-After, across two instances", async () => {
    const headers = auth(100);
    for (let i = 0; i < 100; i++) {
      const res = await (i % 2 === 0 ? app : app2).inject({ url: "/api/users/me", headers });
      assert.equal(res.statusCode, 200, `request ${i + 1}`);
    }
    const refused = await app.inject({ url: "/api/users/me", headers });
    assert.equal(refused.statusCode, 429);
    const retry = Number(refused.headers["retry-after"]);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.match(refused.json().message, /"user" of 100 requests per minute/);
    assert.equal((await app.inject({ url: "/api/users/me", headers: auth(101) })).statusCode, 200, "another user is unaffected");
  });

  it("anonymous clients: 100 reads and 20 writes per minute per IP", async () => {
    const reader = anon();
    for (let i = 0; i < 100; i++) assert.equal((await (i % 2 ? app : app2).inject({ url: "/api/discovery/trending", headers: reader })).statusCode, 200);
    const refused = await app.inject({ url: "/api/search/stories?q=fantasy", headers: reader });
    assert.equal(refused.statusCode, 429);
    assert.match(refused.json().message, /anon-read/);
    const writer = anon();
    for (let i = 0; i < 20; i++) assert.equal((await app.inject({ method: "POST", url: "/api/whispers", headers: writer, payload: { content: "x" } })).statusCode, 401);
    const limited = await app2.inject({ method: "POST", url: "/api/whispers", headers: writer, payload: { content: "x" } });
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers["retry-after"]) >= 1);
  });

  it("health endpoints are never limited", async () => {
    const headers = anon();
    for (let i = 0; i < 120; i++) assert.equal((await app.inject({ url: "/health", headers })).statusCode, 200);
  });
});

describe("GET /metrics", () => {
  it("exposes the request histogram with cache labels, pool, cache and limiter metrics", async () => {
    const [row] = await db.query<{ slug: string }>("SELECT slug FROM stories WHERE visibility = 'public' ORDER BY id LIMIT 1 OFFSET 30");
    for (let i = 0; i < 2; i++) await app.inject({ url: `/api/stories/${row!.slug}`, headers: anon() });
    const text = (await app.inject({ url: "/metrics" })).body;
    for (const name of [METRIC.dbPoolMax, METRIC.dbPoolTotal, METRIC.dbPoolIdle, METRIC.dbPoolWaiting, METRIC.cacheHits, METRIC.cacheMisses, METRIC.rateLimited, METRIC.rateLimiterFailOpen, METRIC.eventLoopLag, METRIC.processCpu, METRIC.processResidentMemory, METRIC.dbQueriesPerRequest, METRIC.dbPoolAcquire, METRIC.dbQueryDuration, METRIC.appInfo]) {
      assert.ok(text.includes(`${name}`), name);
    }
    assert.match(text, new RegExp(`${METRIC.httpRequestDuration}_count\\{route="/api/stories/:slug",method="GET",status="200",cache="hit"\\} \\d+`));
    assert.match(text, new RegExp(`${METRIC.httpRequestDuration}_count\\{route="/api/stories/:slug",method="GET",status="200",cache="miss"\\} \\d+`));
    assert.match(text, new RegExp(`${METRIC.httpRequestDuration}_count\\{route="/api/search/stories",method="GET",status="200",cache="none"\\} \\d+`));
    assert.match(text, /muejam_rate_limited_requests_total\{group="user"\} [1-9]/);
    assert.match(text, /muejam_cache_hits_total\{family="story"\} [1-9]/);
    assert.match(text, /muejam_db_pool_max_connections\{pool="primary"\} 20/);
  });

  it("an unknown route is a 404 naming it", async () => {
    const res = await app.inject({ url: "/api/nothing" });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().message, "no route GET /api/nothing");
  });
});
