// A search whose steps run as two generator processes (hosts 2, --segment i/2 each), against a
// server whose ceiling is known in closed form (C workers holding each request S ms: C/S req/s):
// the merged steps count every request the server served, and the maximum throughput found
// agrees with C/S within the ground-truth search test's 10 %.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { searchCapacity } from "../../src/analysis/search.js";
import { parseHosts } from "../../src/cli/hosts-flag.js";
import { HeadroomError } from "../../src/core/errors.js";
import { createSearchRunner } from "../../src/jobs/search-runner.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { readRunStore } from "../../src/store/run-store.js";
import { startCapacityServer, type CapacityServer } from "../analysis/capacity-server.js";
import { LEAD_MS } from "./segment-processes.js";

const C = 8;
const S_MS = 40;
const CAPACITY_RPS = (C * 1000) / S_MS; // 200

let server: CapacityServer;
const out = mkdtempSync(join(tmpdir(), "search-hosts-"));

before(async () => {
  await initHistograms();
  server = await startCapacityServer(C, S_MS);
});

after(() => {
  server.close();
  rmSync(out, { recursive: true, force: true });
});

test("--hosts: a whole number from 1 to the CPU count, else a usage error naming the value and the fix", () => {
  assert.equal(parseHosts("2", "--hosts", 4), 2);
  for (const bad of ["0", "1.5", "x", "", "5"]) {
    assert.throws(() => parseHosts(bad, "--hosts", 4), (e: unknown) => e instanceof HeadroomError && e.code === "HR_BAD_NUMBER" && e.message.includes(`"${bad}"`) && /from 1 to 4/.test(e.message) && /k8s job/.test(e.hint));
  }
});

test("closed model over two generator processes: request counts equal the server's, the ceiling C/S within 10 %", async () => {
  // No think time: throughput levels off at C/S once N > C users (4 -> 8 -> 16 users, then bisecting).
  const runner = createSearchRunner({
    model: "closed",
    outDir: out,
    slo: { errorPct: 1 },
    stepSec: 3,
    warmupSec: 1,
    windowSec: 1,
    timeoutMs: 2000,
    workers: 2,
    hosts: 2,
    hostsLeadMs: LEAD_MS,
    request: { url: `${server.origin}/work`, method: "GET", headers: {} },
    target: { url: `${server.origin}/work` },
    telemetryIntervalMs: 1000,
  });
  const r = await searchCapacity({ model: "closed", slo: { errorPct: 1 }, start: 4, growth: 2, maxSteps: 4, tolerance: 0.15, repeat: false }, runner.runStep);
  let requests = 0;
  for (const dir of runner.stepDirs) {
    const run = readRunStore(dir);
    assert.deepEqual(run.manifest.distributed!.parts!.map((p) => `${p.segment} ${p.status}`), ["0/2 completed", "1/2 completed"], dir);
    assert.equal(run.manifest.distributed!.partial, false, dir);
    requests += run.summary!.requests.total;
  }
  assert.equal(requests, server.holdsMs.length, "every request the server served is counted in the merged steps, once");
  assert.ok(r.maxRps !== null, r.detail.stopReason);
  const err = Math.abs(r.maxRps! / CAPACITY_RPS - 1);
  assert.ok(err <= 0.1, `maxRps ${r.maxRps} vs C/S = ${CAPACITY_RPS} (${(err * 100).toFixed(1)} %), steps ${JSON.stringify(r.steps)}`);
  for (const s of r.steps) assert.ok(s.rps <= CAPACITY_RPS * 1.1, `step at ${s.users} users measured ${s.rps} req/s`);
});
