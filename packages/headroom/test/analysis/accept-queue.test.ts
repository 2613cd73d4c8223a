// The accept-queue rule: listen overflows in the host telemetry name the listen backlog, with the
// totals over the test, the peak, and the fix; none without overflows.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { analyzeRun } from "../../src/analysis/analyze-run.js";
import type { Bottleneck } from "../../src/analysis/types.js";
import { HOST_KEYS } from "../../src/core/telemetry-keys.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { buildTargets } from "../../src/plan/targets.js";
import { steadyRun, store, telemetry } from "./fixtures.js";

before(() => initHistograms());

const SECONDS = 120;
const EVERY = 5;

/** Host samples every 5 s; `overflows(t)` is the listen-overflow rate of the sample at t (drops: a little more). */
function hostLines(overflows?: (t: number) => number): ReturnType<typeof telemetry> {
  return telemetry("host", SECONDS, EVERY, (t) => {
    const base: Record<string, number> = { cpu_pct: 40, mem_used_pct: 50, mem_total_bytes: 8e9, disk_used_pct: 40, net_rx_bytes_per_sec: 1e5, net_tx_bytes_per_sec: 1e5 };
    if (t === 0 || !overflows) return base; // the first sample has no rates
    const v = overflows(t);
    return { ...base, [HOST_KEYS.listenOverflowsPerSec]: v, [HOST_KEYS.listenDropsPerSec]: v * 1.2, [HOST_KEYS.tcpTimeoutsPerSec]: v / 2 };
  });
}

function acceptQueue(overflows?: (t: number) => number): { finding: Bottleneck | undefined; all: Bottleneck[]; rows: string[] } {
  const a = analyzeRun(store("accept-queue", steadyRun(SECONDS, { users: 100, rps: 60, latencyMs: 20 }), hostLines(overflows)), buildTargets());
  return { finding: a.bottlenecks.find((b) => b.kind === "accept-queue"), all: a.bottlenecks, rows: a.resources.map((r) => r.metric) };
}

const value = (b: Bottleneck, what: RegExp): Bottleneck["evidence"][number]["value"] | undefined => b.evidence.find((e) => what.test(e.what))?.value;

test("no accept-queue finding without the counters, or when they stayed at zero", () => {
  const unmeasured = acceptQueue();
  assert.equal(unmeasured.finding, undefined);
  assert.equal(unmeasured.rows.includes("host.listenOverflowsPerSec"), false, "an unmeasured optional reading has no row");
  const quiet = acceptQueue(() => 0);
  assert.equal(quiet.finding, undefined, JSON.stringify(quiet.all.map((b) => b.kind)));
  assert.ok(quiet.rows.includes("host.listenOverflowsPerSec"), "measured: a row in the resource table");
});

test("overflows in many samples: the accept queue is the primary bottleneck, with totals, peak and the fix", () => {
  // Bursts from second 60 on: 40/s rising by 10/s per sample.
  const rate = (t: number): number => (t >= 60 ? 40 + (t - 60) * 2 : 0);
  const { finding: b, all } = acceptQueue(rate);
  assert.ok(b, JSON.stringify(all.map((x) => x.kind)));
  assert.equal(b.rank, "primary");
  assert.equal(b.component, "network");
  assert.equal(b.componentLabel, "the accept queue (listen backlog)");
  const sampled = Array.from({ length: SECONDS / EVERY }, (_, k) => (k + 1) * EVERY);
  const expectTotal = sampled.reduce((sum, t) => sum + rate(t) * EVERY, 0);
  const withOverflows = sampled.filter((t) => rate(t) > 0).length;
  assert.equal(value(b, /turned away by a full accept queue/), expectTotal);
  assert.equal(value(b, /listen overflows per second \(max\)/), rate(SECONDS));
  assert.equal(value(b, /host samples with overflows/), `${withOverflows} of ${sampled.length}`);
  assert.equal(value(b, /listen drops/), Math.round(expectTotal * 1.2));
  assert.equal(value(b, /TCP retransmission timeouts/), rate(SECONDS) / 2);
  assert.ok((value(b, /client-measured latency p95/) as number) > 0);
  assert.match(b.symptom, new RegExp(`^${expectTotal} connection attempts overflowed the accept queue \\(peak ${rate(SECONDS)}/s, in ${withOverflows} of ${sampled.length} host samples\\)`));
  assert.ok(b.evidence.every((e) => /host\.listen_|host\.tcp_timeouts|intervals/.test(e.source)), JSON.stringify(b.evidence));
  for (const fix of [/listen backlog/, /backlog: 4096/, /net\.core\.somaxconn/, /net\.ipv4\.tcp_max_syn_backlog/]) assert.match(b.recommendation, fix);
  assert.match(b.impact, /retried after 1 s/);
  assert.ok(b.score > 0.9, `score ${b.score}`);
});

test("overflows in one sample of 24: named, but a minor observation", () => {
  const { finding: b } = acceptQueue((t) => (t === 30 ? 3 : 0));
  assert.ok(b);
  assert.equal(b.rank, "minor");
  assert.ok(b.score < 0.5, `score ${b.score}`);
  assert.equal(value(b, /turned away by a full accept queue/), 15);
  assert.equal(value(b, /host samples with overflows/), "1 of 24");
});
