// Each error class, on both HTTP paths (the raw single-URL client and undici for scenarios),
// against real local servers: refused, timeout, reset, dns, protocol, status.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { lookup } from "node:dns/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { newRunManifest } from "../../src/engine/manifest.js";
import { runTest } from "../../src/engine/run-test.js";
import { describeProfile, type Profile } from "../../src/plan/profile.js";
import { constant, scenario, task, userClass } from "../../src/index.js";
import { createRunStore } from "../../src/store/run-store.js";
import type { RunSummary } from "../../src/core/types.js";

const tmp = mkdtempSync(join(tmpdir(), "headroom-errors-"));
const servers: Server[] = [];
const urls: Record<string, string> = {};

async function listen(s: Server): Promise<string> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

before(async () => {
  // refused: a port that was just free.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  urls.refused = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`;
  await new Promise<void>((r) => probe.close(() => r()));
  // timeout: accepts and never answers.
  urls.timeout = (await listen(createHttpServer(() => undefined))) + "/";
  // reset: destroys the socket when a request arrives.
  urls.reset = (await listen(createHttpServer((req) => req.socket.destroy()))) + "/";
  // protocol: answers with something that is not HTTP.
  urls.protocol = (await listen(createServer((sock) => sock.once("data", () => sock.end("HELLO THERE\r\n\r\n"))))) + "/";
  urls.status = (await listen(createHttpServer((_req, res) => ((res.statusCode = 500), res.end("boom"))))) + "/";
  urls.dns = "http://no-such-host.invalid/";
  // The dns case needs a resolver that fails fast; where lookups hang (no network), skip it.
  const t0 = performance.now();
  dnsFailsFast = await lookup("no-such-host.invalid").then(
    () => false,
    () => performance.now() - t0 < 150,
  );
});
let dnsFailsFast = false;
after(() => {
  for (const s of servers) {
    s.close();
    (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  }
});

async function run(url: string, viaScenario: boolean): Promise<RunSummary> {
  const profile: Profile = { name: "err", executor: "open", rate: 10, durationSec: 0.5, timeoutMs: 300 };
  const store = createRunStore(join(tmp, `${viaScenario ? "s" : "r"}-${Math.random().toString(36).slice(2)}`), newRunManifest({ name: "err", plan: describeProfile(profile), target: { url } }));
  if (!viaScenario) return runTest({ profile, request: { url }, store, workers: 1 });
  const s = scenario({ name: "err", classes: [userClass({ name: "U", weight: 1, wait: constant(0), tasks: [task("get", 1, async (u) => void (await u.get("/")))] })] });
  return runTest({ profile, scenario: s, store, workers: 1, baseUrl: url });
}

for (const viaScenario of [false, true]) {
  describe(viaScenario ? "scenario requests (undici)" : "single-URL requests (raw client)", () => {
    for (const cls of ["refused", "timeout", "reset", "dns", "protocol", "status"]) {
      test(`${cls}`, async (t) => {
        if (cls === "dns" && !dnsFailsFast) return t.skip("this host's resolver does not fail fast for .invalid names");
        const s = await run(urls[cls]!, viaScenario);
        assert.equal(s.requests.total, 5, JSON.stringify(s.requests));
        assert.equal(s.requests.failed, 5);
        assert.deepEqual(s.errors, { [cls]: 5 });
        if (cls === "status") assert.deepEqual(s.status, { "500": 5 });
        else assert.deepEqual(s.status, {});
        if (cls === "timeout") assert.ok(s.latencyMs.min >= 290, `timeouts take the timeout: ${s.latencyMs.min} ms`);
      });
    }
  });
}
