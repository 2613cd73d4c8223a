// capacity-plan.md's "## Capacity Limits": the current capacity (with the USL fit and the search),
// its charts, and the bottlenecks identified per component.
import { AXIS_USERS } from "../../analysis/usl-axis.js";
import type { Bottleneck, CapacityFigure, RunAnalysis } from "../../analysis/types.js";
import { chartMarkdown } from "../html/chart-files.js";
import { headlineOf } from "../model/headline.js";
import { formatBreakUsers, formatBytes, formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { heaviestRun, type PlanReportModel } from "../model/plan-report-model.js";
import { searchCapacityLines, searchNotReached, uslBrokeWhat } from "./capacity-plan-search.js";
import { mdTable } from "./markdown.js";
import { capitalized, planFigure } from "./plan-figure.js";

/** The breaking-point search's first broken step: its users and the bottlenecks found there. */
function breakFindings(model: PlanReportModel): { where: string; bottlenecks: Bottleneck[] } | undefined {
  const r = model.search?.result;
  const broken = r?.detail.steps.find((st) => !st.ok);
  if (!r || !broken || !r.detail.bottlenecks?.length) return undefined;
  return { where: `breaking-point search's first broken step (${formatInt(broken.users ?? 0)} users)`, bottlenecks: r.detail.bottlenecks };
}

/** The recommendation for a component: its highest entry in the plan's one bottleneck ranking (headline.ts). */
function bestRecommendation(model: PlanReportModel, component: Bottleneck["component"]): string | undefined {
  const top = headlineOf(model).bottlenecks.find((r) => r.bottleneck.component === component);
  return top ? `${top.bottleneck.recommendation} (${top.rank} bottleneck, seen in ${top.seenIn}; limit: ${top.bottleneck.limit})` : undefined;
}

/** "   - At the breaking point: ..." for a component the search's first broken step convicted. */
function atBreak(model: PlanReportModel, component: Bottleneck["component"]): string[] {
  const brk = breakFindings(model);
  const b = brk?.bottlenecks.filter((x) => x.component === component && x.rank !== "minor").sort((x, y) => y.score - x.score)[0];
  return b ? [`   - At the breaking point: ${b.componentLabel}: ${b.symptom} (${b.rank} bottleneck of the ${brk!.where}; limit: ${b.limit})`] : [];
}

function capacityRow(label: string, f: CapacityFigure | undefined, unit: string): string[] {
  if (!f) return [label, "not measured: no capacity analysis over the suite's load levels", "n/a"];
  const value = f.value === null ? `not reached in the tested range (${f.reason})` : `${unit === "users" ? formatInt(f.value) : formatNumber(f.value, 4)} ${unit} (${f.formula})`;
  return [label, value, `${capitalized(f.confidence)}: ${f.reason}`];
}

function capacitySection(model: PlanReportModel): string[] {
  const c = model.capacity;
  const bp = c?.breakingPoint;
  const cf = c?.comfortable;
  const search = model.search;
  // The search ran and held the SLO throughout: say how far it got and how to go further.
  const notReached = (reason: string): string => (search ? searchNotReached(search) : `not reached in the tested range (${reason})`);
  const rows = [
    capacityRow("Max Concurrent Users", c?.maxUsers, "users"),
    // The seed's "Max Requests/Second" is the ceiling: the throughput where it levels off (headline.ts).
    !c ? capacityRow("Max Requests/Second", undefined, "req/s") : ["Max Requests/Second", headlineOf(model).ceiling.text, `${capitalized(headlineOf(model).ceiling.confidence)}: ${headlineOf(model).ceiling.lowerBound ? "a lower bound: throughput had not levelled off" : "throughput levelled off"}`],
    !bp ? ["Breaking Point", "not measured: no capacity analysis over the suite's load levels", "n/a"] : ["Breaking Point", bp.users !== null ? `${formatBreakUsers(bp.users, bp.lastGood)} users (${bp.limit})` : bp.rps !== null ? `${formatNumber(bp.rps, 4)} req/s (${bp.limit})` : notReached(bp.reason), `${capitalized(bp.confidence)}: ${bp.reason}`],
    !cf ? ["Comfortable Capacity", "not measured: no capacity analysis over the suite's load levels", "n/a"] : ["Comfortable Capacity", cf.users !== null ? `${formatInt(cf.users)} users (${formatPct(cf.fraction * 100)}% of ${cf.basis ?? "the breaking point"})` : `not measured: ${cf.reason}`, `${capitalized(cf.confidence)}: ${cf.reason}`],
  ];
  const onUsers = c?.usl?.axis === undefined || c.usl.axis === AXIS_USERS;
  const usl = c?.usl ? [`Universal Scalability Law fit (${c.usl.points} points${search ? ": the profiles' steady phases and the search's steps" : ""}, on ${c.usl.axis ?? "users"}, R² ${c.usl.rSquared.toFixed(3)}): contention α = ${formatNumber(c.usl.alpha, 3)}, coherency β = ${formatNumber(c.usl.beta, 3)}; throughput peaks at ${Number.isFinite(c.usl.xMax) ? `${formatNumber(c.usl.xMax, 4)} req/s` : "no finite value"}${Number.isFinite(c.usl.nMax) ? ` near ${formatInt(c.usl.nMax)} ${onUsers ? "users" : "requests in the system"}` : ""}${uslBrokeWhat(c.usl, bp) ? `: it still grew in proportion to the users (about ${formatNumber(c.usl.gamma, 3)} req/s per user) up to the break, so what broke at ${formatInt(bp!.users!)} users was ${uslBrokeWhat(c.usl, bp)}, not throughput` : ""}.`, ""] : [];
  const refused = c?.uslRefused ? [`Universal Scalability Law: not fitted: ${c.uslRefused}.`, ""] : [];
  return ["### Current Capacity (Estimated)", "", mdTable(["Metric", "Value", "Confidence"], rows), "", ...usl, ...refused, ...searchCapacityLines(search)];
}

function bottleneckSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  const where = heaviestRun(model)?.profile;
  const src = where ? ` (${where} test)` : "";
  const none = "not measured: no run was analysed";
  const d = a?.components.database;
  const ap = a?.components.application;
  const c = a?.components.cache;
  const n = a?.components.network;
  const rec = (component: Bottleneck["component"], fallback: string): string => bestRecommendation(model, component) ?? (a ? `none needed in the tested range: ${fallback}` : none);
  const cacheEviction = model.planning ? planFigure(model.planning.current.cache.evictionPct) : undefined;
  return [
    "### Bottlenecks Identified",
    "",
    "1. **Database**:",
    `   - Connection pool size: ${!a ? none : d?.poolSize !== undefined ? `${d.poolSize} per instance; at most ${d.poolMaxInUse ?? "?"} in use (${d.poolUtilPct !== undefined ? `${formatPct(d.poolUtilPct)}%` : "utilisation not exposed"})${src}` : `not measured: the app does not expose its pool (${a.pool.reason}); server connections peaked at ${d?.connectionsMax ?? "an unmeasured number"}`}`,
    `   - Query performance: ${!a ? none : d?.meanQueryMs !== undefined ? `mean ${formatMs(d.meanQueryMs)} ms per statement, ${formatInt(d.slowQueries ?? 0)} slow (> 1 s), lock waits max ${d.lockWaitsMax ?? 0}${src}` : "not measured: no PostgreSQL query timings"}`,
    `   - Index coverage: not measured: headroom samples statement timings, not index usage (slow statements appear in the ${where ?? "peak"} test document)`,
    ...atBreak(model, "database"),
    `   - Recommendation: ${rec("database", `pool and query latency stayed within targets`)}`,
    "",
    "2. **Application**:",
    `   - CPU utilization: ${!a ? none : ap?.cpuPctMax !== undefined ? `${formatPct(ap.cpuPctMax)}% max, ${formatPct(ap.cpuPctAvg ?? 0)}% average (of one core, busiest process)${src}` : "not measured: no process telemetry"}`,
    `   - Memory utilization: ${!a ? none : ap?.memoryPctMax !== undefined ? `${formatPct(ap.memoryPctMax)}% of the limit max${src}` : ap?.rssBytesMax !== undefined ? `${formatBytes(ap.rssBytesMax)} RSS max${src} (no memory limit set, so no %)` : "not measured: no process telemetry"}`,
    `   - Worker threads: ${ap?.workers !== undefined ? `${ap.workers} app process(es) measured` : "not measured: no process telemetry"}${model.planning ? `; ${model.planning.infrastructure.app.workersPerInstance} per instance planned` : ""}`,
    ...atBreak(model, "app"),
    `   - Recommendation: ${rec("app", "CPU and memory stayed within targets")}`,
    "",
    "3. **Cache**:",
    `   - Hit rate: ${!a ? none : a.cache.hitPct !== undefined ? `${formatPct(a.cache.hitPct)}% (${a.cache.source})${src}` : `not measured: ${a.cache.reason}`}`,
    `   - Memory utilization: ${!a ? none : c?.memoryPctMax !== undefined ? `${formatPct(c.memoryPctMax)}% of maxmemory max${src}` : "not measured: Redis has no maxmemory set, or no Redis telemetry"}`,
    `   - Eviction rate: ${!a ? none : c?.evictedPerSecMax !== undefined ? `${formatNumber(c.evictedPerSecMax, 3)} keys/s max${cacheEviction ? `; ${cacheEviction} of writes` : ""}` : "not measured: no Redis telemetry"}`,
    ...atBreak(model, "cache"),
    `   - Recommendation: ${rec("cache", "hit rate and memory within targets")}`,
    "",
    "4. **Network**:",
    `   - Bandwidth: ${!a ? none : n?.bytesInPerSec !== undefined ? `${formatBytes(n.bytesInPerSec)}/s received and ${formatBytes(n.bytesOutPerSec ?? 0)}/s sent by the load generator on average${n.rxBytesPerSecMax !== undefined ? (n.rxBytesPerSecMax > 0 ? `; the host's network interface peaked at ${formatBytes(n.rxBytesPerSecMax)}/s received` : "; none of it crossed the host's network interface (generator and platform talk over loopback)") : ""}` : "not measured: no requests"}`,
    `   - Latency: ${!a ? none : n?.minLatencyMs !== undefined ? `${formatMs(n.minLatencyMs)} ms (fastest request of the ${where ?? "heaviest"} test: an upper bound on the network round trip)` : "not measured: no requests"}`,
    ...atBreak(model, "network"),
    `   - Recommendation: ${rec("network", "the network was not the limit (generator and platform on one host)")}`,
    "",
  ];
}

export function capacityLimitsSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  return [
    "## Capacity Limits",
    "",
    ...capacitySection(model),
    ...chartMarkdown(model.charts?.capacity),
    ...chartMarkdown(model.charts?.degradation),
    ...bottleneckSection(model, a),
  ];
}
