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
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { createSearchRunner } from "../../src/jobs/search-runner.js";
import { lostGenerators, stepRunFlags } from "../../src/jobs/search-step-hosts.js";
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

test("a lost generator process makes the step's reason say which and why; the step's flags are a valid headroom run", async () => {
  const manifest = { distributed: { partial: true, parts: [{ segment: "0/2", status: "completed", missingSeconds: [] }, { segment: "1/2", status: "running", missingSeconds: [[3, 5]], problem: "died mid-run (its manifest was never finished; last second 2)" }] } } as never;
  const lost = lostGenerators({ exitCodes: [0, null], lastErrors: ["", ""] }, manifest, 2)!;
  assert.match(lost, /segment 1\/2 was killed/);
  assert.match(lost, /not judged/);
  const whole = { distributed: { partial: false, parts: [{ segment: "0/2", status: "completed", missingSeconds: [] }, { segment: "1/2", status: "completed", missingSeconds: [] }] } } as never;
  assert.equal(lostGenerators({ exitCodes: [0, 0], lastErrors: ["", ""] }, whole, 2), undefined);

  const opts = { model: "closed", outDir: out, slo: {}, stepSec: 12, warmupSec: 2, windowSec: 3, timeoutMs: 2000, workers: 2, request: { url: "http://127.0.0.1:9/x", method: "GET", headers: { "X-Team": "load" } }, target: { url: "http://127.0.0.1:9/x" }, telemetryIntervalMs: 1000, seed: 7 } as const;
  const profile = { name: "search-step-3", executor: "closed", durationSec: 12, users: 40, spawnRate: 20, staggerStart: true, thinkTime: { kind: "between", minSec: 0.1, maxSec: 0.22 }, timeoutMs: 2000 } as const;
  const flags = stepRunFlags(opts, profile);
  const io = memoryIo();
  assert.equal(await main(["run", ...flags, "--dry-run", "--json"], io), 0, io.err());
  const plan = io.out();
  for (const want of [/"users": 40/, /"spawnRate": 20/, /"durationSec": 12/]) assert.match(plan, want);
  assert.deepEqual(flags.slice(flags.indexOf("--think"), flags.indexOf("--think") + 2), ["--think", "100ms-220ms"]);
  assert.ok(flags.includes("--stagger-start") && flags.includes("X-Team: load"));
});

test("processes that started late leave seconds out: the step is disturbed, with the segments named, not judged", async () => {
  // The shared start 3 s in the past: every process starts late and misses the first seconds.
  const runner = createSearchRunner({
    model: "closed",
    outDir: join(out, "late"),
    slo: { errorPct: 1 },
    stepSec: 3,
    warmupSec: 1,
    windowSec: 1,
    timeoutMs: 2000,
    workers: 2,
    hosts: 2,
    hostsLeadMs: -3000,
    request: { url: `${server.origin}/late`, method: "GET", headers: {} },
    target: { url: `${server.origin}/late` },
    telemetryIntervalMs: 1000,
  });
  const step = await runner.runStep({ users: 4 }, 0, "ramp");
  assert.match(step.disturbed ?? "", /generator processes lost: segment 0\/2 started \d+ s late.*not judged/, step.disturbed);
  assert.match(step.disturbed ?? "", /segment 1\/2/);
});
