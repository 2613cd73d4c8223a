// `headroom analyze` on a run without telemetry: without --targets it judges only what the run
// measured (no NOT MEASURED rows, no throughput against a default bound) and says so; with a
// targets file every target is listed. A run named "run" is not introduced as "run run".
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { writeFixtureRun } from "../report/fixture-run.js";

const TARGETS = join(import.meta.dirname, "..", "..", "..", "..", "config", "targets.default.json");
let dir = "";
before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-analyze-measured-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const verdictRows = (out: string): string[] => out.split("\n\n").find((b) => b.startsWith("Verdicts"))!.split("\n").slice(2);

test("analyze without --targets judges what the run measured; with --targets every target", async () => {
  const run = writeFixtureRun(join(dir, "r"), { seed: 4, name: "run", durationSec: 20, peakUsers: 10, telemetry: false });
  const io = memoryIo({}, dir);
  assert.equal(await main(["analyze", run], io), EXIT.OK, io.err());
  assert.match(io.out(), /^run \(run-fixture\) judged at level "peak": PASS\n/);
  const rows = verdictRows(io.out());
  assert.deepEqual(rows.map((r) => r.split(/\s{2,}/)[0]), ["P50 latency", "P95 latency", "P99 latency", "P99.9 latency", "Error rate", "Timeout rate"]);
  assert.doesNotMatch(io.out(), /NOT_MEASURED +not measured: no host telemetry/);
  assert.match(io.out(), /judged only what the run measured \(6 of (\d+) targets\): give --targets FILE to judge every target, throughput included/);

  const all = memoryIo({}, dir);
  assert.equal(await main(["analyze", run, "--targets", TARGETS], all), EXIT.OK, all.err());
  const allRows = verdictRows(all.out());
  const total = Number(/6 of (\d+) targets/.exec(io.out())![1]);
  assert.equal(allRows.length, total);
  assert.ok(allRows.some((r) => r.startsWith("Throughput")));
  assert.equal(allRows.filter((r) => /NOT_MEASURED/.test(r)).length, total - 7, "all but the six client figures and throughput");
});
