// One test per defect of the security review (issue 14): forged tokens, writes onto stories the
// sender may not see, 500s from NUL bytes and non-finite numbers, type coercion of bodies,
// client-chosen rate-limit identities, quotas used up by rejected submissions, and connection
// strings with their password in log lines and world-readable files.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { build, type BuildOptions, type MueJamApp } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { configInputFromEnv, resolveConfig } from "../src/config.js";
import { ConfigError } from "../src/errors.js";
import { runPlatformProcess } from "../src/platform/platform-process.js";
import { writePlatformState } from "../src/platform/platform-state.js";
import { bearer, createTestDatabase, deleteRedisPrefix, REDIS_URL, TEST_SECRET, uniquePrefix, type TestDatabase } from "./helpers.js";

let db: TestDatabase;
let app: MueJamApp;
const auth = (userId: number): Record<string, string> => bearer(signToken(TEST_SECRET, String(userId)));
const json = (userId: number): Record<string, string> => ({ ...auth(userId), "content-type": "application/json" });
const apps: MueJamApp[] = [];

async function appWith(extra: Partial<BuildOptions>): Promise<MueJamApp> {
  const a = build({ databaseUrl: db.url, tokenSecret: TEST_SECRET, ...extra });
  apps.push(a);
  await a.ready();
  return a;
}

before(async () => {
  db = await createTestDatabase({ users: 20, stories: 40 });
  app = await appWith({ rateLimits: false });
});

after(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await db?.drop();
});

describe("tokens", () => {
  it("a token signed with the right secret but without the API's audience and issuer is refused", async () => {
    const payload = Buffer.from(JSON.stringify({ sub: "5", sid: "forged-session", iat: 1, exp: 4_000_000_000 })).toString("base64url");
    const forged = `mj1.${payload}.${createHmac("sha256", TEST_SECRET).update(`mj1.${payload}`).digest("base64url")}`;
    const res = await app.inject({ url: "/api/users/me", headers: bearer(forged) });
    assert.equal(res.statusCode, 401);
    assert.match(res.json().message, /audience|issuer/);
    const good = await app.inject({ url: "/api/users/me", headers: auth(5) });
    assert.equal(good.statusCode, 200);
  });

  it("the API refuses to listen beyond loopback without MUEJAM_TOKEN_SECRET, and says why", async () => {
    const env = { DATABASE_URL: "postgres://u:p@127.0.0.1:1/none" };
    await assert.rejects(runPlatformProcess({ host: "0.0.0.0", port: 0 }, env, () => {}), (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, /MUEJAM_TOKEN_SECRET/);
      assert.match(err.message, /0\.0\.0\.0/);
      return true;
    });
    // Loopback, lab mode or a secret: it goes on (and fails later on the unreachable database, not on config).
    for (const [host, more] of [["127.0.0.1", {}], ["0.0.0.0", { MUEJAM_LAB: "1" }], ["0.0.0.0", { MUEJAM_TOKEN_SECRET: "s3cret-of-this-deployment" }]] as const) {
      await assert.rejects(runPlatformProcess({ host, port: 0 }, { ...env, ...more }, () => {}), (err: unknown) => !(err instanceof ConfigError));
    }
  });
});

describe("authorization on writes", () => {
  it("a whisper or a PATCH on another user's private story answers exactly as for an unknown story (404)", async () => {
    const created = await app.inject({ method: "POST", url: "/api/stories", headers: json(1), payload: { title: "Secret drafts", genre: "fantasy", visibility: "private" } });
    assert.equal(created.statusCode, 201);
    const id = created.json().id as string;
    const unknownId = "999999999";
    const whispersBefore = await db.query("SELECT count(*)::int AS n FROM whispers");
    const onPrivate = await app.inject({ method: "POST", url: "/api/whispers", headers: json(9), payload: { content: "hello", storyId: id } });
    const onUnknown = await app.inject({ method: "POST", url: "/api/whispers", headers: json(9), payload: { content: "hello", storyId: unknownId } });
    assert.equal(onPrivate.statusCode, 404);
    assert.deepEqual(onPrivate.json(), JSON.parse(onUnknown.body.replace(unknownId, id)));
    assert.deepEqual(await db.query("SELECT count(*)::int AS n FROM whispers"), whispersBefore);
    const patchPrivate = await app.inject({ method: "PATCH", url: `/api/stories/${id}`, headers: json(9), payload: { blurb: "mine now" } });
    const patchUnknown = await app.inject({ method: "PATCH", url: `/api/stories/${unknownId}`, headers: json(9), payload: { blurb: "mine now" } });
    assert.equal(patchPrivate.statusCode, 404);
    assert.deepEqual(patchPrivate.json(), JSON.parse(patchUnknown.body.replace(unknownId, id)));
    // The author still may.
    const own = await app.inject({ method: "POST", url: "/api/whispers", headers: json(1), payload: { content: "note to self", storyId: id } });
    assert.equal(own.statusCode, 201);
  });
});

describe("validation", () => {
  it("NUL bytes and non-finite numbers in the query are 400 naming the field, never 500", async () => {
    const cases: [string, string][] = [
      ["/api/search/stories?q=%00", "q"],
      ["/api/search/stories?q=fan%00tasy", "q"],
      ["/api/discovery/trending?limit=Infinity", "limit"],
      ["/api/discovery/trending?limit=1e309", "limit"],
      ["/api/discovery/trending?limit=-1e309", "limit"],
      ["/api/search/stories?q=x&offset=1e309", "offset"],
      ["/api/stories/mine?limit=Infinity", "limit"],
    ];
    for (const [url, field] of cases) {
      const res = await app.inject({ url, headers: auth(2) });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(res.json().error, "bad_request", url);
      assert.equal(res.json().field, field, url);
    }
  });

  it("NUL bytes and wrong types in bodies are 400 naming the field, and nothing is stored", async () => {
    const before = await db.query("SELECT (SELECT count(*) FROM whispers)::int AS w, (SELECT count(*) FROM stories)::int AS s");
    const cases: [string, string, unknown, string][] = [
      ["POST", "/api/whispers", { content: "a\u0000b" }, "content"],
      ["POST", "/api/whispers", { content: 123 }, "content"],
      ["POST", "/api/whispers", { content: true }, "content"],
      ["POST", "/api/whispers", { content: ["x"] }, "content"],
      ["POST", "/api/stories", { title: "bad\u0000title", genre: "fantasy" }, "title"],
      ["POST", "/api/stories", { title: 42, genre: "fantasy" }, "title"],
    ];
    for (const [method, url, payload, field] of cases) {
      const res = await app.inject({ method: method as "POST", url, headers: json(3), payload: payload as object });
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      assert.equal(res.json().field, field, JSON.stringify(payload));
    }
    assert.deepEqual(await db.query("SELECT (SELECT count(*) FROM whispers)::int AS w, (SELECT count(*) FROM stories)::int AS s"), before);
  });

  it("a PostgreSQL data error (class 22) is a 400 in the one error shape, not a 500", async () => {
    const a = build({ databaseUrl: db.url, tokenSecret: TEST_SECRET });
    apps.push(a);
    a.get("/api/probe-22", { config: { api: true, auth: "optional" } }, async () => {
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021" });
    });
    await a.ready();
    const res = await a.inject({ url: "/api/probe-22" });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, "bad_request");
    assert.equal(typeof res.json().message, "string");
  });
});

describe("one error shape", () => {
  it("a draining instance answers 503 in the API's error shape, with Retry-After", async () => {
    const a = await appWith({});
    a.muejam.state.shuttingDown = true;
    for (const url of ["/api/discovery/trending", "/health/ready"]) {
      const res = await a.inject({ url });
      assert.equal(res.statusCode, 503, url);
      assert.equal(res.json().error, "service_unavailable", url);
      assert.equal(res.headers["retry-after"], "1");
    }
    a.muejam.state.shuttingDown = false;
  });
});

describe("rate-limit identity and quotas", () => {
  it("without a configured proxy, X-Forwarded-For does not choose the client's budget", async () => {
    const a = await appWith({ rateLimits: { anonReadPerMin: 3 } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await a.inject({ url: "/api/discovery/trending?limit=1", headers: { "x-forwarded-for": `10.9.0.${i}` } })).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 429, 429]);
  });

  it("from a configured proxy, the rightmost untrusted hop is the client", async () => {
    const a = await appWith({ rateLimits: { anonReadPerMin: 2 }, trustProxy: "127.0.0.1" });
    const hit = (xff: string): Promise<number> => a.inject({ url: "/api/discovery/trending?limit=1", headers: { "x-forwarded-for": xff } }).then((r) => r.statusCode);
    // The leftmost hops are whatever the client wrote: rotating them changes nothing.
    assert.deepEqual([await hit("1.1.1.1, 10.7.0.1"), await hit("2.2.2.2, 10.7.0.1"), await hit("3.3.3.3, 10.7.0.1")], [200, 200, 429]);
    assert.equal(await hit("10.7.0.2"), 200);
  });

  it("MUEJAM_TRUST_PROXY takes addresses or CIDRs; trusting every hop is refused", () => {
    assert.deepEqual(resolveConfig({ ...configInputFromEnv({ MUEJAM_TRUST_PROXY: "10.0.0.5, 10.1.0.0/16" }), databaseUrl: "postgres://x@h/db" }).trustProxy, ["10.0.0.5", "10.1.0.0/16"]);
    assert.deepEqual(resolveConfig({ databaseUrl: "postgres://x@h/db" }).trustProxy, []);
    assert.throws(() => configInputFromEnv({ MUEJAM_TRUST_PROXY: "true" }), (e: ConfigError) => /any client choose its rate-limit identity/.test(e.message) && /MUEJAM_TRUST_PROXY/.test(e.hint));
    assert.throws(() => resolveConfig({ databaseUrl: "postgres://x@h/db", trustProxy: "lb.example.com" }), (e: ConfigError) => /"lb\.example\.com" is not an address or CIDR/.test(e.message));
  });

  for (const store of ["in-process", "redis"] as const) {
    it(`rejected submissions do not use up the hourly submission quota (${store} limiter)`, async () => {
      const prefix = uniquePrefix();
      const a = await appWith({ rateLimits: { submissionsPerHour: 3 }, ...(store === "redis" ? { redisUrl: REDIS_URL, redisPrefix: prefix } : {}) });
      try {
        for (let i = 0; i < 5; i++) {
          const bad = await a.inject({ method: "POST", url: "/api/stories", headers: json(4), payload: { title: "no genre" } });
          assert.equal(bad.statusCode, 400);
        }
        const codes: number[] = [];
        for (let i = 0; i < 5; i++) codes.push((await a.inject({ method: "POST", url: "/api/stories", headers: json(4), payload: { title: `ok ${i}`, genre: "fantasy" } })).statusCode);
        // The refused 4th gives its count back too, so the 5th is refused by the same 3 accepted ones.
        assert.deepEqual(codes, [201, 201, 201, 429, 429]);
      } finally {
        if (store === "redis") await deleteRedisPrefix(REDIS_URL, prefix);
      }
    });
  }
});

describe("secrets", () => {
  it("platform.json, which holds the connection string, is readable by its owner only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "muejam-state-"));
    try {
      await writePlatformState(dir, { databaseUrl: "postgres://u:pw@127.0.0.1/x", pid: 1, startedAt: new Date().toISOString() });
      assert.equal(statSync(join(dir, "platform.json")).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("npm run tokens --out writes the tokens readable by their owner only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "muejam-tokens-"));
    try {
      const cli = fileURLToPath(new URL("../src/cli/tokens.ts", import.meta.url));
      const r = spawnSync(process.execPath, ["--import", "tsx", cli, "--count", "2", "--out", "t.json"], { encoding: "utf8", timeout: 60_000, env: { ...process.env, DATABASE_URL: db.url, INIT_CWD: dir } });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(statSync(join(dir, "t.json")).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no startup line of the API prints the database password", async () => {
    const password = "Pw-in-the-url-7f3a";
    const url = db.url.replace("postgres://postgres@", `postgres://postgres:${password}@`);
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", main, "--port", "0", "--no-seed"], {
      env: { ...process.env, DATABASE_URL: url, MUEJAM_TOKEN_SECRET: "x-test", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    createInterface({ input: child.stderr! }).on("line", (l) => lines.push(l));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 60 s:\n${lines.join("\n")}`)), 60_000);
      createInterface({ input: child.stdout! }).on("line", (l) => {
        lines.push(l);
        if (l.startsWith("muejam: listening ")) {
          clearTimeout(timer);
          resolve();
        }
      });
    }).finally(() => child.kill("SIGTERM"));
    await exited;
    const listening = lines.find((l) => l.startsWith("muejam: listening "))!;
    assert.match(listening, /postgres:\/\/postgres:\*\*\*@/);
    for (const l of lines) assert.ok(!l.includes(password), l);
  });
});
