// The bad-input corpus: over 150 hand-made hostile requests to every route of the MueJam API (NUL
// characters, huge, negative and non-finite numbers, wrong types, unicode, injection strings,
// forged, expired and other users' tokens, other users' private stories). Each must get its
// expected status (never a 500) in the one error shape, and leave the database as it was.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, it } from "node:test";
import { build, type MueJamApp } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { bearer, createTestDatabase, TEST_SECRET, type TestDatabase } from "./helpers.js";

let db: TestDatabase;
let app: MueJamApp;
let privateId = "";
let privateSlug = "";
let publicId = "";

const OWNER = 1;
const OTHER = 2;
const tokenOf = (user: number | string, opts: { ttlSec?: number; nowSec?: number } = {}): string => signToken(TEST_SECRET, String(user), opts);
const as = (user: number): Record<string, string> => bearer(tokenOf(user));

function hmacToken(claims: object, secret = TEST_SECRET): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `mj1.${payload}.${createHmac("sha256", secret).update(`mj1.${payload}`).digest("base64url")}`;
}

/** Authorization headers that must all be refused with 401. */
function badAuth(): [string, Record<string, string>][] {
  const good = tokenOf(OTHER);
  const [p, payload, sig] = good.split(".");
  const now = Math.floor(Date.now() / 1000);
  return [
    ["no token", {}],
    ["Bearer without token", { authorization: "Bearer" }],
    ["Basic scheme", { authorization: "Basic dXNlcjpwYXNz" }],
    ["flipped signature", bearer(`${p}.${payload}.${sig!.slice(0, -2)}${sig!.endsWith("AA") ? "BB" : "AA"}`)],
    ["signed with another secret", bearer(signToken("another-secret", String(OTHER)))],
    ["the development secret", bearer(signToken("muejam-development-secret-do-not-use-in-production", String(OTHER)))],
    ["expired", bearer(tokenOf(OTHER, { nowSec: now - 7200, ttlSec: 60 }))],
    ["user who does not exist", bearer(tokenOf(987654))],
    ["no audience or issuer", bearer(hmacToken({ sub: String(OTHER), sid: "s1", iat: now, exp: now + 600 }))],
    ["another audience", bearer(hmacToken({ sub: String(OTHER), sid: "s2", iat: now, exp: now + 600, aud: "other-api", iss: "muejam" }))],
    ["injection in sub", bearer(hmacToken({ sub: "1 OR 1=1", sid: "s3", iat: now, exp: now + 600, aud: "muejam-api", iss: "muejam" }))],
    ["non-finite expiry", bearer(hmacToken({ sub: String(OTHER), sid: "s4", iat: now, exp: "never", aud: "muejam-api", iss: "muejam" }))],
    ["payload not JSON", bearer(`mj1.${Buffer.from("not json").toString("base64url")}.${sig}`)],
    ["two dots only", bearer("mj1..")],
  ];
}

interface Case {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
  url: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  status: number;
  /** The field a 400 must name. */
  field?: string;
}

const J = { "content-type": "application/json" };
const NUMERIC_BAD = ["0", "-1", "abc", "Infinity", "-Infinity", "1e309", "-1e309", "NaN", "1.5", "%00", "1%002", "99999999999999999999999"];
const SLUG_BAD = ["%00", "UPPER", "a".repeat(130), "..%2F..%2Fetc%2Fpasswd", "'%20OR%201=1", "%F0%9F%98%80", "-leading", "a%00b"];
const INJECTION = ["' OR 1=1 --", "'; DROP TABLE stories; --", "<script>alert(1)</script>", "${7*7}", "\\u0000", "ロマンス", "🐉 dragons", "a & b | c"];

function corpus(): Case[] {
  const cases: Case[] = [];
  const add = (c: Case): void => void cases.push(c);
  for (const v of NUMERIC_BAD) {
    add({ name: `trending limit=${v}`, method: "GET", url: `/api/discovery/trending?limit=${v}`, status: 400, field: "limit" });
    add({ name: `search limit=${v}`, method: "GET", url: `/api/search/stories?q=fantasy&limit=${v}`, status: 400, field: "limit" });
    add({ name: `mine limit=${v}`, method: "GET", url: `/api/stories/mine?limit=${v}`, headers: as(OTHER), status: 400, field: "limit" });
  }
  for (const v of ["-1", "1001", "Infinity", "1e309", "NaN", "x"]) add({ name: `search offset=${v}`, method: "GET", url: `/api/search/stories?q=fantasy&offset=${v}`, status: 400, field: "offset" });
  for (const v of ["51", "1e3"]) add({ name: `trending limit=${v}`, method: "GET", url: `/api/discovery/trending?limit=${v}`, status: 400, field: "limit" });
  for (const q of ["%00", "fan%00tasy", "", "%20%20%20", "x".repeat(101), "y".repeat(5000)]) add({ name: `search q=${q.slice(0, 12)}`, method: "GET", url: `/api/search/stories?q=${q}`, status: 400, field: "q" });
  add({ name: "search without q", method: "GET", url: "/api/search/stories", status: 400, field: "q" });
  // Injection strings are text like any other: searched for, harmless (200), nothing changed.
  for (const q of INJECTION) add({ name: `search q=${q}`, method: "GET", url: `/api/search/stories?q=${encodeURIComponent(q)}`, status: 200 });
  for (const s of SLUG_BAD) add({ name: `story slug ${s.slice(0, 16)}`, method: "GET", url: `/api/stories/${s}`, status: 400, field: "slug" });
  add({ name: "unknown slug", method: "GET", url: "/api/stories/no-such-story-anywhere", status: 404 });
  add({ name: "private story, anonymous", method: "GET", url: `/api/stories/${privateSlug}`, status: 404 });
  add({ name: "private story, other user", method: "GET", url: `/api/stories/${privateSlug}`, headers: as(OTHER), status: 404 });

  for (const [why, headers] of badAuth()) {
    add({ name: `users/me: ${why}`, method: "GET", url: "/api/users/me", headers, status: 401 });
    add({ name: `whisper: ${why}`, method: "POST", url: "/api/whispers", headers: { ...headers, ...J }, body: { content: "hi" }, status: 401 });
    add({ name: `create story: ${why}`, method: "POST", url: "/api/stories", headers: { ...headers, ...J }, body: { title: "t", genre: "fantasy" }, status: 401 });
    add({ name: `patch: ${why}`, method: "PATCH", url: `/api/stories/${publicId}`, headers: { ...headers, ...J }, body: { blurb: "x" }, status: 401 });
    if (why !== "no token") add({ name: `trending: ${why}`, method: "GET", url: "/api/discovery/trending", headers, status: 401 });
  }
  for (const url of ["/api/library/shelves", "/api/stories/mine"]) add({ name: `${url} anonymous`, method: "GET", url, status: 401 });
  add({ name: "logout anonymous", method: "DELETE", url: "/api/auth/session", status: 401 });
  add({ name: "logout forged", method: "DELETE", url: "/api/auth/session", headers: bearer(signToken("x", "2")), status: 401 });

  const whisper = (name: string, body: unknown, status: number, field?: string, headers: Record<string, string> = J): void =>
    add({ name: `whisper ${name}`, method: "POST", url: "/api/whispers", headers: { ...as(OTHER), ...headers }, body, status, ...(field ? { field } : {}) });
  whisper("NUL content", { content: "a\u0000b" }, 400, "content");
  whisper("only NUL", { content: "\u0000" }, 400, "content");
  for (const content of [123, true, null, [], ["x"], {}, { text: "x" }, 1e308]) whisper(`content ${JSON.stringify(content)}`, { content }, 400, "content");
  for (const content of ["", "   ", "x".repeat(501)]) whisper(`content length ${content.length}`, { content }, 400, "content");
  whisper("missing content", { scope: "public" }, 400, "content");
  for (const scope of ["secret", 1, "", "PUBLIC", "public\u0000"]) whisper(`scope ${JSON.stringify(scope)}`, { content: "x", scope }, 400, "scope");
  for (const storyId of ["abc", -1, 12, "1e3", "-5", "9999999999999999999", "1 OR 1=1", "", "1\u0000"]) whisper(`storyId ${JSON.stringify(storyId)}`, { content: "x", storyId }, 400, "storyId");
  whisper("storyId unknown", { content: "x", storyId: "999999999" }, 404);
  whisper("storyId 0", { content: "x", storyId: "0" }, 404);
  whisper("on another user's private story", { content: "x", storyId: privateId }, 404);
  whisper("raw 1e309", '{"content":"x","storyId":1e309}', 400, "storyId");
  whisper("raw Infinity", '{"content":"x","storyId":Infinity}', 400, "body");
  whisper("not JSON", "content=x", 400, "body");
  whisper("truncated JSON", '{"content":"x"', 400, "body");
  whisper("empty body", "", 400, "body");
  whisper("array body", "[]", 400);
  whisper("null body", "null", 400);
  whisper("__proto__ key", '{"content":"x","__proto__":{"admin":true}}', 400);
  whisper("constructor.prototype", '{"content":"x","constructor":{"prototype":{"admin":true}}}', 400);
  whisper("NUL in a key", '{"content":"x","a\\u0000b":1}', 400);
  whisper("huge body", { content: "x".repeat(20_000) }, 413, undefined);
  whisper("text/plain", "content", 415, undefined, { "content-type": "text/plain" });
  whisper("form body", "content=x", 415, undefined, { "content-type": "application/x-www-form-urlencoded" });

  const story = (name: string, body: unknown, status: number, field?: string): void =>
    add({ name: `create story ${name}`, method: "POST", url: "/api/stories", headers: { ...as(OTHER), ...J }, body, status, ...(field ? { field } : {}) });
  for (const title of ["bad\u0000title", 42, [], null, "", "   ", "t".repeat(201), { a: 1 }]) story(`title ${JSON.stringify(title).slice(0, 20)}`, { title, genre: "fantasy" }, 400, "title");
  for (const genre of ["1abc", "x", "fan\u0000tasy", 5, "'; DROP TABLE stories; --", "g".repeat(40), "ファンタジー"]) story(`genre ${JSON.stringify(genre).slice(0, 20)}`, { title: "t", genre }, 400, "genre");
  for (const visibility of ["secret", true, "PRIVATE"]) story(`visibility ${JSON.stringify(visibility)}`, { title: "t", genre: "fantasy", visibility }, 400, "visibility");
  for (const blurb of ["b".repeat(2001), 12, "nul\u0000here"]) story(`blurb ${JSON.stringify(blurb).slice(0, 16)}`, { title: "t", genre: "fantasy", blurb }, 400, "blurb");
  story("missing title", { genre: "fantasy" }, 400, "title");
  story("missing genre", { title: "t" }, 400, "genre");
  story("array", "[]", 400);

  const patch = (name: string, id: string, body: unknown, status: number, field?: string, user = OTHER): void =>
    add({ name: `patch ${name}`, method: "PATCH", url: `/api/stories/${id}`, headers: { ...as(user), ...J }, body, status, ...(field ? { field } : {}) });
  patch("another user's private story", privateId, { blurb: "mine now" }, 404);
  patch("another user's public story", publicId, { blurb: "mine now" }, 403);
  patch("unknown story", "999999999", { blurb: "x" }, 404);
  for (const id of ["abc", "-1", "1e3", "9999999999999999999", "%00", "1%20OR%201=1"]) patch(`id ${id}`, id, { blurb: "x" }, 400, "id");
  patch("empty body", publicId, {}, 400, "body", OWNER);
  patch("unknown field", publicId, { author_id: 2 }, 400, "author_id", OWNER);
  patch("NUL title", publicId, { title: "a\u0000" }, 400, "title", OWNER);
  patch("visibility x", publicId, { visibility: "x" }, 400, "visibility", OWNER);
  patch("blurb number", publicId, { blurb: 5 }, 400, "blurb", OWNER);
  patch("title Infinity", publicId, '{"title":1e309}', 400, "title", OWNER);

  add({ name: "unknown route", method: "GET", url: "/api/nope", status: 404 });
  add({ name: "POST to a GET route", method: "POST", url: "/api/discovery/trending", headers: J, body: {}, status: 404 });
  add({ name: "PUT a story", method: "PUT", url: `/api/stories/${publicId}`, headers: { ...as(OWNER), ...J }, body: { blurb: "x" }, status: 404 });
  add({ name: "POST /health", method: "POST", url: "/health", status: 404 });
  add({ name: "bad percent-encoding", method: "GET", url: "/api/stories/%zz", status: 400, field: "path" });
  add({ name: "a 5000-character path segment", method: "GET", url: `/api/stories/${"s".repeat(5000)}`, status: 400, field: "path" });
  add({ name: "a 5000-character story id", method: "PATCH", url: `/api/stories/${"9".repeat(5000)}`, headers: { ...as(OWNER), ...J }, body: { blurb: "x" }, status: 400, field: "path" });
  return cases;
}

const SNAPSHOT = `SELECT (SELECT count(*) FROM users)::int AS users,
  (SELECT md5(coalesce(string_agg(id || '|' || slug || '|' || title || '|' || blurb || '|' || genre || '|' || visibility || '|' || updated_at, ',' ORDER BY id), '')) FROM stories) AS stories,
  (SELECT md5(coalesce(string_agg(id || '|' || content || '|' || scope || '|' || coalesce(story_id::text, ''), ',' ORDER BY id), '')) FROM whispers) AS whispers`;

before(async () => {
  db = await createTestDatabase({ users: 20, stories: 40 });
  app = build({ databaseUrl: db.url, tokenSecret: TEST_SECRET, rateLimits: false });
  await app.ready();
  const create = async (visibility: string): Promise<{ id: string; slug: string }> => {
    const res = await app.inject({ method: "POST", url: "/api/stories", headers: { ...as(OWNER), ...J }, payload: { title: `Owner's ${visibility} story`, genre: "fantasy", visibility } });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  ({ id: privateId, slug: privateSlug } = await create("private"));
  ({ id: publicId } = await create("public"));
});

after(async () => {
  await app?.close();
  await db?.drop();
});

it("every hostile request gets its expected status in the error shape, and the database is unchanged", async (t) => {
  const cases = corpus();
  assert.ok(cases.length >= 150, `${cases.length} requests`);
  t.diagnostic(`${cases.length} requests`);
  const routes = new Set(cases.map((c) => `${c.method} ${c.url.split("?")[0]!.replace(/^\/api\/stories\/(?!mine$).*$/, "/api/stories/:x")}`));
  for (const r of ["GET /api/discovery/trending", "GET /api/search/stories", "GET /api/stories/:x", "GET /api/users/me", "GET /api/library/shelves", "GET /api/stories/mine", "POST /api/whispers", "POST /api/stories", "PATCH /api/stories/:x", "DELETE /api/auth/session"]) {
    assert.ok(routes.has(r), `the corpus covers ${r}`);
  }
  const wrong: string[] = [];
  for (const c of cases) {
    const before = (await db.query(SNAPSHOT))[0];
    const payload = c.body === undefined ? undefined : typeof c.body === "string" ? c.body : JSON.stringify(c.body);
    const res = await app.inject({ method: c.method, url: c.url, headers: c.headers ?? {}, ...(payload !== undefined ? { payload } : {}) });
    const after = (await db.query(SNAPSHOT))[0];
    let body: { error?: unknown; message?: unknown; field?: unknown } = {};
    try {
      body = res.json();
    } catch {
      wrong.push(`${c.name}: body is not JSON: ${res.body.slice(0, 80)}`);
    }
    if (res.statusCode !== c.status) wrong.push(`${c.name}: ${res.statusCode} (expected ${c.status}) ${res.body.slice(0, 160)}`);
    if (c.status >= 400 && (typeof body.error !== "string" || typeof body.message !== "string")) wrong.push(`${c.name}: not the error shape: ${res.body.slice(0, 120)}`);
    if (c.field !== undefined && body.field !== c.field) wrong.push(`${c.name}: field ${JSON.stringify(body.field)} (expected ${c.field}) ${String(body.message)}`);
    if (JSON.stringify(after) !== JSON.stringify(before)) wrong.push(`${c.name}: changed the database`);
  }
  assert.deepEqual(wrong, [], wrong.join("\n"));
});
