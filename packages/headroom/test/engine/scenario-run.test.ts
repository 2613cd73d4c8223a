// Integration: scenarios through runTest and the CLI, against a real local server on port 0.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { newRunManifest } from "../../src/engine/manifest.js";
import { runTest } from "../../src/engine/run-test.js";
import { loadScenario } from "../../src/plan/load-scenario.js";
import { describeProfile, type Profile } from "../../src/plan/profile.js";
import { createRunStore, readRunStore } from "../../src/store/run-store.js";

let server: Server;
let base = "";
const tmp = mkdtempSync(join(tmpdir(), "headroom-scenario-"));
const fixtures = new URL("./fixtures/", import.meta.url).pathname;
const generated: string[] = [];
const seen = { queries: new Set<string>(), users: new Set<string>() };

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/items") {
      seen.queries.add(url.search);
      return json(200, { results: [{ slug: "red" }, { slug: "blue" }] });
    }
    if (url.pathname.startsWith("/items/")) return json(200, { slug: url.pathname.slice(7) });
    if (url.pathname === "/limited") return json(429, { error: "slow down" }, { "retry-after": "1" });
    if (url.pathname === "/login") return json(200, {}, { "set-cookie": "session=s1; Path=/; HttpOnly" });
    if (url.pathname === "/orders" && req.method === "POST") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        seen.users.add(String(req.headers["x-user"]));
        json(201, { cookie: req.headers.cookie ?? "", user: req.headers["x-user"], type: req.headers["content-type"], body: JSON.parse(body) as unknown });
      });
      return;
    }
    json(404, {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const f of generated) rmSync(f, { force: true });
  await new Promise<void>((r) => server.close(() => r()));
});

test("a scenario runs its classes by weight, skips tasks without data, checks, accepts 429 where told, keeps cookies", async () => {
  const scenario = await loadScenario(join(fixtures, "shop.scenario.ts"));
  const profile: Profile = { name: "shop", executor: "closed", users: 8, durationSec: 2 };
  const store = createRunStore(join(tmp, "shop"), newRunManifest({ name: "shop", plan: describeProfile(profile), target: { url: base } }));
  const s = await runTest({ profile, scenario, store, workers: 1, baseUrl: base, seed: 7, vars: { greeting: "hello" } });
  const ep = Object.fromEntries(s.endpoints.map((e) => [e.name, e]));
  // 8 users at 3:1 -> 6 browsers, 2 buyers.
  const last = readRunStore(store.dir).intervals.at(-1)!;
  assert.equal(last.classes!.Browser!.users, 6);
  assert.equal(last.classes!.Buyer!.users, 2);
  assert.ok(ep["/items"]!.requests > 0 && ep["/items/[slug]"]!.requests > 0, "views ran once slugs were seen");
  assert.equal(ep["/items/[slug]"]!.failed, 0);
  assert.deepEqual([...seen.queries], ["?page=1&tags=a&tags=b"]);
  // Browsers accept 429; the buyer's strict request does not.
  assert.equal(ep["/limited"]!.failed, 0);
  assert.ok(ep["/limited"]!.status["429"]! > 0);
  assert.equal(ep["/limited (strict)"]!.failed, ep["/limited (strict)"]!.requests);
  assert.equal(ep["/limited (strict)"]!.errors.status, ep["/limited (strict)"]!.requests);
  assert.ok(s.classes.Browser!.rateLimited > 0 && s.classes.Browser!.failed === 0);
  // The session cookie from onStart came back, the JSON body went out, per-user headers differ.
  assert.equal(ep["/orders [POST]"]!.failed, 0, JSON.stringify(ep["/orders [POST]"]));
  assert.ok(ep["/orders [POST]"]!.status["201"]! > 0);
  assert.deepEqual([...seen.users].sort(), ["buyer-0", "buyer-1"]);
  assert.equal(readRunStore(store.dir).manifest.status, "completed");
});

test("a scenario runs the same mix on two worker threads, merged exactly", async () => {
  const scenario = await loadScenario(join(fixtures, "shop.scenario.ts"));
  const profile: Profile = { name: "shop", executor: "closed", users: 8, durationSec: 2 };
  const store = createRunStore(join(tmp, "shop2"), newRunManifest({ name: "shop", plan: describeProfile(profile, { workers: 2 }), target: { url: base } }));
  let startedAt = 0;
  const before = Date.now();
  const s = await runTest({ profile, scenario, store, workers: 2, baseUrl: base, onStart: (ms) => (startedAt = ms) });
  const lines = readRunStore(store.dir).intervals;
  assert.ok(startedAt > before, "onStart gives the shared start time");
  assert.deepEqual(
    lines.map((l) => l.ts),
    [startedAt, startedAt + 1000],
  );
  assert.equal(lines.length, 2);
  assert.equal(lines[1]!.users, 8);
  assert.equal(lines[1]!.classes!.Browser!.users, 6);
  assert.equal(lines[1]!.classes!.Buyer!.users, 2);
  assert.ok(lines.every((l) => l.segment === undefined));
  assert.equal(
    s.requests.total,
    lines.reduce((n, l) => n + Object.values(l.endpoints).reduce((m, e) => m + e.requests, 0), 0),
  );
});

test("open model with a scenario: one task per arrival; a failed check counts as a 'check' error", async () => {
  const scenario = await loadScenario(join(fixtures, "shop.scenario.ts"));
  const profile: Profile = { name: "shop", executor: "open", rate: 20, durationSec: 1, classWeights: { Buyer: 1 }, classOverrides: { Buyer: { taskWeights: { audit: 1, order: 0, strict: 0 } } } };
  const store = createRunStore(join(tmp, "open"), newRunManifest({ name: "shop", plan: describeProfile(profile), target: { url: base } }));
  const s = await runTest({ profile, scenario, store, workers: 1, baseUrl: base });
  const audit = s.endpoints.find((e) => e.name === "/items (audit)")!;
  assert.equal(audit.requests, 20, "one task per arrival, only the task the profile turned on");
  assert.equal(audit.failed, 20);
  assert.deepEqual(audit.errors, { check: 20 });
  assert.equal(audit.status["200"], 20);
  const logins = s.endpoints.find((e) => e.name === "/login")?.requests ?? 0;
  assert.ok(logins >= 1 && logins <= 5, `users are reused across arrivals, so onStart ran only ${logins} times`);
});

test("onStart that throws stops the run: exit 5, the file and line, no stack", async () => {
  const io = memoryIo();
  const code = await main(["run", join(fixtures, "throws.scenario.ts"), "--users", "3", "--duration", "5s", "--host", base, "--workers", "1", "--no-typecheck", "--out", join(tmp, "throws")], io);
  assert.equal(code, 5, io.err());
  assert.match(io.err(), /error\[HR_SCENARIO_FAILED\]: scenario "throws": onStart of Broken threw for user 0: no token for this user \(at .*throws\.scenario\.ts:\d+:\d+\)/);
  assert.doesNotMatch(io.err(), /\n\s+at /, "no stack trace without --verbose");
  assert.equal(readRunStore(join(tmp, "throws")).manifest.status, "failed");
});

test("a scenario with a type error or a syntax error is refused with its line (exit 3)", async () => {
  const typeErr = join(fixtures, ".generated-type-error.scenario.ts");
  const syntaxErr = join(fixtures, ".generated-syntax-error.scenario.ts");
  generated.push(typeErr, syntaxErr);
  writeFileSync(
    typeErr,
    `import { constant, scenario, task, userClass } from "headroom";
export default scenario({ name: "t", classes: [userClass({ name: "T", weight: 1, wait: constant(1), tasks: [
  task("get", 1, async (u) => { const n: number = "x"; await u.get("/" + n); }),
] })] });
`,
  );
  writeFileSync(syntaxErr, `import { scenario } from "headroom";\nexport default scenario({ name: "s", classes: [ }); \n`);
  const io = memoryIo();
  assert.equal(await main(["run", typeErr, "--users", "1", "--duration", "1s", "--host", base], io), 3);
  assert.match(io.err(), /HR_SCENARIO_INVALID.*1 type error:\n\s+.*\.generated-type-error\.scenario\.ts:3:\d+: Type 'string' is not assignable to type 'number'/s);
  const io2 = memoryIo();
  assert.equal(await main(["run", syntaxErr, "--users", "1", "--duration", "1s", "--host", base, "--no-typecheck"], io2), 3);
  assert.match(io2.err(), /HR_SCENARIO_LOAD.*\.generated-syntax-error\.scenario\.ts:2/);
  const io3 = memoryIo();
  assert.equal(await main(["run", join(fixtures, "missing.scenario.ts"), "--users", "1", "--duration", "1s"], io3), 3);
  assert.match(io3.err(), /HR_SCENARIO_NOT_FOUND/);
});
