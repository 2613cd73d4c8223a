// The failure-scenarios test from recorded lines: the faults' schedule as data of a profile, the
// recovery arithmetic on interval lines (a stall whose requests complete when it ends, dropped
// connections with 503s, a Redis pause the limiter absorbed), the verdicts, and the documents
// (the result document, the capacity plan's section, summary.json and report.html).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { analyzeFailureScenarios, faultVerdicts, recoveredAt, type FailureScenariosAnalysis } from "../../src/analysis/failure-scenarios.js";
import { createHistogram, encodeHistogram } from "../../src/metrics/histogram.js";
import { buildTargets } from "../../src/plan/targets.js";
import { renderCapacityPlan } from "../../src/report/markdown/capacity-plan.js";
import { failureScenariosHtml, renderFailureScenarios } from "../../src/report/markdown/failure-scenarios.js";
import { renderPlanHtmlReport } from "../../src/report/html/plan-html-report.js";
import { renderPlanSummaryJson } from "../../src/report/data/plan-json.js";
import type { RunReportModel } from "../../src/report/model/run-report-model.js";
import type { IntervalLine, TelemetryLine } from "../../src/core/types.js";
import { faultReach, scheduleFaults } from "../../src/plan/faults.js";
import { QUICK_SCALE, scaleProfile } from "../../src/plan/scale-profile.js";
import { fixturePlanModel } from "../report/fixture-plan.js";

const T0 = Date.UTC(2026, 0, 1);

/** One second: `latenciesMs` completed requests on one endpoint, `failed503` of them answered 503. */
function second(t: number, latenciesMs: number[], failed503 = 0): IntervalLine {
  const h = createHistogram();
  for (const ms of latenciesMs) h.recordValue(Math.round(ms * 1000));
  const hist = encodeHistogram(h);
  h.destroy();
  const n = latenciesMs.length;
  const status: Record<string, number> = {};
  if (n - failed503 > 0) status["200"] = n - failed503;
  if (failed503 > 0) status["503"] = failed503;
  return {
    t,
    ts: T0 + t * 1000,
    users: 100,
    dropped: 0,
    endpoints: { "/api/discovery/trending": { method: "GET", requests: n, ok: n - failed503, failed: failed503, status, errors: failed503 ? { status: failed503 } : {}, bytesIn: 0, bytesOut: 0, hist } },
    generator: { cpuPct: 10, eventLoopLagMsP99: 1, rssBytes: 1e8 },
  };
}

const quick = (): number[] => Array.from({ length: 30 }, (_, i) => 8 + (i % 5));

/** 24 s at 30 req/s and ~10 ms: DB connections dropped at 6.0 s (3 requests answered 503 in that second), app stalled 12.0-14.0 s (nothing completes, then everything at once), Redis paused 18.0-20.0 s (absorbed). */
function recordedRun(): { intervals: IntervalLine[]; telemetry: TelemetryLine[] } {
  const intervals: IntervalLine[] = [];
  for (let t = 0; t < 24; t++) {
    if (t === 6) intervals.push(second(t, quick(), 3));
    else if (t === 12 || t === 13) intervals.push(second(t, []));
    else if (t === 14) intervals.push(second(t, Array.from({ length: 60 }, (_, i) => 2000 - i * 30)));
    else intervals.push(second(t, quick()));
  }
  const fault = (index: number, kind: string, startT: number, endT: number, affected: number, detail: string): TelemetryLine => ({ ts: T0 + startT * 1000, t: startT, source: "fault", ok: true, values: { index, plannedAtSec: startT, plannedSec: endT - startT, startT, endT, affected }, labels: { kind, detail } });
  const telemetry: TelemetryLine[] = [
    fault(0, "db-connections", 6.0, 6.02, 4, "pg_terminate_backend of 4 connection(s)"),
    fault(1, "app-stall", 12.0, 14.0, 1, "SIGSTOP of pid 4242, SIGCONT 2.00 s later"),
    fault(2, "redis-pause", 18.0, 20.0, 1, "CLIENT PAUSE 2000 ALL"),
  ];
  for (let t = 0; t < 24; t += 0.5) {
    const notReady = t >= 6 && t < 6.5;
    const noAnswer = t >= 12 && t < 14;
    telemetry.push({ ts: T0 + t * 1000, t, source: "readiness", ok: !notReady && !noAnswer, values: { status: noAnswer ? 0 : notReady ? 503 : 200, latencyMs: 2 }, ...(notReady ? { labels: { reason: "postgres: Connection terminated" } } : noAnswer ? { labels: { reason: "no answer within 1000 ms" } } : {}) });
  }
  for (let t = 0; t < 24; t++) telemetry.push({ ts: T0 + t * 1000 + 100, t: t + 0.1, source: "prometheus", ok: t < 12 || t >= 14, values: { muejam_rate_limiter_fail_open_total: t < 18 ? 0 : t < 20 ? 5 * (t - 17) : 12 } });
  return { intervals, telemetry };
}

const planned = scheduleFaults(
  [
    { at: "25%", kind: "db-connections" },
    { at: "50%", kind: "app-stall", durationSec: 2 },
    { at: "75%", kind: "redis-pause" },
  ],
  24,
  "failure-scenarios",
);

test("faults are placed by share of the (scaled) duration and validated", () => {
  assert.deepEqual(
    planned.map((f) => [f.kind, f.atSec, f.durationSec]),
    [
      ["db-connections", 6, 0],
      ["app-stall", 12, 2],
      ["redis-pause", 18, 2],
    ],
  );
  assert.equal(planned[0]!.applicationName, "muejam-api");
  const full = scheduleFaults([{ at: "35%", kind: "redis-pause" }, { at: 10, kind: "app-stall" }], 300);
  assert.deepEqual(full.map((f) => f.atSec), [10, 105], "seconds and shares, in time order");
  assert.throws(() => scheduleFaults([{ at: "soon", kind: "app-stall" }], 24, "p"), /profile "p" fault 1: at "soon" is neither/);
  assert.throws(() => scheduleFaults([{ at: "100%", kind: "app-stall" }], 24), /outside the profile's 24 s/);
  assert.throws(() => scheduleFaults([{ at: 5, kind: "disk-full" as never }], 24), (e: Error & { code?: string }) => e.code === "HR_CONFIG_INVALID" && /kind "disk-full" is unknown/.test(e.message));
  assert.throws(() => scheduleFaults([{ at: 5, kind: "app-stall", durationSec: 0 }], 24), /durationSec 0 must be/);
  // The quick scale keeps the MueJam failure-scenarios profile at 20 s (its floor).
  const scaled = scaleProfile({ name: "failure-scenarios", executor: "closed", users: 100, spawnRate: 20, durationSec: 300 }, QUICK_SCALE);
  assert.equal(scaled.durationSec, 20);
});

test("a fault reaches only what headroom was given, and says why not otherwise", () => {
  const t = { baseUrl: "http://127.0.0.1:1", missing: { pids: "no --pid given" } };
  assert.deepEqual(faultReach("app-stall", t), { ok: false, reason: "no --pid given" });
  assert.equal(faultReach("db-connections", t).ok, false);
  assert.deepEqual(faultReach("redis-pause", { ...t, redisUrl: "redis://127.0.0.1:1" }), { ok: true });
});

test("recovery: the first second from which every 3-second window has p95 within target and no errors", () => {
  const lines = [second(14, [1900, 1800]), second(15, quick()), second(16, quick(), 1), second(17, quick()), second(18, quick()), second(19, quick())];
  // Second 16 has an error, so windows starting at 14, 15 and 16 fail: recovered from 17.
  assert.equal(recoveredAt(lines, 500), 17);
  assert.equal(recoveredAt(lines.slice(0, 3), 500), undefined, "never clean to the end");
  assert.equal(recoveredAt([second(14, []), second(15, quick()), second(16, quick()), second(17, quick())], 500), 15, "a second with no completed request is not good");
});

test("each fault's impact, recovery, readiness and limiter figures come from the recorded lines", () => {
  const { intervals, telemetry } = recordedRun();
  const a = analyzeFailureScenarios(intervals, telemetry, { planned, targets: buildTargets(), level: "normal" });
  assert.equal(a.criteria.p95Ms, 500);
  assert.deepEqual([a.criteria.recovery.target, a.criteria.recovery.acceptable], [10, 20], "faultRecoverySec of config/targets.default.json");
  const [db, stall, redis] = a.faults;
  assert.deepEqual(db!.errors, { "status 503": 3 });
  assert.equal(db!.recoveredAtSec, 7);
  assert.equal(db!.recoverySec, 1);
  assert.match(db!.readiness!.text, /^503 at 6\.0 s \(1 of \d+ polls\): postgres: Connection terminated; ready again at 6\.5 s/);
  assert.equal(db!.verdict, "PASS");
  // The stall: nothing completes in 12-13, everything completes at 14 with up to 2 s of latency.
  assert.equal(stall!.window!.requests, 60);
  assert.deepEqual([stall!.window!.startSec, stall!.window!.endSec], [12, 15]);
  assert.ok(stall!.window!.maxMs >= 1990 && stall!.window!.p99Ms >= 1900, `p99 ${stall!.window!.p99Ms} max ${stall!.window!.maxMs}`);
  assert.ok(stall!.before!.p99Ms < 20);
  assert.equal(stall!.recoveredAtSec, 15);
  assert.equal(stall!.recoverySec, 1);
  assert.match(stall!.readiness!.text, /^no answer from 12\.0 s to 13\.5 s/);
  assert.equal(redis!.recoverySec, 0);
  assert.equal(redis!.failOpen, 12);
  assert.equal(a.verdict, "PASS");
  const v = faultVerdicts(a);
  assert.deepEqual(v.map((x) => [x.metric, x.verdict, x.measured]), [["faultRecoverySec", "PASS", 1], ["faultRecoverySec", "PASS", 1], ["faultRecoverySec", "PASS", 0]]);
});

test("a fault that does not recover fails; one that could not act is not measured and says why", () => {
  const { intervals, telemetry } = recordedRun();
  // Errors in every second after the Redis pause: never recovered before the run ended.
  // No stall happened: its seconds are ordinary ones.
  const broken = intervals.map((l) => (l.t >= 18 ? second(l.t, quick(), 2) : l.t >= 12 && l.t <= 14 ? second(l.t, quick()) : l));
  const withoutStall = telemetry.map((l) => (l.source === "fault" && l.values.index === 1 ? { ...l, ok: false, error: "not measured: no --pid given", values: { index: 1 } } : l));
  const a = analyzeFailureScenarios(broken, withoutStall, { planned, targets: buildTargets([{ name: "t.json", file: { levels: { normal: { faultRecoverySec: { target: 0.5, acceptable: 1 } } } } }]), level: "normal" });
  assert.equal(a.faults[1]!.status, "not measured");
  assert.equal(a.faults[1]!.reason, "no --pid given");
  assert.equal(a.faults[1]!.verdict, "NOT_MEASURED");
  assert.equal(a.faults[2]!.verdict, "FAIL");
  assert.match(a.faults[2]!.recoveryText, /^not recovered/);
  assert.equal(a.faults[0]!.verdict, "WARN", "1 s against a target of 0.5 s (acceptable 1 s) from --targets");
  assert.equal(a.verdict, "FAIL");
});

test("the result document and the HTML section render every fault from the analysis", () => {
  const { intervals, telemetry } = recordedRun();
  const a = analyzeFailureScenarios(intervals, telemetry, { planned, targets: buildTargets(), level: "normal" });
  const model = {
    manifest: { id: "fs-1", startedAt: "2026-01-01T00:00:00.000Z", target: { url: "http://127.0.0.1:3000" }, plan: { executor: "closed", durationSec: 24, users: 100, classes: [{ name: "AuthenticatedUser", weight: 70, wait: "between(1s, 5s)" }] } },
    summary: { durationSec: 24, peakUsers: 100, requests: { total: 690, failed: 3 } },
    userMix: [],
    notes: [],
  } as unknown as RunReportModel;
  const md = renderFailureScenarios(model, a);
  assert.match(md, /^# Failure Scenarios Test/);
  assert.match(md, /\| App stall \(SIGSTOP\) \| 12 s \| 2 s \| 60 \(12-15 s\) \| none \|/);
  assert.match(md, /\| Database connections dropped \| 6 s \| instant \| 30 \(6-7 s\) \| status 503 ×3 \|/);
  assert.match(md, /12 request\(s\) let through by the limiter/);
  assert.match(md, /\*\*Verdict\*\*: ✓ PASS/);
  assert.match(md, /\| 14 \| {2}\| 60 \| 0 \|/, "the per-second table shows the stalled requests completing at 14 s");
  const html = failureScenariosHtml(a, "test-results/failure-scenarios.md");
  assert.match(html, /<svg/);
  assert.match(html, /app-stall: 0:12 to 0:14/, "the stall is a shaded band of the timeline");
  assert.match(failureScenariosHtml(undefined), /Not measured: the suite ran no test with faults/);
});

test("the capacity plan, summary.json and report.html carry the failure-scenarios test", async () => {
  const dir = mkdtempSync(join(tmpdir(), "headroom-failures-"));
  try {
    const model = await fixturePlanModel(dir, { only: ["baseline"], planning: false, capacity: false });
    const notRun = renderCapacityPlan(model);
    assert.match(notRun, /### Failure Scenarios Test\n\n\*\*Status\*\*: – NOT RUN \(not measured: the suite did not run the failure-scenarios profile/);
    const { intervals, telemetry } = recordedRun();
    const failures = analyzeFailureScenarios(intervals, telemetry, { planned, targets: buildTargets(), level: "normal" });
    model.runs.push({ profile: "failure-scenarios", report: model.runs[0]!.report, files: { md: "test-results/failure-scenarios.md" }, failures });
    const md = renderCapacityPlan(model);
    const section = md.slice(md.indexOf("### Failure Scenarios Test"), md.indexOf("## Capacity Limits"));
    assert.ok(md.indexOf("### Cache Performance Test") < md.indexOf("### Failure Scenarios Test"), "after the seed's six tests");
    assert.match(section, /\| App stall \(SIGSTOP\) \| 12 s \| 2 s \| none \| 12 ms \/ 2,001 ms \| 2,001 ms \| 1 s \|/);
    assert.match(section, /\*\*Status\*\*: ✓ PASS/);
    const incident = md.slice(md.indexOf("## Incident Response"), md.indexOf("## References"));
    assert.match(incident, /Measured by the failure-scenarios test \(`test-results\/failure-scenarios\.md`\)/);
    assert.match(incident, /- Database connections dropped at 6 s: p99 12 ms \(before 12 ms\), max 12 ms, 3 errors, recovered in 1 s \(PASS\); readiness: 503 at 6\.0 s/);
    const json = JSON.parse(renderPlanSummaryJson(model)) as { tests: { profile: string; failureScenarios?: FailureScenariosAnalysis }[] };
    assert.deepEqual(json.tests.find((t) => t.profile === "failure-scenarios")!.failureScenarios!.faults.map((f) => f.recoverySec), [1, 1, 0]);
    assert.equal(json.tests.find((t) => t.profile === "baseline")!.failureScenarios, undefined);
    const html = renderPlanHtmlReport(model);
    assert.match(html, /<h2 id="failures">Failure scenarios<\/h2>/);
    assert.match(html, /redis-pause: 0:18 to 0:20/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
