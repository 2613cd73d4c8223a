import assert from "node:assert/strict";
import { before, test } from "node:test";
import { ERROR_INDEX, Recorder } from "../../src/engine/recorder.js";
import { decodeHistogram, initHistograms, latencyStatsMs } from "../../src/metrics/histogram.js";
import { formatProgress, secondFigures } from "../../src/cli/progress.js";

before(() => initHistograms());

const gen = { cpuPct: 1, eventLoopLagMsP99: 0, rssBytes: 1 };

test("a second's samples become one interval line, and the accumulators start over", () => {
  const r = new Recorder();
  const a = r.endpoint("/api/stories/[slug]", "GET");
  assert.equal(r.endpoint("/api/stories/[slug]", "GET"), a, "one accumulator per name and method");
  a.record(1500, 200, -1, 100, 10);
  a.record(2500, 404, ERROR_INDEX.status, 50, 10);
  a.record(30_000_000, 0, ERROR_INDEX.timeout, 0, 10);
  r.endpoint("/api/stories", "POST").record(9000, 201, -1, 20, 200);
  r.endpoint("/api/stories", "GET").record(1000, 200, -1, 20, 20);
  r.userClass("Reader").record(429, true);
  r.userClass("Reader").users = 3;
  r.dropped = 2;
  const line = r.flush(4, 1_000_004_000, { users: 7, inFlight: 1, phase: "peak", targetRate: 10, generator: gen });
  assert.equal(line.t, 4);
  assert.equal(line.ts, 1_000_004_000);
  assert.equal(line.dropped, 2);
  assert.equal(line.phase, "peak");
  const ep = line.endpoints["/api/stories/[slug]"]!;
  assert.deepEqual({ ...ep, hist: "" }, { method: "GET", requests: 3, ok: 1, failed: 2, status: { "200": 1, "404": 1 }, errors: { status: 1, timeout: 1 }, bytesIn: 150, bytesOut: 30, hist: "" });
  const h = decodeHistogram(ep.hist);
  const stats = latencyStatsMs(h);
  h.destroy();
  assert.equal(stats.count, 3);
  assert.ok(Math.abs(stats.max - 30_000) < 30, `max ${stats.max}`);
  // The same name under two methods: the non-GET one gets its method in the key.
  assert.ok(line.endpoints["/api/stories [POST]"]);
  assert.ok(line.endpoints["/api/stories"]);
  assert.deepEqual(line.classes, { Reader: { requests: 1, failed: 0, rateLimited: 1, users: 3 } });
  const next = r.flush(5, 1_000_005_000, { users: 7, generator: gen });
  assert.deepEqual(next.endpoints, {}, "nothing completed in the next second");
  assert.equal(next.dropped, 0);
  assert.deepEqual(next.classes, { Reader: { requests: 0, failed: 0, rateLimited: 0, users: 3 } });
  r.destroy();
});

test("the progress line shows elapsed/total, users, RPS, p95 and error %", () => {
  const r = new Recorder();
  const a = r.endpoint("/", "GET");
  for (let i = 0; i < 95; i++) a.record(1000, 200, -1, 1, 1);
  for (let i = 0; i < 5; i++) a.record(200_000, 500, ERROR_INDEX.status, 1, 1);
  const f = secondFigures(r.flush(9, 0, { users: 20, phase: "ramp-up", generator: gen }), 60);
  assert.deepEqual({ ...f, p95Ms: Math.round(f.p95Ms) }, { elapsedSec: 10, totalSec: 60, users: 20, rps: 100, p95Ms: 1, errorPct: 5, dropped: 0, phase: "ramp-up" });
  assert.equal(formatProgress(f), "[     10s/1m]  users    20  rps     100  p95   1.00 ms  errors   5.00%  ramp-up");
  r.destroy();
});
