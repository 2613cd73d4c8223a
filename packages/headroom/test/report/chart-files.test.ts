// The Markdown documents' charts as standalone SVG files: each file is well-formed XML that renders
// on its own (namespace, size, background, embedded style, no script or network), the documents
// link only files that are written, and a chart without data is a sentence, never an empty frame.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { after, before, test } from "node:test";
import { DEFAULT_RECOVERY_BOUND, type FailureScenariosAnalysis, type FaultResult, type WindowFigures } from "../../src/analysis/failure-scenarios.js";
import { sloFromTargets } from "../../src/analysis/slo.js";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { buildTargets } from "../../src/plan/targets.js";
import { parseInfrastructure } from "../../src/planning/infrastructure.js";
import { DEFAULT_ALERT_THRESHOLDS } from "../../src/report/ops/alert-rules.js";
import { renderCapacityPlan } from "../../src/report/markdown/capacity-plan.js";
import { chartMarkdown, planChartFiles, runChartFiles, type ChartFile } from "../../src/report/html/chart-files.js";
import { suiteCurveSpec } from "../../src/report/html/html-charts.js";
import { failureScenariosPlanSection } from "../../src/report/markdown/failure-scenarios.js";
import type { PlanReportModel } from "../../src/report/model/plan-report-model.js";
import type { RunReportModel } from "../../src/report/model/run-report-model.js";
import { renderChartSvg } from "../../src/report/html/svg-chart.js";
import { renderTestResult } from "../../src/report/markdown/test-result.js";
import { readRunStore } from "../../src/store/run-store.js";
import { buildPlanDocuments } from "../../src/jobs/plan-documents.js";
import type { SuiteRunResult } from "../../src/jobs/run-suite.js";
import { fixtureAnalysis } from "./fixture-analysis.js";
import { fixturePlanModel } from "./fixture-plan.js";
import { writeFixtureRun } from "./fixture-run.js";
import { assertWellFormedXml } from "./xml-check.js";

let dir: string;
let plan: PlanReportModel;
let bare: PlanReportModel;

before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-chart-files-"));
  plan = await fixturePlanModel(join(dir, "full"), { only: ["baseline", "peak", "sustained"] });
  bare = await fixturePlanModel(join(dir, "bare"), { only: ["peak"], planning: false, capacity: false });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The image links of a Markdown document: [alt, href]. */
function images(md: string): [string, string][] {
  return [...md.matchAll(/!\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)/g)].map((m) => [m[1]!, m[2]!]);
}

/** A standalone SVG file: well-formed, sized, styled, with a background, data, and nothing fetched or run. */
function assertStandalone(svg: string, name: string): void {
  assertWellFormedXml(svg, name);
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  assert.match(root, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${name}: no xmlns`);
  assert.match(root, /width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/, `${name}: no explicit size`);
  assert.ok(Number(/data-points="(\d+)"/.exec(root)?.[1]) > 0, `${name}: drew no data`);
  assert.match(svg, /<title id="title">[^<]{20,}<\/title>/, `${name}: no title`);
  assert.match(svg, /<style>[^<]*path\.series \{ fill:none;/, `${name}: the series' style is not embedded`);
  assert.match(svg, /<rect width="\d+" height="\d+" fill="#ffffff"\/>/, `${name}: no background`);
  assert.doesNotMatch(svg, /<script|href=|url\(|@import|@font-face|class="hover"><rect/i, `${name}: refers outside itself or carries script`);
  assert.doesNotMatch(svg, /NaN|undefined|Infinity/, `${name}: a value did not format`);
}

test("a run's result document embeds its load and latency charts, and both files stand alone", async () => {
  const run = plan.runs.find((r) => r.profile === "peak")!;
  const { charts, files } = runChartFiles(run.report, { prefix: "peak-", docDir: "test-results" });
  assert.deepEqual(files.map((f) => f.path), ["charts/peak-load.svg", "charts/peak-latency.svg"]);
  for (const f of files) assertStandalone(f.svg, f.path);
  // The throughput path and the user line both drew one point per second of the 40-second run.
  assert.match(files[0]!.svg, /data-series="throughput \(req\/s\)" data-points="40"/);
  assert.match(files[0]!.svg, /data-series="virtual users" data-points="40"/);
  assert.match(files[1]!.svg, /data-series="P99" data-points="40"/);
  // The phases are shaded and labelled.
  assert.equal([...files[1]!.svg.matchAll(/<g class="band">/g)].length, 3);

  const md = renderTestResult({ ...run.report, charts });
  const links = images(md);
  assert.deepEqual(links.map(([, href]) => href), ["../charts/peak-load.svg", "../charts/peak-latency.svg"]);
  assert.match(links[0]![0], /^Users and throughput over 40 s: up to 40 virtual users, throughput up to [\d.]+ req\/s \([\d.]+ on average\); phases shaded: ramp-up, peak, ramp-down$/);
  assert.match(links[1]![0], /^P50, P95 and P99 latency of all endpoints over time: P50 [\d.]+ ms to [\d.]+ ms, P95 up to [\d.]+ ms, P99 up to [\d.]+ ms; phases shaded/);
  // The charts sit under Results, before the requirements table.
  assert.ok(md.indexOf("![Users and throughput") > md.indexOf("## Results") && md.indexOf("![P50") < md.indexOf("## Requirements vs Actual"));
  // Without charts the document is unchanged: no dangling links.
  assert.deepEqual(images(renderTestResult(run.report)), []);
});

test("the capacity plan links the curve, degradation and autoscaling charts, each file written", () => {
  const { charts, files } = planChartFiles(plan);
  assert.deepEqual(files.map((f) => f.path), ["charts/throughput-vs-users.svg", "charts/degradation-by-load.svg", "charts/autoscaling-replay.svg"]);
  for (const f of files) assertStandalone(f.svg, f.path);
  const md = renderCapacityPlan({ ...plan, charts });
  const hrefs = images(md).map(([, href]) => href);
  assert.deepEqual(hrefs, files.map((f) => f.path));
  // The curve and degradation under Capacity Limits, the replay under Scaling Strategy.
  const at = (s: string): number => md.indexOf(s);
  assert.ok(at("## Capacity Limits") < at("](charts/throughput-vs-users.svg)") && at("](charts/degradation-by-load.svg)") < at("### Bottlenecks Identified"));
  assert.ok(at("## Scaling Strategy") < at("](charts/autoscaling-replay.svg)") && at("](charts/autoscaling-replay.svg)") < at("### Vertical Scaling"));
  // The curve marks the breaking point and the comfortable capacity of the analysis, and says so.
  const curve = files[0]!.svg;
  const c = plan.capacity!;
  assert.match(curve, new RegExp(`<g class="marker"><line [^>]*/><text [^>]*>breaking point ${c.breakingPoint.users} users</text>`));
  assert.match(curve, new RegExp(`<g class="marker"><line [^>]*/><text [^>]*>comfortable ${c.comfortable.users} users</text>`));
  assert.match(images(md)[0]![0], new RegExp(`breaking point marked at ${c.breakingPoint.users} users, comfortable capacity at ${c.comfortable.users} users$`));
  // The replay draws the step policy's capacity within the SLO, so minutes over the SLO show as load above it.
  const replay = files[2]!.svg;
  const slo = plan.planning!.autoscale!.step.parameters.slo_rps_per_instance;
  assert.equal(typeof slo, "number");
  assert.match(replay, new RegExp(`data-series="step policy.{1,6}s capacity within the SLO \\(instances x ${slo} req/s\\)" data-points="\\d+"`));
  assert.match(replay, /<path class="series" d="[^"]+" stroke="[^"]+" stroke-dasharray="[^"]+" data-series="target tracking"/);
  // Degradation's alt says "no errors" rather than "errors up to 0 %".
  assert.match(images(md)[1]![0], /errors up to 1\.5 %$/);
  const clean = planChartFiles({ ...plan, capacity: { ...c, degradation: c.degradation.map((d) => ({ ...d, errorPct: 0 })) } });
  assert.ok("alt" in clean.charts.degradation! && /, no errors at any level$/.test(clean.charts.degradation.alt), JSON.stringify(clean.charts.degradation));
});

test("the suite curve: one colour per meaning, the tests' whole runs one series named point by point", () => {
  const runs = ["baseline", "peak", "sustained", "spike", "rate-limiting", "database-stress", "cache-performance", "failure-scenarios"].map((name, i) => ({ name, users: 50 + i * 100, rps: 20 + i * 30 }));
  const search = [{ users: 2000, rps: 500, ok: true }, { users: 4000, rps: 990, ok: true }, { users: 8000, rps: 2100, ok: false }];
  const spec = suiteCurveSpec(plan.capacity, runs, search)!;
  const names = spec.series.map((s) => s.name);
  // Eight tests make one legend entry, not eight.
  assert.equal(names.filter((n) => /whole run/.test(n)).length, 1);
  assert.equal(spec.series.length, 5, names.join(", "));
  const whole = spec.series.find((s) => s.name === "tests' whole runs")!;
  assert.deepEqual(whole.labels, runs.map((r) => `${r.name} (whole run)`));
  // No two series share a colour, and none takes a marker's (break, comfortable capacity).
  const colours = spec.series.map((s) => s.color);
  assert.equal(new Set(colours).size, colours.length, colours.join(", "));
  for (const m of spec.markers ?? []) assert.ok(!colours.includes(m.color), `${m.name} shares its colour with a series`);
  // Each whole-run point says which test it is in its tooltip.
  const svg = renderChartSvg(spec, "throughput against users");
  for (const r of runs) assert.match(svg, new RegExp(`<title>${r.name} \\(whole run\\): ${r.users} → `));
  assert.match(svg, /USL fit \(α=[^)]*R²=\d\.\d{3}\)/);
});

test("a chart without data is left out with a sentence, never an empty frame", () => {
  const { charts, files } = planChartFiles(bare);
  assert.deepEqual(files.map((f) => f.path), ["charts/throughput-vs-users.svg"]);
  assert.deepEqual(charts.degradation, { absent: "Chart not drawn: degradation by load needs at least two measured load levels." });
  assert.deepEqual(charts.autoscale, { absent: "Chart not drawn: planning did not run." });
  assert.equal(charts.failures, undefined);
  const md = renderCapacityPlan({ ...bare, charts });
  assert.ok(md.includes("\nChart not drawn: degradation by load needs at least two measured load levels.\n"));
  assert.equal(images(md).length, 1);

  const report = plan.runs[0]!.report;
  const silent: RunReportModel = { ...report, series: { ...report.series, overall: { p50Ms: report.series.overall.p50Ms.map(() => null), p95Ms: report.series.overall.p95Ms.map(() => null), p99Ms: report.series.overall.p99Ms.map(() => null) } } };
  const quiet = runChartFiles(silent);
  assert.deepEqual(quiet.files.map((f) => f.path), ["charts/load.svg"]);
  assert.deepEqual(chartMarkdown(quiet.charts.latency), ["Chart not drawn: no request completed in any second of the run, so there is no latency to plot.", ""]);
  const empty = runChartFiles({ ...report, series: { ...report.series, tSec: [], users: [], requestsPerSec: [] } });
  assert.deepEqual(empty.files, []);
  assert.deepEqual(empty.charts.load, { absent: "Chart not drawn: the run recorded no seconds of load." });
});

test("the failure-scenarios timeline: under its section of the capacity plan, faults shaded", () => {
  const timeline = Array.from({ length: 20 }, (_, t) => ({ t, requests: 50, failures: t === 8 ? 3 : 0, p95Ms: 9, p99Ms: t === 8 ? 1900 : 12, maxMs: t === 8 ? 2100 : 20, readiness: [] }));
  const figures = (startSec: number, endSec: number, p99Ms: number): WindowFigures => ({ startSec, endSec, requests: 100, failures: 0, p95Ms: 9, p99Ms, maxMs: p99Ms + 100 });
  const fault: FaultResult = { index: 0, kind: "app-stall", label: "App stall (SIGSTOP)", status: "measured", plannedAtSec: 8, atSec: 8, endSec: 10, durationSec: 2, before: figures(6, 8, 12), window: figures(8, 10, 1900), errors: { reset: 3 }, recoveredAtSec: 11, recoverySec: 1, recoveryText: "recovered in 1 s", verdict: "PASS", verdictReason: "within 10 s", seconds: [] };
  // A planned fault the platform had no store for (no REDIS_URL) was not injected: not counted as shaded.
  const skipped: FaultResult = { index: 1, kind: "redis-pause", label: "Cache/limiter store stall (Redis CLIENT PAUSE)", status: "not measured", reason: "no REDIS_URL", plannedAtSec: 14, recoveryText: "not measured", verdict: "NOT_MEASURED", verdictReason: "no REDIS_URL", seconds: [] };
  const failures: FailureScenariosAnalysis = { level: "normal", criteria: { p95Ms: 500, stableSec: 3, recovery: DEFAULT_RECOVERY_BOUND }, faults: [fault, skipped], verdict: "PASS", timeline, notes: [] };
  const model: PlanReportModel = { ...plan, runs: [...plan.runs, { ...plan.runs[0]!, profile: "failure-scenarios", failures }] };
  const { charts, files } = planChartFiles(model);
  const file = files.find((f) => f.path === "charts/failure-scenarios-timeline.svg") as ChartFile;
  assertStandalone(file.svg, file.path);
  assert.match(file.svg, /<g class="band"><rect [^>]*><title>app-stall: 0:08 to 0:10<\/title><\/rect>/);
  assert.match(file.svg, /data-series="p99" data-points="20"/);
  assert.ok("href" in charts.failures! && /the 1 injected fault shaded \(app-stall\), redis-pause not injected; P99 up to 1,?900 ms, 3 errors in all$/.test(charts.failures.alt), JSON.stringify(charts.failures));
  const section = failureScenariosPlanSection({ ...model, charts }).join("\n");
  assert.match(section, /\n!\[P99 and max latency[^\]]*\]\(charts\/failure-scenarios-timeline\.svg\)\n/);
});

test("renderChartSvg escapes text, lays the legend out inside the frame, and keeps the plot's size", () => {
  const svg = renderChartSvg({ id: "x", title: `A <b> & "c"`, x: [0, 1, 2], xLabel: "t", yLabel: "v", series: [{ name: "a & b", y: [1, 2, 3] }, { name: "c", y: [3, 2, 1], axis: "right", style: "dashed" }], width: 300, height: 200 }, "alt [with] <brackets>");
  assertStandalone(svg, "escaped");
  assert.match(svg, /<title id="title">alt \[with\] &lt;brackets&gt;<\/title>/);
  assert.match(svg, /<text class="title" x="12" y="22">A &lt;b&gt; &amp; &quot;c&quot;<\/text>/);
  // Two legend rows at 300 px (the second item does not fit beside the first), then the 200-px plot.
  const height = Number(/height="(\d+)"/.exec(svg)![1]);
  assert.equal(height, 44 + 18 + 10 + 200);
  for (const m of svg.matchAll(/<text x="([\d.]+)" y="\d+">([^<]*)<\/text>/g)) assert.ok(Number(m[1]) + m[2]!.length * 6.72 <= 300 + 1, `legend item "${m[2]}" runs past the frame`);
  assert.deepEqual(chartMarkdown({ href: "charts/x.svg", alt: "a [b]\nc" }), ["![a \\[b\\] c](charts/x.svg)", ""]);
});

test("plan's report set: every image a Markdown document links is a file of the set, and parses", async () => {
  const out = join(dir, "plan-out");
  const runs: SuiteRunResult[] = ["baseline", "peak"].map((name, i) => {
    const store = readRunStore(writeFixtureRun(join(out, name), { seed: 40 + i, name, durationSec: 30, peakUsers: 20 + 20 * i }));
    const summary = store.summary!;
    return { test: { name, profile: { name, executor: "closed", durationSec: 30, users: 20 + 20 * i }, loadLevel: "normal" }, dir: join(out, name), store, summary, analysis: fixtureAnalysis(store, summary) } as SuiteRunResult;
  });
  const targets = buildTargets();
  const infrastructure = parseInfrastructure(JSON.parse(readFileSync(new URL("../../../../config/infrastructure.default.json", import.meta.url), "utf8")), "config/infrastructure.default.json");
  const docs = await buildPlanDocuments({ runs, outDir: out, environment: plan.environment, infrastructure, slo: sloFromTargets(targets, "normal"), targets, alertThresholds: DEFAULT_ALERT_THRESHOLDS, instances: 1, generatedAt: plan.generatedAt });
  const svgs = [...docs.files.keys()].filter((k) => k.endsWith(".svg")).sort();
  assert.deepEqual(svgs.filter((k) => k.startsWith("charts/baseline-") || k.startsWith("charts/peak-")), ["charts/baseline-latency.svg", "charts/baseline-load.svg", "charts/peak-latency.svg", "charts/peak-load.svg"]);
  const linked = new Set<string>();
  for (const [path, text] of docs.files) {
    if (!path.endsWith(".md")) continue;
    for (const [alt, href] of images(text)) {
      const target = posix.normalize(posix.join(posix.dirname(path), href));
      assert.ok(docs.files.has(target), `${path} links ${href}, which is not written`);
      assert.ok(alt.length > 30, `${path}: alt text of ${href} is "${alt}"`);
      linked.add(target);
    }
  }
  // Every chart written is linked, and each result document has its two charts.
  assert.deepEqual([...linked].sort(), svgs);
  for (const name of ["baseline", "peak"]) assert.equal(images(docs.files.get(`test-results/${name}.md`)!).length, 2);
  assert.ok(images(docs.files.get("capacity-plan.md")!).some(([, href]) => href === "charts/throughput-vs-users.svg"));
  for (const k of svgs) assertStandalone(docs.files.get(k)!, k);
});

test("headroom report --format md writes the charts its report.md links", async () => {
  const run = writeFixtureRun(join(dir, "cli-run"), { seed: 9, durationSec: 20, peakUsers: 10 });
  const out = join(dir, "cli-out");
  const io = memoryIo({}, dir);
  assert.equal(await main(["report", run, "--format", "md", "--out", out], io), EXIT.OK, io.err());
  assert.match(io.out(), /^wrote cli-out\/charts\/load\.svg\nwrote cli-out\/charts\/latency\.svg\nwrote cli-out\/report\.md\n/);
  const md = readFileSync(join(out, "report.md"), "utf8");
  assert.deepEqual(images(md).map(([, href]) => href), ["charts/load.svg", "charts/latency.svg"]);
  for (const [, href] of images(md)) assertStandalone(readFileSync(join(out, href), "utf8"), href);
  assert.deepEqual(readdirSync(join(out, "charts")).sort(), ["latency.svg", "load.svg"]);
  // Without the Markdown format no chart files are written.
  const html = join(dir, "cli-html");
  assert.equal(await main(["report", run, "--format", "html", "--out", html], memoryIo({}, dir)), EXIT.OK);
  assert.equal(existsSync(join(html, "charts")), false);
});
