// The analysis commands run in-process: fit usl, analyze (exit 99 on a failed target).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { createRunStore } from "../../src/store/run-store.js";
import { uslThroughput } from "../../src/analysis/usl.js";
import { manifest, steadyRun } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "analysis-cli-"));
before(() => initHistograms());
after(() => rmSync(dir, { recursive: true, force: true }));

function writeRun(name: string, latencyMs: number): string {
  const runDir = join(dir, name);
  const w = createRunStore(runDir, manifest(name, "normal"));
  for (const l of steadyRun(20, { latencyMs, rps: 60 })) w.appendInterval(l);
  w.finish("completed");
  return runDir;
}

test("fit usl prints the coefficients, JSON with null for an unbounded nMax, and warns on few points", async () => {
  const csv = join(dir, "steps.csv");
  writeFileSync(csv, "concurrency,throughput\n" + [1, 2, 4, 8, 16, 32, 64].map((n) => `${n},${uslThroughput(n, 0.05, 0.0005, 100)}`).join("\n") + "\n");
  let io = memoryIo();
  assert.equal(await main(["fit", "usl", csv, "--json"], io), EXIT.OK);
  const j = JSON.parse(io.out());
  assert.ok(Math.abs(j.alpha - 0.05) < 1e-6 && Math.abs(j.beta - 0.0005) < 1e-8 && Math.abs(j.gamma - 100) < 1e-4);
  assert.ok(Math.abs(j.nMax - Math.sqrt(0.95 / 0.0005)) < 1e-3);
  assert.equal(j.rSquared > 0.999999, true);
  io = memoryIo();
  assert.equal(await main(["fit", "usl", csv], io), EXIT.OK);
  assert.match(io.out(), /alpha \(contention\)\s+0\.05/);
  const flat = join(dir, "flat.csv");
  writeFileSync(flat, "1,10\n2,20\n4,40\n");
  io = memoryIo();
  assert.equal(await main(["fit", "usl", flat, "--json"], io), EXIT.OK);
  assert.equal(JSON.parse(io.out()).nMax, null);
  assert.match(io.err(), /only 3 points/);
  io = memoryIo();
  assert.equal(await main(["fit", "usl", join(dir, "missing.csv")], io), EXIT.CONFIG);
  assert.match(io.err(), /HR_INPUT_INVALID.*does not exist/);
});

test("analyze: text and JSON; exit 99 when a target fails; bad --level and --targets are usage/config errors", async () => {
  const fast = writeRun("fast", 20);
  let io = memoryIo();
  assert.equal(await main(["analyze", fast], io), EXIT.OK, io.err());
  assert.match(io.out(), /judged at level "normal": PASS/);
  assert.match(io.out(), /P95 latency\s+\S+ ms\s+< 500 ms \(acceptable < 1000 ms\)\s+target\s+PASS/);
  assert.match(io.out(), /no bottleneck found/);
  const slow = writeRun("slow", 1500);
  io = memoryIo();
  assert.equal(await main(["analyze", slow, "--json"], io), EXIT.TARGETS_FAILED);
  const a = JSON.parse(io.out());
  assert.equal(a.verdict, "FAIL");
  assert.equal(a.verdicts.find((v: { metric: string }) => v.metric === "p95Ms").verdict, "FAIL");
  assert.match(io.err(), /targets failed: P50 latency/);
  // A looser targets file turns the same run into a pass.
  const loose = join(dir, "loose.json");
  writeFileSync(loose, JSON.stringify({ levels: { peak: { p50Ms: { target: 5000, acceptable: 5000 }, p95Ms: { target: 5000, acceptable: 5000 }, p99Ms: { target: 5000, acceptable: 5000 }, p999Ms: { target: 5000, acceptable: 5000 } } } }));
  io = memoryIo();
  assert.equal(await main(["analyze", slow, "--targets", loose, "--level", "peak"], io), EXIT.OK, io.err());
  io = memoryIo();
  assert.equal(await main(["analyze", slow, "--level", "busy"], io), EXIT.USAGE);
  assert.match(io.err(), /--level "busy" is not a load level/);
  io = memoryIo();
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ levels: { normal: { p95Ms: { target: 2, acceptable: 1 } } } }));
  assert.equal(await main(["analyze", slow, "--targets", join(dir, "bad.json")], io), EXIT.CONFIG);
  assert.match(io.err(), /HR_CONFIG_INVALID/);
  io = memoryIo();
  assert.equal(await main(["analyze", join(dir, "nope")], io), EXIT.CONFIG);
  assert.match(io.err(), /HR_RUN_NOT_FOUND/);
});

test("search refuses bad input before sending anything", async () => {
  let io = memoryIo();
  assert.equal(await main(["search"], io), EXIT.USAGE);
  assert.match(io.err(), /nothing to search/);
  io = memoryIo();
  assert.equal(await main(["search", "--url", "http://127.0.0.1:9/", "--slo", "p95>1s"], io), EXIT.USAGE);
  assert.match(io.err(), /HR_BAD_SLO/);
  io = memoryIo();
  assert.equal(await main(["search", "--url", "http://127.0.0.1:9/", "--model", "fast"], io), EXIT.USAGE);
  io = memoryIo();
  assert.equal(await main(["search", "--url", "http://127.0.0.1:9/", "--step-time", "3s", "--window", "5s"], io), EXIT.USAGE);
  assert.match(io.err(), /exceed --step-time/);
  io = memoryIo();
  assert.equal(await main(["search", "--url", "http://127.0.0.1:9/"], io), EXIT.UNREACHABLE);
});
