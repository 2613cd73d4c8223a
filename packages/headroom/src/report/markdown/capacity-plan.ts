// capacity-plan.md: the user's document (seed/capacity-planning.md) with its exact structure and
// headings, every "TBD" replaced by a measured value (with its source), a derived value (with its
// formula worked out) or "not measured: <reason>". Policy text the seed states as a decision
// (scaling rules, pgbouncer settings, schedules) is kept, with the measured figure beside it.
import { AXIS_USERS } from "../../analysis/usl-axis.js";
import type { Bottleneck, CapacityAnalysis, CapacityFigure, RunAnalysis } from "../../analysis/types.js";
import type { AutoscaleResult, CapacityPlanning, InstanceSize, PlanFigure } from "../../planning/types.js";
import { searchCapacityLines, searchNotReached, uslBrokeWhat } from "./capacity-plan-search.js";
import { loadTestSections } from "./capacity-plan-tests.js";
import { chartMarkdown, type PlanCharts } from "../html/chart-files.js";
import { failureIncidentLines } from "./failure-scenarios.js";
import { headlineOf } from "../model/headline.js";
import { headlineMarkdown } from "./headline-render.js";
import { formatBreakUsers, formatBytes, formatDuration, formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { mdTable } from "./markdown.js";
import { analyses, findRun, heaviestRun, type PlanReportModel } from "../model/plan-report-model.js";
import { steadyThroughput } from "./test-result.js";

const NO_PLANNING = "not measured: planning did not run (no infrastructure model or capacity inputs)";

/** A planning figure as "4 instances (ceil(600 / 150) = 4)", or "not measured: <why>". */
export function planFigure(f: PlanFigure | undefined, digits = 3): string {
  if (!f) return NO_PLANNING;
  if (f.value === null) return f.note?.startsWith("not measured") ? f.note : `not measured: ${f.note ?? "an input was not measured"}`;
  const unit = f.unit === "%" ? "%" : f.unit ? ` ${f.unit}` : "";
  return `${formatNumber(f.value, digits)}${unit} (${f.worked})`;
}

const money = (v: number, currency: string): string => `${currency === "USD" ? "$" : `${currency} `}${Math.round(v).toLocaleString("en-US")}`;
const size = (s: InstanceSize, currency: string): string => `${s.type} (${s.vcpus} vCPU, ${formatNumber(s.memoryGb, 3)} GB, ${money(s.monthlyPrice, currency)}/month)`;
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function resource(a: RunAnalysis | undefined, id: string): number | undefined {
  return a?.resources.find((r) => r.metric === id && r.max !== undefined)?.max;
}

/** "baseline 12 ms · peak 40 ms · sustained 15 ms" over the load-level tests that ran. */
function perTest(model: PlanReportModel, fmt: (run: NonNullable<ReturnType<typeof findRun>>) => string | undefined): string {
  const parts: string[] = [];
  for (const p of ["baseline", "peak", "sustained"]) {
    const run = findRun(model, p);
    const v = run ? fmt(run) : undefined;
    if (v !== undefined) parts.push(`${p} ${v}`);
  }
  return parts.length ? parts.join(" · ") : "not measured: no baseline, peak or sustained run";
}

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

function infrastructureSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  const p = model.planning;
  const i = p?.infrastructure;
  const cur = i?.currency ?? "USD";
  const tested = model.environment.appInstances !== undefined ? `; the tests ran against ${model.environment.appInstances} instance(s)` : "";
  const fromModel = "infrastructure model";
  const maxConn = a?.components.database.maxConnections;
  const policy = a?.cache.policy;
  return [
    "## Current Infrastructure",
    "",
    "### Application Tier",
    `- **Instances**: ${i ? `${i.app.minInstances} minimum, ${i.app.maxInstances} maximum (${fromModel}${tested})` : NO_PLANNING}`,
    `- **Instance Type**: ${i ? size(i.app.size, cur) : NO_PLANNING}`,
    `- **CPU**: ${i ? `${i.app.size.vcpus} cores per instance (${fromModel})` : NO_PLANNING}`,
    `- **Memory**: ${i ? `${formatNumber(i.app.size.memoryGb, 3)} GB per instance (${fromModel})` : NO_PLANNING}`,
    `- **Workers**: ${i ? `${i.app.workersPerInstance} per instance (${fromModel}; usable cores ${planFigure(p?.growth.perInstance.usableCores)})` : NO_PLANNING}`,
    "",
    "### Database Tier",
    `- **Type**: PostgreSQL${model.environment.versions.postgres ? ` ${model.environment.versions.postgres} (tested)` : ""}`,
    `- **Instance Type**: ${i ? size(i.database.size, cur) : NO_PLANNING}`,
    `- **Connection Pool**: 20-50 connections per app instance${i ? ` (infrastructure model: ${i.database.poolPerInstance})` : ""}${a?.components.database.poolSize !== undefined ? `; the tested API's pool ${a.components.database.poolSize}, at most ${a.components.database.poolMaxInUse ?? "an unknown number"} in use` : ""}`,
    `- **Max Connections**: ${maxConn !== undefined ? `${formatInt(maxConn)} (measured: telemetry postgres.max_connections)` : i ? `${i.database.maxConnections} (${fromModel}; not measured: no PostgreSQL telemetry)` : NO_PLANNING} (PostgreSQL default: 100)`,
    `- **Read Replicas**: ${i ? `${i.database.replicas} (${fromModel}, up to ${i.database.maxReplicas}); ${p!.current.replicas.recommendation}` : NO_PLANNING}`,
    "",
    "### Cache Tier",
    `- **Type**: Redis${model.environment.versions.redis ? ` ${model.environment.versions.redis} (tested)` : ""}`,
    `- **Instance Type**: ${i ? size(i.cache.size, cur) : NO_PLANNING}`,
    `- **Memory**: ${i ? `${formatNumber(i.cache.size.memoryGb, 3)} GB (${fromModel})` : NO_PLANNING}`,
    `- **Eviction Policy**: ${policy ?? i?.cache.evictionPolicy ?? "allkeys-lru"}${policy ? " (measured: Redis maxmemory_policy)" : " (configured; not measured: no Redis telemetry)"}`,
    "",
    "### Load Balancer",
    `- **Type**: ${i ? `${i.loadBalancer.type} (${fromModel}; the lab runs without one)` : NO_PLANNING}`,
    `- **Health Check**: ${i?.loadBalancer.healthCheckPath ?? "/health"} endpoint`,
    `- **Timeout**: ${i?.loadBalancer.timeoutSec ?? 30}s`,
    "",
  ];
}

function environmentSection(model: PlanReportModel): string[] {
  const e = model.environment;
  const m = e.machine;
  const durations = model.runs.map((r) => `${r.profile} ${formatDuration(r.report.summary.durationSec)}`).join(", ");
  return [
    "### Test Environment",
    `- **Date**: ${e.date}`,
    `- **Environment**: ${e.environment}`,
    `- **Test Tool**: headroom ${e.versions.headroom ?? ""} (\`${e.command}\`): ${e.suite ? `the suite \`${e.suite}\`` : "the MueJam suite of `apps/backend/tests/load_tests/` with the intended user mix"}`.replace("headroom  (", "headroom ("),
    `- **Test Duration**: ${durations || "not measured: no test ran"}${e.scale !== 1 ? ` (scale factor ${e.scale}: users and durations multiplied by it; \`headroom plan --full\` runs the template's values)` : " (the template's durations, scale 1)"}`,
    `- **Machine**: ${m.hostname}, ${m.cpus} × ${m.cpuModel}, ${formatBytes(m.memBytes)} RAM, ${m.platform} ${m.release} ${m.arch}${e.targetMachine ? `; platform on ${e.targetMachine.hostname} (${e.targetMachine.cpus} × ${e.targetMachine.cpuModel})` : "; load generator and platform share it"}`,
    `- **Versions**: ${Object.entries(e.versions).map(([k, v]) => `${k} ${v}`).join(", ") || "not recorded"}`,
    `- **Scale Factor**: ${e.scale}`,
    `- **Target**: ${e.target}`,
    ...(e.notes ?? []).map((n) => `- ${n}`),
    "",
  ];
}

function capacityRow(label: string, f: CapacityFigure | undefined, unit: string): string[] {
  if (!f) return [label, "not measured: no capacity analysis over the suite's load levels", "n/a"];
  const value = f.value === null ? `not reached in the tested range (${f.reason})` : `${unit === "users" ? formatInt(f.value) : formatNumber(f.value, 4)} ${unit} (${f.formula})`;
  return [label, value, `${cap(f.confidence)}: ${f.reason}`];
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
    !c ? capacityRow("Max Requests/Second", undefined, "req/s") : ["Max Requests/Second", headlineOf(model).ceiling.text, `${cap(headlineOf(model).ceiling.confidence)}: ${headlineOf(model).ceiling.lowerBound ? "a lower bound: throughput had not levelled off" : "throughput levelled off"}`],
    !bp ? ["Breaking Point", "not measured: no capacity analysis over the suite's load levels", "n/a"] : ["Breaking Point", bp.users !== null ? `${formatBreakUsers(bp.users, bp.lastGood)} users (${bp.limit})` : bp.rps !== null ? `${formatNumber(bp.rps, 4)} req/s (${bp.limit})` : notReached(bp.reason), `${cap(bp.confidence)}: ${bp.reason}`],
    !cf ? ["Comfortable Capacity", "not measured: no capacity analysis over the suite's load levels", "n/a"] : ["Comfortable Capacity", cf.users !== null ? `${formatInt(cf.users)} users (${formatPct(cf.fraction * 100)}% of ${cf.basis ?? "the breaking point"})` : `not measured: ${cf.reason}`, `${cap(cf.confidence)}: ${cf.reason}`],
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

function replayLine(r: AutoscaleResult, label: string, period: string): string {
  const ups = r.actions.filter((x) => x.direction === "up").length;
  return `- Replay of the ${label} policy over a day at the ${period} peak: ${r.actions.length} scaling actions (${ups} up), ${r.peakInstances} instances at most, ${r.minutesOverSlo} minutes over the SLO, ${r.flaps} flaps, ${formatNumber(r.instanceHours, 4)} instance-hours`;
}

/**
 * The planning capacity of one instance with its three terms named, and what each rests on: the
 * CPU term extrapolated past the load measured, the SLO term a lower bound when the break was only
 * bracketed (or not reached), the comfortable term the plan's share of it.
 */
function perInstanceText(p: CapacityPlanning | undefined, c: CapacityAnalysis | undefined): string {
  const f = p?.growth.perInstance.planningRps;
  if (!f || f.value === null) return planFigure(f);
  const pi = p!.growth.perInstance;
  const num = (k: string): number | undefined => (typeof f.inputs[k] === "number" ? (f.inputs[k] as number) : undefined);
  const terms: [string, number | undefined, string | undefined][] = [
    [`at the ${p!.infrastructure.app.targetCpuPct}% target CPU`, num("rps_at_target_cpu"), pi.rpsAtTargetCpu.note],
    ["at the comfortable capacity", num("comfortable_rps_per_instance"), c?.comfortable.basis && fromAnalysis(num("comfortable_rps_per_instance"), p!.inputs.measuredInstances, c.comfortable.rps) ? `${formatPct(c.comfortable.fraction * 100)}% of ${c.comfortable.basis}` : undefined],
    ["the most that met the SLO", num("max_rps_per_instance"), fromAnalysis(num("max_rps_per_instance"), p!.inputs.measuredInstances, c?.sloCapacity?.rps ?? c?.maxRps.value) ? sloTermNote(c) : undefined],
  ];
  const known = terms.filter((t) => t[1] !== undefined);
  const rps = (v: number): string => `${formatNumber(v, 4)} req/s`;
  const named = known.map(([what, v, note]) => `${rps(v!)} ${what}${note ? ` (${note})` : ""}`);
  return `${rps(f.value)}, the smallest of: ${named.join("; ")}${f.note ? `; ${f.note}` : ""}`;
}

/** Whether a per-instance term is the capacity analysis' figure `whole` (not one given in an inputs file). */
function fromAnalysis(perInstance: number | undefined, instances: number | undefined, whole: number | null | undefined): boolean {
  return perInstance !== undefined && whole != null && whole > 0 && Math.abs(perInstance * (instances ?? 1) - whole) <= whole * 0.01;
}

/** The SLO term is a lower bound when the break lies above the last good step, or was not reached. */
function sloTermNote(c: CapacityAnalysis | undefined): string | undefined {
  const bp = c?.breakingPoint;
  if (!bp) return undefined;
  if (bp.users === null && bp.rps === null) return "a lower bound: no step broke the SLO";
  if (bp.users !== null && bp.lastGood !== undefined && bp.users > bp.lastGood * 1.25) return `a lower bound: the break lies between ${formatInt(bp.lastGood)} and ${formatInt(bp.users)} users`;
  return undefined;
}

/** What the replays show about the policies themselves (CPU rules that act after the SLO broke, max too low), once. */
function replayAdvice(p: CapacityPlanning | undefined): string[] {
  if (!p?.autoscale) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of [p.autoscale.step, p.autoscale.target]) {
    for (const a of r.advice) {
      if (seen.has(a)) continue;
      seen.add(a);
      out.push(`- Replay finding (${r.policy === "step" ? "step" : "target-tracking"} policy): ${a}`);
    }
  }
  return out;
}

/** The replayed step policy's peak, and when it spent minutes over the SLO, that it fell short of the projection. */
function autoscaleTodo(p: CapacityPlanning): string {
  const r = p.autoscale!.step;
  const period = p.autoscale!.period;
  if (r.minutesOverSlo === 0) return `the replayed step policy needs up to ${r.peakInstances} instances at the ${period} peak`;
  const row = p.growth.rows.find((x) => x.period === period);
  const needs = row?.appInstances.value != null ? `, where the projection needs ${formatInt(row.appInstances.value)}` : "";
  return `the replayed step policy reached ${r.peakInstances} instances at the ${period} peak${needs}, and spent ${formatInt(r.minutesOverSlo)} minutes of the day over the SLO: scale on what limits the platform (see the replay findings under Scaling Strategy)`;
}

function scalingSection(p: CapacityPlanning | undefined, charts: PlanCharts | undefined, capacity?: CapacityAnalysis): string[] {
  const i = p?.infrastructure;
  const cur = i?.currency ?? "USD";
  const rows = p?.growth.rows ?? [];
  const needed = rows.length ? rows[rows.length - 1]! : undefined;
  const maxLine = i ? `${i.app.maxInstances} (infrastructure model)${needed ? `; the ${needed.period} projection needs ${planFigure(needed.appInstances)}${needed.exceedsMaxInstances ? " — MORE than the maximum" : ""}` : ""}` : NO_PLANNING;
  const replay = p?.autoscale ? [replayLine(p.autoscale.step, "step", p.autoscale.period), replayLine(p.autoscale.target, "target-tracking", p.autoscale.period)] : [`- Autoscaling replay: ${p ? "not measured: CPU per request was not measured, so the replay could not model instance load" : NO_PLANNING}`];
  const up = i?.app.upgradePath ?? [];
  const budget = p?.current.connectionBudget;
  const replicas = p?.current.replicas;
  const cache = p?.current.cache;
  return [
    "## Scaling Strategy",
    "",
    "### Horizontal Scaling (Add More Instances)",
    "",
    "**When to Scale**:",
    "- CPU > 70% sustained",
    "- Memory > 80%",
    "- Request queue growing",
    "- P95 latency > 500ms",
    "",
    "**Scaling Targets**:",
    `- Min instances: ${i?.app.minInstances ?? 2} (for HA)`,
    `- Max instances: ${maxLine}`,
    "- Target CPU: 60%",
    "- Scale up: +1 instance when CPU > 70% for 5 minutes",
    "- Scale down: -1 instance when CPU < 40% for 10 minutes",
    `- Capacity per instance: ${perInstanceText(p, capacity)}`,
    ...replay,
    ...replayAdvice(p),
    "",
    ...chartMarkdown(charts?.autoscale),
    "**Considerations**:",
    "- Session management (use Redis for sessions)",
    "- Cache consistency (use Redis for shared cache)",
    "- Database connections (monitor pool utilization)",
    "- Cost vs performance tradeoff",
    "",
    "### Vertical Scaling (Bigger Instances)",
    "",
    "**When to Scale**:",
    "- Horizontal scaling not effective",
    "- Memory-bound workload",
    "- Single-threaded bottleneck",
    "",
    "**Upgrade Path**:",
    `1. Current: ${i ? `${size(i.app.size, cur)}; ${planFigure(p!.growth.perInstance.planningRps, 4).replace(/ \(.*$/, "")} per instance (see Capacity per instance)` : NO_PLANNING}`,
    `2. Next tier: ${up[0] ? size(up[0], cur) : i ? "none configured in the infrastructure model" : NO_PLANNING}`,
    `3. Max tier: ${up.length ? size(up[up.length - 1]!, cur) : i ? "none configured in the infrastructure model" : NO_PLANNING}`,
    "",
    "### Database Scaling",
    "",
    "**Read Replicas**:",
    "- When: Read queries > 70% of traffic",
    "- Setup: 1-2 read replicas",
    "- Routing: Use database router for read/write split",
    "- Lag monitoring: < 1 second",
    `- Measured: ${replicas ? `reads are ${replicas.readShare.value !== null ? replicas.readShare.worked : planFigure(replicas.readShare)}; replicas needed ${planFigure(replicas.replicasNeeded).replace(/^1 replicas\b/, "1 replica")}; ${replicas.recommendation}` : NO_PLANNING}`,
    "",
    "**Connection Pooling**:",
    "- Use pgbouncer for connection pooling",
    "- Pool mode: transaction",
    "- Max client connections: 1000",
    "- Default pool size: 25 per instance",
    `- Connection budget: ${budget ? `${planFigure(budget.available)} available; without pgbouncer at most ${planFigure(budget.maxInstancesDirect)}; pgbouncer needed from ${planFigure(budget.pgbouncerAtInstances)}` : NO_PLANNING}`,
    "",
    "**Sharding** (Future):",
    "- When: Single database can't handle load",
    "- Strategy: Shard by user_id or tenant_id",
    "- Complexity: High",
    "",
    "### Cache Scaling",
    "",
    "**Vertical Scaling**:",
    "- Increase Redis memory",
    "- Monitor eviction rate",
    "- Target: < 1% eviction rate",
    `- Measured: ${cache ? `eviction rate ${planFigure(cache.evictionPct)}; memory use ${planFigure(cache.memoryUsePct)}` : NO_PLANNING}`,
    "",
    "**Horizontal Scaling** (Redis Cluster):",
    "- When: Single Redis instance insufficient",
    "- Setup: Redis Cluster with multiple nodes",
    "- Sharding: Automatic by Redis Cluster",
    "- Complexity: Medium",
    `- Cluster due: ${cache ? (cache.clusterDue === null ? "not measured: the working set or command rate was not measured" : cache.clusterDue ? "yes" : "no") + `; ${cache.recommendation}` : NO_PLANNING}`,
    "",
  ];
}

function targetsSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  const ms = (k: "p50" | "p95" | "p99") => perTest(model, (r) => `${formatMs(r.report.summary.latencyMs[k])} ms`);
  const errPct = perTest(model, (r) => `${formatPct(r.report.summary.requests.total ? (r.report.summary.requests.failed / r.report.summary.requests.total) * 100 : 0)}%`);
  const toPct = perTest(model, (r) => `${formatPct(r.report.summary.requests.total ? ((r.report.summary.errors.timeout ?? 0) / r.report.summary.requests.total) * 100 : 0)}%`);
  // The rate the throughput target was judged on (the steady window), else the whole run's, named either way.
  const rps = perTest(model, (r) => {
    const steady = steadyThroughput(r.report);
    return steady ? `${formatNumber(steady.value, 4)} req/s (steady window${steady.window ? `, ${steady.window}` : ""})` : `${formatNumber(r.report.summary.requests.ratePerSec, 4)} req/s at ${formatInt(r.report.summary.peakUsers)} users (whole run)`;
  });
  const users = model.capacity?.maxUsers.value != null ? `${formatInt(model.capacity.maxUsers.value)} users (capacity analysis)` : `not measured: ${model.capacity ? model.capacity.maxUsers.reason : "no capacity analysis"}`;
  const peak = heaviestRun(model)?.profile ?? "heaviest";
  const res = (id: string, what: string): string => {
    const v = resource(a, id);
    return v !== undefined ? `${formatPct(v)}% max (${peak} test, ${what})` : `not measured: no ${what} telemetry`;
  };
  return [
    "## Performance Targets",
    "",
    "### Response Time Targets",
    "",
    mdTable(["Percentile", "Target", "Acceptable", "Unacceptable", "Measured"], [["P50", "< 200ms", "< 500ms", "> 500ms", ms("p50")], ["P95", "< 500ms", "< 1000ms", "> 1000ms", ms("p95")], ["P99", "< 1000ms", "< 2000ms", "> 2000ms", ms("p99")]]),
    "",
    "### Throughput Targets",
    "",
    mdTable(["Metric", "Target", "Acceptable", "Unacceptable", "Measured"], [["Requests/Second", "> 100", "> 50", "< 50", rps], ["Concurrent Users", "> 500", "> 200", "< 100", users]]),
    "",
    "### Error Rate Targets",
    "",
    mdTable(["Metric", "Target", "Acceptable", "Unacceptable", "Measured"], [["Error Rate", "< 0.1%", "< 1%", "> 5%", errPct], ["Timeout Rate", "< 0.1%", "< 0.5%", "> 1%", toPct]]),
    "",
    "### Resource Utilization Targets",
    "",
    mdTable(
      ["Resource", "Target", "Warning", "Critical", "Measured"],
      [
        ["CPU", "< 60%", "70-80%", "> 80%", `${res("host.cpuPct", "host CPU")}; app ${res("app.cpuPct", "app process CPU, % of one core")}`],
        ["Memory", "< 70%", "80-90%", "> 90%", res("host.memUsedPct", "host memory")],
        ["Disk", "< 70%", "80-90%", "> 90%", res("host.diskUsedPct", "disk")],
        ["DB Connections", "< 60%", "70-80%", "> 80%", res("db.connectionsPct", "PostgreSQL connections, % of max_connections")],
      ],
    ),
    "",
  ];
}

function growthSection(p: CapacityPlanning | undefined): string[] {
  const names = ["Launch", "3 months", "6 months", "1 year"];
  const rows = p?.growth.rows ?? [];
  const growth = rows.length
    ? rows.map((r) => [r.period, `${formatInt(r.expectedUsers)} (assumed: infrastructure model growth)`, planFigure(r.peakConcurrent), `${r.infrastructure}; app instances ${planFigure(r.appInstances)}${r.exceedsMaxInstances ? " (exceeds the configured maximum)" : ""}`])
    : names.map((n) => [n, NO_PLANNING, NO_PLANNING, NO_PLANNING]);
  const cur = p?.infrastructure.currency ?? "USD";
  const costs = p?.growth.costs.length
    ? p.growth.costs.map((c) => [c.period, c.monthly.value !== null ? `${money(c.monthly.value, cur)}/month` : planFigure(c.monthly), `${c.notes}${c.notes ? "; " : ""}${c.lines.map((l) => `${l.quantity} × ${l.item} at ${money(l.unitMonthlyPrice, cur)}`).join(" + ")}`])
    : names.map((n) => [n, NO_PLANNING, NO_PLANNING]);
  const runsOut = p ? [`When the configured setup runs out: ${p.growth.runsOut.month !== null ? `month ${p.growth.runsOut.month} (${p.growth.runsOut.limit})` : `not within ${p.growth.runsOut.horizonMonths} months`}.${p.growth.missing.length ? ` Missing inputs: ${p.growth.missing.join("; ")}.` : ""}`, ""] : [];
  return [
    "## Growth Projections",
    "",
    "### User Growth",
    "",
    mdTable(["Timeframe", "Expected Users", "Peak Concurrent", "Infrastructure Needed"], growth),
    "",
    ...runsOut,
    "### Cost Projections",
    "",
    mdTable(["Timeframe", "Infrastructure Cost", "Notes"], costs),
    "",
    ...(p ? [`Prices are assumptions of the infrastructure model: ${p.infrastructure.assumptions[0] ?? "see the model"}`, ""] : []),
  ];
}

function monitoringSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  const run = heaviestRun(model);
  const s = run?.report.summary;
  const peak = run?.profile ?? "heaviest";
  const res = (id: string): string => {
    const v = resource(a, id);
    return v !== undefined ? `${formatPct(v)}%` : "not measured: no telemetry";
  };
  const docs = model.documents;
  return [
    "## Monitoring and Alerts",
    "",
    "### Key Metrics to Monitor",
    "",
    "1. **Application Metrics**:",
    "   - Request rate",
    "   - Response time (P50, P95, P99)",
    "   - Error rate",
    "   - Active connections",
    "",
    "2. **Database Metrics**:",
    "   - Connection pool utilization",
    "   - Query latency",
    "   - Slow queries",
    "   - Replication lag (if using replicas)",
    "",
    "3. **Cache Metrics**:",
    "   - Hit rate",
    "   - Miss rate",
    "   - Memory utilization",
    "   - Eviction rate",
    "",
    "4. **System Metrics**:",
    "   - CPU utilization",
    "   - Memory utilization",
    "   - Disk I/O",
    "   - Network I/O",
    "",
    `Generated from these thresholds: ${docs?.grafanaDashboard ? `Grafana dashboard \`${docs.grafanaDashboard}\`` : "a Grafana dashboard (not generated in this run)"} and ${docs?.alertRules ? `Prometheus alert rules \`${docs.alertRules}\`` : "Prometheus alert rules (not generated in this run)"}.`,
    "",
    "### Alert Thresholds",
    "",
    mdTable(
      ["Metric", "Warning", "Critical", `Measured (${peak} test)`],
      [
        ["P95 Latency", "> 500ms", "> 1000ms", s ? `${formatMs(s.latencyMs.p95)} ms` : "not measured: no run"],
        ["Error Rate", "> 1%", "> 5%", s ? `${formatPct(s.requests.total ? (s.requests.failed / s.requests.total) * 100 : 0)}%` : "not measured: no run"],
        ["CPU", "> 70%", "> 85%", `host ${res("host.cpuPct")}, app ${res("app.cpuPct")} of one core`],
        ["Memory", "> 80%", "> 90%", `host ${res("host.memUsedPct")}`],
        ["DB Connections", "> 70%", "> 85%", res("db.connectionsPct")],
        ["Cache Hit Rate", "< 80%", "< 60%", a?.cache.hitPct !== undefined ? `${formatPct(a.cache.hitPct)}%` : `not measured: ${a?.cache.reason ?? "no run was analysed"}`],
      ],
    ),
    "",
  ];
}

function optimizationSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  const p = model.planning;
  const box = (done: boolean, text: string, note: string): string => `- [${done ? "x" : " "}] ${text}: ${note}`;
  const baseline = findRun(model, "baseline");
  // The plan's one ranking (headline.ts): what gave way at the breaking point first, then the tests'.
  const h = headlineOf(model);
  const all = h.bottlenecks.map((r) => r.bottleneck);
  const primary = h.bottlenecks.find((r) => r.rank === "primary");
  const primaryText = primary ? `${primary.bottleneck.componentLabel} (${primary.seenIn})` : "";
  const slow = a?.components.database.slowQueries;
  const replicas = p?.current.replicas;
  return [
    "## Optimization Recommendations",
    "",
    "### Immediate (P0)",
    box(!!baseline, "Run baseline load tests", baseline ? `done on ${model.environment.date} (${formatInt(baseline.report.summary.requests.total)} requests)` : "the suite did not run the baseline profile"),
    box(analyses(model).length > 0, "Identify bottlenecks", all.length ? `${new Set(all.map((b) => b.kind)).size} kinds found; primary: ${primaryText || "none"}` : analyses(model).length ? "none found in the tested range" : "not measured: no run was analysed"),
    box(false, "Fix critical performance issues", primary ? h.firstAction : "no critical issue found in the tested range"),
    box(true, "Document current capacity", "this document"),
    "",
    "### Short-term (P1)",
    box(false, "Implement auto-scaling", p?.autoscale ? autoscaleTodo(p) : "see Scaling Strategy"),
    box(false, "Set up monitoring dashboards", model.documents?.grafanaDashboard ? `import \`${model.documents.grafanaDashboard}\`` : "no dashboard generated in this run"),
    box(false, "Configure alerts", model.documents?.alertRules ? `load \`${model.documents.alertRules}\` into Prometheus` : "no alert rules generated in this run"),
    box(false, "Optimize slow queries", slow !== undefined ? `${formatInt(slow)} statements over 1 s in the ${heaviestRun(model)?.profile ?? "heaviest"} test` : "not measured: no PostgreSQL telemetry"),
    "",
    "### Medium-term (P2)",
    box(false, "Implement read replicas", replicas ? replicas.recommendation : NO_PLANNING),
    box(false, "Optimize cache strategy", a ? `${a.cache.reason}${a.cache.hitPct !== undefined ? ` (${heaviestRun(model)?.profile ?? "heaviest"} test${a.run.loadLevel !== "normal" ? `, judged against the ${a.run.loadLevel} load level's target` : ""})` : ""}` : "not measured: no run was analysed"),
    box(false, "Add CDN for static assets", "not measured: the load tests call the API only"),
    box(false, "Implement query result caching", a?.components.database.meanQueryMs !== undefined ? `mean statement time ${formatMs(a.components.database.meanQueryMs)} ms` : "not measured: no PostgreSQL query timings"),
    "",
    "### Long-term (P3)",
    box(false, "Consider database sharding", p ? `connection budget and replicas ${p.growth.runsOut.limits.some((l) => /database|connection|replica/i.test(l.limit) && l.month !== null) ? "run out within the horizon" : "suffice within the horizon"}` : NO_PLANNING),
    box(false, "Implement Redis Cluster", p ? (p.current.cache.clusterDue === null ? "not measured: working set or command rate unknown" : p.current.cache.clusterDue ? "due: no single node fits" : "not needed at the measured load") : NO_PLANNING),
    box(false, "Optimize data model", "not measured: a design question the load tests do not answer"),
    box(false, "Consider microservices architecture", "not measured: a design question the load tests do not answer"),
    "",
  ];
}

const SCHEDULE = [
  "## Testing Schedule",
  "",
  "### Regular Load Testing",
  "- **Frequency**: Weekly in staging",
  "- **Duration**: 30 minutes",
  "- **Users**: 200 concurrent",
  "- **Purpose**: Regression testing, capacity validation",
  "- **Gate**: `headroom compare <last week's run> <this run> --max-regression 10%` exits 100 on a significant regression",
  "",
  "### Quarterly Capacity Testing",
  "- **Frequency**: Quarterly",
  "- **Duration**: 2 hours",
  "- **Users**: 2x expected peak load",
  "- **Purpose**: Validate scaling strategy, identify new bottlenecks",
  "",
  "### Pre-Launch Testing",
  "- **Timing**: 1 week before major releases",
  "- **Duration**: 4 hours",
  "- **Users**: 5x expected peak load",
  "- **Purpose**: Ensure system can handle launch traffic",
  "",
  "## Incident Response",
  "",
  "### Performance Degradation",
  "1. Check monitoring dashboards",
  "2. Identify bottleneck (CPU, memory, database, cache)",
  "3. Scale horizontally if possible",
  "4. Investigate root cause",
  "5. Implement fix",
  "6. Document incident",
  "",
  "Runbook: `docs/operations/runbooks/performance-degradation.md`.",
  "",
  "### Capacity Exceeded",
  "1. Enable auto-scaling immediately",
  "2. Add instances manually if needed",
  "3. Implement rate limiting if not already active",
  "4. Communicate with users if necessary",
  "5. Plan for capacity increase",
  "",
  "Runbook: `docs/operations/runbooks/capacity-exceeded.md`.",
  "",
];

export function renderCapacityPlan(model: PlanReportModel): string {
  const a = heaviestRun(model)?.report.analysis;
  const docs = model.documents;
  const date = model.environment.date.slice(0, 10);
  return [
    "# Capacity Planning and Load Test Results",
    "",
    ...headlineMarkdown(headlineOf(model)),
    "## Overview",
    "",
    `This document tracks capacity limits, load test results, and scaling strategies for the ${model.platform} platform.`,
    "",
    `Generated by headroom on ${model.environment.date} with \`${model.environment.command}\`${model.environment.scale !== 1 ? ` at scale ${model.environment.scale}` : ""}. Every figure is measured (its source is named), derived (its formula is worked out), taken from the infrastructure model (an assumption, marked as such) or marked "not measured" with the reason.`,
    "",
    ...infrastructureSection(model, a),
    "## Load Test Results",
    "",
    ...environmentSection(model),
    ...loadTestSections(model),
    "## Capacity Limits",
    "",
    ...capacitySection(model),
    ...chartMarkdown(model.charts?.capacity),
    ...chartMarkdown(model.charts?.degradation),
    ...bottleneckSection(model, a),
    ...scalingSection(model.planning, model.charts, model.capacity),
    ...targetsSection(model, a),
    ...growthSection(model.planning),
    ...monitoringSection(model, a),
    ...optimizationSection(model, a),
    ...SCHEDULE,
    ...failureIncidentLines(model),
    "## References",
    "",
    `- Load test scripts: \`${model.environment.suite ?? "apps/backend/tests/load_tests/"}\``,
    `- Monitoring dashboards: ${docs?.grafanaDashboard ? `\`${docs.grafanaDashboard}\` (generated by headroom)` : "not measured: no dashboard was generated with this plan"}`,
    "- Runbooks: `docs/operations/runbooks/`",
    "- Architecture docs: `docs/architecture/`",
    ...(docs?.performanceSummary ? [`- Performance metrics summary: \`${docs.performanceSummary}\``] : []),
    ...model.runs.filter((r) => r.files?.md).map((r) => `- ${r.profile} test results: \`${r.files!.md}\``),
    ...(docs?.html ? [`- HTML report: \`${docs.html}\``] : []),
    "",
    "## Changelog",
    "",
    mdTable(["Date", "Change", "Author"], [[date, `Initial capacity planning document: figures measured by the MueJam suite${model.environment.scale !== 1 ? ` at scale ${model.environment.scale}` : ""}`, model.author ?? `headroom plan (headroom ${model.environment.versions.headroom ?? ""})`.replace(" )", ")")]]),
    "",
  ].join("\n");
}
