import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { decodeHistogram, initHistograms } from "../../src/metrics/histogram.js";
import { renderHtmlReport } from "../../src/report/html/html-report.js";
import { buildRunReportModel } from "../../src/jobs/run-report-model.js";
import { summaryOf } from "../../src/analysis/run-figures.js";
import { buildRunSeries } from "../../src/analysis/run-series.js";
import { renderChart } from "../../src/report/html/svg-chart.js";
import { buildTelemetryPanels, shortCommand } from "../../src/analysis/telemetry-panels.js";
import type { TelemetryLine } from "../../src/core/types.js";
import { readRunStore } from "../../src/store/run-store.js";
import { fixtureAnalysis, fixtureCapacity } from "./fixture-analysis.js";
import { buildIntervals, writeFixtureRun } from "./fixture-run.js";

const SNAPSHOTS = join(dirname(fileURLToPath(import.meta.url)), "snapshots");
let dir: string;

before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-html-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Compares with a stored snapshot; UPDATE_SNAPSHOTS=1 rewrites it. */
function matchSnapshot(name: string, actual: string): void {
  const path = join(SNAPSHOTS, name);
  if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(path)) {
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(path, actual);
  }
  assert.equal(actual, readFileSync(path, "utf8"), `snapshot ${name} differs (run with UPDATE_SNAPSHOTS=1 if the change is intended)`);
}

function charts(html: string): { id: string; points: number }[] {
  return [...html.matchAll(/<figure class="chart" id="([^"]+)">.*?<svg class="chart-svg"[^>]* data-points="(\d+)"/gs)].map((m) => ({ id: m[1]!, points: Number(m[2]) }));
}

describe("run series", () => {
  test("each point's percentiles come from that second's histogram", () => {
    const lines = buildIntervals({ durationSec: 20, peakUsers: 20 });
    const s = buildRunSeries(lines);
    assert.equal(s.tSec.length, 20);
    assert.equal(s.stepSec, 1);
    const h = decodeHistogram(lines[7]!.endpoints["/api/search/stories"]!.hist);
    const ep = s.endpoints.find((e) => e.name === "/api/search/stories")!;
    assert.equal(ep.p95Ms[7], Math.round(h.getValueAtPercentile(95)) / 1000);
    h.destroy();
    const total = Object.values(lines[7]!.endpoints).reduce((n, e) => n + e.requests, 0);
    assert.equal(s.requestsPerSec[7], total);
    assert.deepEqual(s.phases.map((p) => p.name), ["ramp-up", "peak", "ramp-down"]);
  });

  test("a long run is bucketed: rates are averaged, counts conserved, at most maxPoints points", () => {
    const lines = buildIntervals({ durationSec: 120, peakUsers: 40 });
    const s = buildRunSeries(lines, 25);
    assert.equal(s.stepSec, 5);
    assert.equal(s.tSec.length, 24);
    const total = lines.reduce((n, l) => n + Object.values(l.endpoints).reduce((m, e) => m + e.requests, 0), 0);
    const fromSeries = s.requestsPerSec.reduce((n, v) => n + v * 5, 0);
    assert.ok(Math.abs(fromSeries - total) < 0.01 * 24, `${fromSeries} vs ${total}`);
  });
});

describe("svg chart", () => {
  test("a small line chart renders as expected (snapshot)", () => {
    const svg = renderChart({
      id: "snap",
      title: "Latency",
      x: [0, 1, 2, 3, 4],
      xLabel: "elapsed time (m:ss)",
      xFormat: "elapsed",
      yLabel: "latency (ms)",
      yUnit: "ms",
      series: [
        { name: "P50", y: [10, 12, null, 11, 13] },
        { name: "P99", y: [40, 55, 61, 48, 52], style: "dashed" },
      ],
      bands: [{ name: "peak", from: 1, to: 3 }],
      width: 320,
      height: 160,
    });
    matchSnapshot("line-chart.html", svg + "\n");
    assert.match(svg, /data-points="9"/);
    assert.match(svg, /<title>0:02\nP99: 61 ms<\/title>/);
  });
});

describe("report.html", () => {
  test("self-contained, verdicts first, every chart has data, capacity and bottlenecks present", async () => {
    const store = readRunStore(writeFixtureRun(join(dir, "full"), { seed: 5 }));
    const { summary } = summaryOf(store);
    const model = await buildRunReportModel(store, { analysis: fixtureAnalysis(store, summary), capacity: fixtureCapacity() });
    const html = renderHtmlReport(model);
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(|src=/i);
    assert.doesNotMatch(html, /href="(?!#)/);
    const found = charts(html);
    const ids = found.map((c) => c.id);
    for (const id of ["chart-load", "chart-throughput-curve", "chart-latency-all", "chart-latency-0", "chart-latency-3", "chart-errors", "chart-429-by-class", "chart-cpu", "chart-memory", "chart-db-connections", "chart-cache"]) assert.ok(ids.includes(id), `missing ${id}`);
    for (const c of found) assert.ok(c.points >= 20, `${c.id} has ${c.points} points`);
    assert.ok(html.indexOf('id="verdicts"') < html.indexOf('id="chart-load"'), "verdict table comes before the charts");
    for (const v of ["PASS", "WARN", "FAIL", "NOT MEASURED"]) assert.ok(html.includes(`>${v}</span>`), `badge ${v}`);
    assert.match(html, /USL fit \(α=0\.02/);
    assert.match(html, /Primary: app CPU/);
    assert.match(html, /Max concurrent users/);
    assert.match(html, /telemetry postgres: 1 of 25 samples failed/);
  });

  test("sections without data say so in one line", async () => {
    const store = readRunStore(writeFixtureRun(join(dir, "bare"), { seed: 6, telemetry: false, killed: true, durationSec: 30, peakUsers: 10 }));
    const model = await buildRunReportModel(store);
    assert.equal(model.summaryRebuilt, true);
    const html = renderHtmlReport(model);
    assert.match(html, /Not judged: no analysis with targets/);
    assert.match(html, /Database connections: not measured: no PostgreSQL telemetry/);
    assert.match(html, /Cache hit rate: not measured/);
    assert.match(html, /Capacity<\/h2><p class="absent">Not measured: a capacity analysis needs several load levels/);
    assert.match(html, /summary\.json was missing/);
    assert.equal(charts(html).filter((c) => c.id.startsWith("chart-cpu")).length, 0);
  });
});

describe("telemetry panels", () => {
  test("the app's own pool gauges and cache counters become series; commands are shortened", () => {
    const prom = (t: number, hits: number, misses: number, total: number, idle: number): TelemetryLine => ({
      ts: 1_700_000_000_000 + t * 1000,
      t,
      source: "prometheus",
      ok: true,
      values: { 'muejam_cache_hits_total{family="story"}': hits, 'muejam_cache_misses_total{family="story"}': misses, 'muejam_db_pool_total_connections{pool="primary"}': total, 'muejam_db_pool_idle_connections{pool="primary"}': idle, 'muejam_db_pool_max_connections{pool="primary"}': 20 },
    });
    const proc: TelemetryLine = { ts: 1_700_000_000_000, t: 0, source: "process", ok: true, values: { cpu_pct: 40, rss_bytes: 100 * 1024 * 1024 }, labels: { pid: "77", command: "/usr/bin/node --import tsx /srv/app/src/main.ts" } };
    const panels = buildTelemetryPanels([proc, prom(0, 0, 0, 5, 5), prom(5, 80, 20, 12, 2), prom(10, 80, 120, 12, 12)]);
    const cache = panels.panels.find((p) => p.id === "cache")!;
    const app = cache.series.find((s) => s.name.startsWith("app cache hits"))!;
    assert.deepEqual(app.xSec, [5, 10]);
    assert.deepEqual(app.y, [80, 0]);
    const db = panels.panels.find((p) => p.id === "db-connections")!;
    assert.deepEqual(db.series.find((s) => s.name === "app pool in use")!.y, [0, 10, 0]);
    assert.deepEqual(db.series.find((s) => s.name === "app pool size")!.y, [20, 20, 20]);
    assert.equal(panels.panels.find((p) => p.id === "cpu")!.series[0]!.name, "node main.ts (pid 77), % of one core");
    assert.equal(shortCommand("postgres: 16/main: writer"), "postgres:");
  });
});
