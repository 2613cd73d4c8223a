// The MueJam suite as data and as a scenario: the seven profiles and the failure-scenarios test
// validate, the mix is the intended 70/25/4/1, and a short run against a stand-in API (port 0) exercises every class's
// tasks: tokens, slugs seen in trending, created stories, 429 accepted except on health.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createRunStore, describeClasses, describeProfile, loadScenario, newRunManifest, runTest, scheduleFaults, validateProfile, type Profile } from "headroom";
import { profiles } from "./profiles.js";

const tmp = mkdtempSync(join(tmpdir(), "muejam-suite-"));
const scenarioPath = new URL("./muejam.scenario.ts", import.meta.url).pathname;
let server: Server;
let base = "";
const seen = { auth: new Set<string>(), forwarded: new Set<string>(), patched: 0 };

before(async () => {
  let nextId = 1;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization;
    if (auth) seen.auth.add(auth);
    if (req.headers["x-forwarded-for"]) seen.forwarded.add(String(req.headers["x-forwarded-for"]));
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      const p = url.pathname;
      if (p === "/health" || p === "/health/ready") return json(200, { status: "ok" });
      if (p === "/api/discovery/trending" || p === "/api/search/stories") return json(200, { results: [{ slug: "first-story" }, { slug: "second-story" }] });
      if (p.startsWith("/api/stories/") && req.method === "GET" && p !== "/api/stories/mine") return json(p.endsWith("-story") ? 200 : 404, {});
      if (!auth && (p.startsWith("/api/users") || p.startsWith("/api/library") || req.method !== "GET")) return json(401, {});
      if (p === "/api/stories" && req.method === "POST") {
        const b = JSON.parse(body) as { title?: string; genre?: string };
        return b.title && b.genre ? json(201, { id: String(nextId++) }) : json(400, {});
      }
      if (p.startsWith("/api/stories/") && req.method === "PATCH") {
        seen.patched++;
        return json(200, {});
      }
      // Whispers are rate limited here: a 429 must count as expected.
      if (p === "/api/whispers") return json(429, { error: "rate limited" });
      return json(200, { id: "1", results: [] });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test("the seven profiles and the failure-scenarios test are valid and each names the level it is judged at", () => {
  assert.deepEqual(Object.keys(profiles), ["baseline", "peak", "sustained", "spike", "rate-limiting", "database-stress", "cache-performance", "failure-scenarios"]);
  // The three faults at 20, 40 and 70 % of the duration (4, 8, 14 s at the quick scale's 20 s).
  assert.deepEqual(scheduleFaults(profiles["failure-scenarios"]!.faults, 20).map((f) => [f.kind, f.atSec]), [["db-connections", 4], ["app-stall", 8], ["redis-pause", 14]]);
  for (const p of Object.values(profiles)) {
    validateProfile(p);
    assert.ok(["normal", "peak", "sustained"].includes(p.loadLevel), p.name);
  }
  assert.deepEqual(
    profiles.spike!.stages!.map((s) => [s.users, s.spawnRate, s.durationSec]),
    [
      [50, 10, 120],
      [500, 100, 180],
      [100, 20, 300],
    ],
  );
  assert.deepEqual(
    profiles.peak!.stages!.map((s) => s.name),
    ["ramp-up", "peak", "ramp-down"],
  );
  assert.equal(describeProfile(profiles.sustained!).durationSec, 1800);
});

test("the suite runs the intended mix, and the special profiles their own classes", async () => {
  const s = await loadScenario(scenarioPath);
  assert.deepEqual(describeClasses(s, profiles.baseline!), [
    { name: "AuthenticatedUser", weight: 70, wait: "between 1-5 s" },
    { name: "UnauthenticatedUser", weight: 25, wait: "between 2-8 s" },
    { name: "WriterUser", weight: 4, wait: "between 5-15 s" },
    { name: "HealthCheckUser", weight: 1, wait: "between 1-2 s" },
  ]);
  assert.ok(describeClasses(s, profiles["rate-limiting"]!).every((c) => c.wait === "between 0.1-0.5 s"));
  assert.deepEqual(
    describeClasses(s, profiles["database-stress"]!).map((c) => c.name),
    ["DatabaseStressUser"],
  );
  assert.deepEqual(
    describeClasses(s, profiles["cache-performance"]!).map((c) => c.name),
    ["CachePerformanceUser"],
  );
});

test("a short run of the mix: distinct tokens, stories seen then viewed, writers create then update, 429 expected", async () => {
  const tokensFile = join(tmp, "tokens.json");
  writeFileSync(tokensFile, JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ userId: String(i + 1), token: `t${i}` }))));
  const scenario = await loadScenario(scenarioPath);
  // 100 users with the waits cut to 0.05-0.1 s, so two seconds exercise every task.
  const fast = { wait: { kind: "between" as const, minSec: 0.05, maxSec: 0.1 } };
  const profile: Profile = {
    name: "mini",
    executor: "closed",
    users: 100,
    durationSec: 2,
    classOverrides: { AuthenticatedUser: fast, UnauthenticatedUser: fast, WriterUser: fast, HealthCheckUser: fast },
  };
  const store = createRunStore(join(tmp, "mini"), newRunManifest({ name: "mini", plan: describeProfile(profile), target: { url: base } }));
  const s = await runTest({ profile, scenario, store, workers: 1, baseUrl: base, vars: { tokens: tokensFile }, seed: 1 });
  const ep = Object.fromEntries(s.endpoints.map((e) => [e.name, e]));
  for (const name of ["/api/discovery/trending", "/api/stories/[slug]", "/api/users/me", "/api/library/shelves", "/api/search/stories", "/api/whispers [POST]", "/api/stories [POST]", "/api/stories/[id] [PATCH]", "/api/stories/mine", "/health", "/health/ready"]) {
    assert.ok((ep[name]?.requests ?? 0) > 0, `${name} was called`);
  }
  assert.equal(s.requests.failed, 0, JSON.stringify(s.errors));
  assert.ok(ep["/api/whispers [POST]"]!.status["429"]! > 0, "429s came back and counted as expected");
  assert.ok(seen.patched > 0);
  // 70 authenticated + 4 writers, each with its own token.
  assert.equal(seen.auth.size, 74);
  assert.equal(seen.forwarded.size, 99, "every user but the health checker forwards its own address");
  assert.deepEqual(
    Object.fromEntries(Object.entries(readClasses(s)).map(([k, v]) => [k, v])),
    { AuthenticatedUser: true, UnauthenticatedUser: true, WriterUser: true, HealthCheckUser: true },
  );
});

function readClasses(s: { classes: Record<string, { requests: number }> }): Record<string, boolean> {
  return Object.fromEntries(Object.entries(s.classes).map(([k, v]) => [k, v.requests > 0]));
}
