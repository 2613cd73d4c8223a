import assert from "node:assert/strict";
import { before, test } from "node:test";
import { summarizeIntervals } from "../src/metrics/summary.js";
import { createHistogram, encodeHistogram, initHistograms } from "../src/metrics/histogram.js";
import { mergeSegments } from "../src/metrics/interval-merge.js";
import type { IntervalLine, PlanDescription } from "../src/core/types.js";

before(() => initHistograms());

function line(t: number, latenciesUs: number[], status = "200", segment?: string): IntervalLine {
  const h = createHistogram();
  for (const v of latenciesUs) h.recordValue(v);
  const hist = encodeHistogram(h);
  h.destroy();
  const failed = Number(status) >= 400 ? latenciesUs.length : 0;
  return {
    t,
    ts: 1_700_000_000_000 + t * 1000,
    users: 10,
    dropped: 0,
    endpoints: { "/a": { method: "GET", requests: latenciesUs.length, ok: latenciesUs.length - failed, failed, status: { [status]: latenciesUs.length }, errors: failed ? { status: failed } : {}, bytesIn: 100, bytesOut: 10, hist } },
    generator: { cpuPct: 20, eventLoopLagMsP99: 1, rssBytes: 1e8 },
    ...(segment ? { segment } : {}),
  };
}

const plan: PlanDescription = { executor: "closed", durationSec: 2, users: 10 };
const manifest = { name: "t", status: "completed" as const, startedAt: new Date(0).toISOString(), plan };

test("percentiles come from merged histograms, not averaged per second", () => {
  // second 0: 99 fast requests; second 1: 1 very slow one. Averaging per-second p99s would give ~500 ms.
  const fast = Array.from({ length: 99 }, () => 1000);
  const s = summarizeIntervals([line(0, fast), line(1, [1_000_000])], manifest, "/tmp/x");
  assert.equal(s.requests.total, 100);
  assert.equal(s.requests.ratePerSec, 50);
  assert.equal(s.latencyMs.p50, 1);
  assert.equal(s.latencyMs.p99, 1);
  assert.ok(Math.abs(s.latencyMs.max - 1000) < 1, `max ${s.latencyMs.max}`);
});

test("segments of the same second merge exactly", () => {
  const merged = mergeSegments([line(0, [1000, 2000], "200", "w0"), line(0, [3000], "500", "w1"), line(1, [4000], "200", "w0")]);
  assert.equal(merged.length, 2);
  assert.equal(merged[0]!.endpoints["/a"]!.requests, 3);
  assert.deepEqual(merged[0]!.endpoints["/a"]!.status, { "200": 2, "500": 1 });
  assert.equal(merged[0]!.users, 20);
  assert.equal(merged[0]!.segment, undefined);
  const s = summarizeIntervals(merged, manifest, "/tmp/x");
  assert.equal(s.requests.failed, 1);
  assert.equal(s.errors.status, 1);
  assert.ok(Math.abs(s.latencyMs.max - 4) < 0.01);
});
