// The "Load Test Results" part of the capacity plan: the seed's six test sections, each with its
// configuration as run, its results block with the seed's keys, a status and observations.
import type { RunAnalysis, RunVerdict } from "../../analysis/types.js";
import { formatDuration, formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { findRun, type PlanReportModel, type SuiteRun } from "../model/plan-report-model.js";
import { failureScenariosPlanSection } from "./failure-scenarios.js";
import { describeUserMix, spawnRateOf, throughputLines, VERDICT_MARK } from "./test-result.js";
import { describeBound, describeMeasured } from "../verdict-text.js";

type Kind = "standard" | "sustained" | "rate" | "db" | "cache";

interface SeedTest {
  heading: string;
  profiles: string[];
  kind: Kind;
  /** The seed's configuration (what scale 1 runs). */
  users: number;
  spawnRate?: number;
  durationSec: number;
  /** Extra configuration lines of the seed, verbatim. */
  extra?: string[];
}

export const SEED_TESTS: SeedTest[] = [
  { heading: "Baseline Test (100 Concurrent Users)", profiles: ["baseline"], kind: "standard", users: 100, spawnRate: 10, durationSec: 300 },
  { heading: "Peak Load Test (1000 Concurrent Users)", profiles: ["peak"], kind: "standard", users: 1000, spawnRate: 50, durationSec: 600 },
  { heading: "Sustained Load Test (200 Users, 30 Minutes)", profiles: ["sustained"], kind: "sustained", users: 200, spawnRate: 20, durationSec: 1800 },
  { heading: "Rate Limiting Test", profiles: ["rate-limiting", "ratelimit", "rate-limit"], kind: "rate", users: 50, durationSec: 180 },
  { heading: "Database Stress Test", profiles: ["database-stress", "db-stress"], kind: "db", users: 100, durationSec: 300, extra: ["Focus: Complex queries, nested relationships, search"] },
  { heading: "Cache Performance Test", profiles: ["cache-performance", "cache"], kind: "cache", users: 75, durationSec: 300, extra: ["Focus: Repeated lookups of same data"] },
];

const NOT_RUN = (t: SeedTest): string => `not measured: the suite did not run the ${t.profiles[0]} profile`;
const NO_ANALYSIS = "not measured: the run was not analysed";

function configuration(t: SeedTest, run: SuiteRun | undefined, scale: number): string[] {
  const seedNote = (v: string): string => (scale !== 1 ? ` (template: ${v}; scale ${scale})` : "");
  if (!run) {
    return [`- Users: ${t.users} (configured; ${NOT_RUN(t)})`, ...(t.spawnRate ? [`- Spawn Rate: ${t.spawnRate} users/second`] : []), `- Duration: ${formatDuration(t.durationSec)}`, ...(t.extra ?? []).map((e) => `- ${e}`)];
  }
  const p = run.report.manifest.plan;
  const users = p.users ?? run.report.summary.peakUsers;
  const lines = [`- Users: ${formatInt(users)}${users !== t.users ? seedNote(String(t.users)) : ""}`];
  if (t.kind === "rate") {
    const waits = p.classes?.map((c) => `${c.name} ${c.wait}`).join(", ");
    lines.push(`- Request Rate: Very high (${waits ? `wait ${waits}` : "0.1-0.5s wait time"})`);
  } else if (spawnRateOf(p) !== undefined || t.spawnRate !== undefined) {
    const spawn = spawnRateOf(p);
    lines.push(`- Spawn Rate: ${spawn !== undefined ? `${formatNumber(spawn, 3)} users/second` : "not measured: the run's plan records no spawn rate"}${spawn !== undefined && spawn !== t.spawnRate && t.spawnRate !== undefined ? seedNote(`${t.spawnRate}/s`) : ""}`);
  }
  for (const e of t.extra ?? []) lines.push(`- ${e}`);
  const dur = run.report.summary.durationSec;
  lines.push(`- Duration: ${formatDuration(dur)}${Math.abs(dur - t.durationSec) > 1 ? seedNote(formatDuration(t.durationSec)) : ""}`);
  if (t.heading.startsWith("Baseline")) lines.push(`- User Mix: ${describeUserMix(run.report)}`);
  return lines;
}

const count = (n: number, of: number): string => `${formatInt(n)} (${of > 0 ? formatPct((n / of) * 100) : "0"}%)`;

function memoryGrowth(a: RunAnalysis): string {
  const leak = a.leaks.find((l) => /memory|rss/i.test(l.metric));
  if (!leak || leak.verdict === "not measured") return `not measured: ${leak?.reason ?? "no app memory telemetry"}`;
  const mb = (v: number): string => (leak.unit === "bytes" ? formatNumber(v / 1e6, 3) : formatNumber(v, 3));
  const change = leak.trend?.fittedChange ?? (leak.last !== undefined && leak.first !== undefined ? leak.last - leak.first : undefined);
  if (change === undefined) return `not measured: ${leak.reason}`;
  const span = leak.first !== undefined && leak.last !== undefined ? `; ${mb(leak.first)} → ${mb(leak.last)} MB` : "";
  return `${mb(change)} MB (${leak.trend ? "least-squares trend × run length" : "last − first sample"}${span}; verdict ${leak.verdict})`;
}

function poolUtil(a: RunAnalysis): string {
  const p = a.pool;
  if (p.maxUtilPct !== undefined) return `${formatPct(p.maxUtilPct)}% max${p.avgUtilPct !== undefined ? `, ${formatPct(p.avgUtilPct)}% average` : ""}${p.size !== undefined ? ` of a pool of ${p.size}` : ""} (${p.source}; ${p.verdict})`;
  const d = a.components.database;
  if (d.connectionsMax !== undefined && d.maxConnections) return `${formatPct((d.connectionsMax / d.maxConnections) * 100)}% of max_connections at most (${d.connectionsMax} of ${d.maxConnections}; the app pool itself is not exposed: ${p.reason})`;
  return `not measured: ${p.reason}`;
}

function resultLines(t: SeedTest, run: SuiteRun | undefined): string[] {
  if (!run) return [`Total Requests: ${NOT_RUN(t)}`];
  const s = run.report.summary;
  const a = run.report.analysis;
  const total = `Total Requests: ${formatInt(s.requests.total)}`;
  const failures = `Failures: ${count(s.requests.failed, s.requests.total)}`;
  const avg = `Average Response Time: ${formatMs(s.latencyMs.mean)} ms`;
  switch (t.kind) {
    case "standard":
      return [total, failures, avg, `P95 Latency: ${formatMs(s.latencyMs.p95)} ms`, `P99 Latency: ${formatMs(s.latencyMs.p99)} ms`, ...throughputLines(run.report)];
    case "sustained":
      return [total, failures, avg, `Memory Growth: ${a ? memoryGrowth(a) : NO_ANALYSIS}`, `Connection Pool Utilization: ${a ? poolUtil(a) : NO_ANALYSIS}`];
    case "rate": {
      const limited = s.status["429"] ?? 0;
      const success = Object.entries(s.status).reduce((n, [code, c]) => (code.startsWith("2") || code.startsWith("3") ? n + c : n), 0);
      return [total, `Rate Limited (429): ${count(limited, s.requests.total)}`, `Successful: ${count(success, s.requests.total)}`];
    }
    case "db": {
      if (!a) return [total, `Slow Queries (>1s): ${NO_ANALYSIS}`, `Connection Pool Max: ${NO_ANALYSIS}`, `Average Query Time: ${NO_ANALYSIS}`];
      const d = a.components.database;
      const poolMax = d.poolMaxInUse !== undefined ? `${formatInt(d.poolMaxInUse)} connections in use${d.poolSize !== undefined ? ` of ${d.poolSize}` : ""}` : d.connectionsMax !== undefined ? `${formatInt(d.connectionsMax)} server connections (app pool not exposed)` : "not measured: no pool or PostgreSQL telemetry";
      return [
        total,
        `Slow Queries (>1s): ${d.slowQueries !== undefined ? formatInt(d.slowQueries) : "not measured: no PostgreSQL telemetry"}`,
        `Connection Pool Max: ${poolMax}`,
        `Average Query Time: ${d.meanQueryMs !== undefined ? `${formatMs(d.meanQueryMs)} ms` : "not measured: no PostgreSQL query timings"}`,
      ];
    }
    case "cache": {
      if (!a) return [total, `Cache Hit Rate: ${NO_ANALYSIS}`];
      const c = a.cache;
      const pct = (v: number | undefined): string => (v !== undefined ? `${formatPct(v)}%` : `not measured: ${c.reason}`);
      const lat = (v: number | undefined): string => (v !== undefined ? `${formatMs(v)} ms` : "not measured: the app does not label request durations by cache outcome");
      return [total, `Cache Hit Rate: ${pct(c.hitPct)}`, `Cache Miss Rate: ${pct(c.missPct)}`, `Avg Response Time (cache hit): ${lat(c.hitLatencyMs)}`, `Avg Response Time (cache miss): ${lat(c.missLatencyMs)}`];
    }
  }
}

function status(t: SeedTest, run: SuiteRun | undefined): { verdict?: RunVerdict; text: string } {
  if (!run) return { text: `– NOT RUN (${NOT_RUN(t)})` };
  const v = run.report.analysis?.verdict;
  if (t.kind === "rate" && (run.report.summary.status["429"] ?? 0) === 0) return { verdict: "FAIL", text: `${VERDICT_MARK.FAIL} (the rate limiter never answered 429)` };
  if (!v) return { text: "– NOT JUDGED (the run was not analysed)" };
  return { verdict: v, text: v === "INCOMPLETE" && run.report.analysis?.incomplete ? `${VERDICT_MARK[v]} (${run.report.analysis.incomplete})` : VERDICT_MARK[v] };
}

function observations(t: SeedTest, run: SuiteRun | undefined, model: PlanReportModel): string {
  if (!run) return `${NOT_RUN(t)}; run \`headroom plan\` with this profile to fill this section.`;
  const a = run.report.analysis;
  const out: string[] = [];
  for (const v of run.report.verdicts.filter((x) => x.verdict === "FAIL" || x.verdict === "WARN" || x.verdict === "NOT_TESTABLE").slice(0, 4)) {
    const why = v.verdict === "NOT_TESTABLE" ? `NOT TESTABLE: ${(v.note ?? "").replace(/^not testable /, "")}` : v.verdict;
    out.push(`${v.metric === "rps" ? "Throughput over the steady window" : v.label} ${describeMeasured(v)} against ${describeBound(v.bound)} (${why})`);
  }
  if (a && run.report.verdicts.length > 0 && out.length === 0) out.push(`all ${run.report.verdicts.filter((v) => v.verdict === "PASS").length} measured targets met`);
  if (t.kind === "sustained" && a) {
    out.push(`leaks: ${a.leaks.map((l) => `${l.label} ${l.verdict}`).join(", ") || "not measured"}; pool ${a.pool.verdict}`);
    if (a.errorThirds.length) out.push(`error rate per third: ${a.errorThirds.map((x) => `${formatPct(x.errorPct)}%`).join(" / ")}`);
  }
  if (t.kind === "rate") {
    const classes = Object.entries(run.report.summary.classes).map(([n, c]) => `${n} ${formatPct(c.rateLimitedPct)}%`);
    out.push(`${(run.report.summary.status["429"] ?? 0) > 0 ? "the limiter engaged" : "the limiter did not engage"}${classes.length ? `; 429 share per class: ${classes.join(", ")}` : ""}`);
  }
  if (t.kind === "cache" && a) out.push(a.cache.reason);
  if (t.kind === "standard" && a && a.recovery.status !== "no load drop" && a.recovery.status !== "not measured") out.push(`recovery after load removal: ${a.recovery.status}${a.recovery.recoverySec !== undefined ? ` in ${formatDuration(a.recovery.recoverySec)}` : ""}`);
  const primary = a?.bottlenecks[0];
  // "app memory: app memory grows slowly" reads as a stutter: the label only when the symptom does not start with it.
  if (primary) out.push(`${primary.rank} bottleneck: ${primary.symptom.toLowerCase().startsWith(primary.componentLabel.toLowerCase()) ? "" : `${primary.componentLabel}: `}${primary.symptom}`);
  if (run.report.summary.generator.limited) out.push("the load generator, not the platform, was the limit in this run (see the run's notes)");
  if (model.environment.scale !== 1) out.push(`run at scale ${model.environment.scale}`);
  if (run.files?.md) out.push(`details: \`${run.files.md}\``);
  return out.join("; ") + ".";
}

export function loadTestSections(model: PlanReportModel): string[] {
  const out: string[] = [];
  for (const t of SEED_TESTS) {
    const run = findRun(model, ...t.profiles);
    out.push(
      `### ${t.heading}`,
      "",
      "**Configuration**:",
      ...configuration(t, run, model.environment.scale),
      "",
      "**Results**:",
      "```",
      ...resultLines(t, run),
      "```",
      "",
      `**Status**: ${status(t, run).text}`,
      `**Notes**: ${observations(t, run, model)}`,
      "",
    );
  }
  out.push(...failureScenariosPlanSection(model));
  return out;
}
