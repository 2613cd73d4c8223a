// mergeRunParts on made-up parts: a late start shifts a part's seconds and names them, overlapping
// or mismatched segments are refused, a whole run is not a segment.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { mergeRunParts, type RunPart } from "../../src/k8s/merge-runs.js";
import { createHistogram, encodeHistogram, initHistograms } from "../../src/metrics/histogram.js";
import type { IntervalLine, Manifest } from "../../src/core/types.js";

before(() => initHistograms());

const T0 = Date.parse("2026-12-01T10:00:00Z");

function line(t: number, start: number, segment: string, requests: number): IntervalLine {
  const h = createHistogram();
  for (let i = 0; i < requests; i++) h.recordValue(1000 + i);
  const hist = encodeHistogram(h);
  h.destroy();
  return { t, ts: start + t * 1000, users: 1, dropped: 0, segment, endpoints: { "/": { method: "GET", requests, ok: requests, failed: 0, status: { "200": requests }, errors: {}, bytesIn: 0, bytesOut: 0, hist } }, generator: { cpuPct: 1, eventLoopLagMsP99: 1, rssBytes: 1 } };
}

function part(segment: string, startMs: number, seconds: number[], status: Manifest["status"] = "completed"): RunPart {
  const manifest = {
    storeVersion: 1, id: segment, name: "t", tool: { name: "headroom", version: "0" }, source: "headroom", target: {}, plan: { executor: "open", durationSec: 5 },
    host: { hostname: `h${segment[0]}`, platform: "linux", release: "", arch: "x64", cpus: 1, cpuModel: "", memBytes: 0, node: "" },
    startedAt: new Date(startMs).toISOString(), status, distributed: { segment, plannedStartEpochMs: T0, startEpochMs: startMs },
  } as Manifest;
  return { manifest, intervals: seconds.map((t) => line(t, startMs, segment, 10)), telemetry: [], source: `dir-${segment}` };
}

test("a part that started 2 s late: its seconds shift, 0-1 are missing, its last 2 fall after the end", () => {
  const m = mergeRunParts([part("0/2", T0, [0, 1, 2, 3, 4]), part("1/2", T0 + 2000, [0, 1, 2, 3, 4])]);
  const late = m.manifest.distributed!.parts![1]!;
  assert.equal(late.lateSec, 2);
  assert.deepEqual(late.missingSeconds, [[0, 1]]);
  assert.match(late.problem!, /started 2 s late; 2 of its seconds fell after the test's end/);
  assert.deepEqual(m.intervals.map((l) => [l.t, l.endpoints["/"]!.requests, l.missingSegments ?? []]), [[0, 10, ["1/2"]], [1, 10, ["1/2"]], [2, 20, []], [3, 20, []], [4, 20, []]]);
  assert.equal(m.manifest.status, "interrupted");
  assert.equal(m.manifest.distributed!.partial, true);
});

test("live: seconds not yet due (closed less than 3 s ago) are not missing and the merged run is running", () => {
  const m = mergeRunParts([part("0/2", T0, [0, 1], "running"), part("1/2", T0, [0], "running")], { liveNowEpochMs: T0 + 4500 });
  assert.equal(m.manifest.status, "running");
  assert.deepEqual(m.manifest.distributed!.parts!.map((p) => p.missingSeconds), [[], [[1, 1]]]);
});

test("overlapping, mismatched and whole runs are refused with the part named", () => {
  assert.throws(() => mergeRunParts([part("0/2", T0, [0]), part("0/2", T0, [0])]), /segment 0\/2 \(dir-0\/2\) overlaps segment 0\/2/);
  assert.throws(() => mergeRunParts([part("0/2", T0, [0]), part("1/3", T0, [0])]), /split the test 3 and 2 ways/);
  const whole = part("0/2", T0, [0]);
  delete whole.manifest.distributed;
  for (const l of whole.intervals) delete l.segment;
  assert.throws(() => mergeRunParts([whole]), /was not run with --segment/);
});
