// capacity-plan.md's "## Scaling Strategy": the seed's scaling policy kept as written, with the
// planning figures (capacity per instance, the autoscaling replay, connection budget, replicas, cache) beside it.
import type { AutoscaleResult, CapacityPlanning } from "../../planning/types.js";
import type { CapacityAnalysis } from "../../analysis/types.js";
import { chartMarkdown, type PlanCharts } from "../html/chart-files.js";
import { formatInt, formatNumber, formatPct } from "../format.js";
import { NO_PLANNING, instanceSize, planFigure } from "./plan-figure.js";

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

/** The autoscaling replay of both policies, or why it could not run. */
function replayLines(p: CapacityPlanning | undefined): string[] {
  if (!p?.autoscale) return [`- Autoscaling replay: ${p ? "not measured: CPU per request was not measured, so the replay could not model instance load" : NO_PLANNING}`];
  return [replayLine(p.autoscale.step, "step", p.autoscale.period), replayLine(p.autoscale.target, "target-tracking", p.autoscale.period)];
}

/** The maximum instances, and what the furthest growth projection needs. */
function maxInstancesText(p: CapacityPlanning | undefined): string {
  const i = p?.infrastructure;
  const rows = p?.growth.rows ?? [];
  const needed = rows.length ? rows[rows.length - 1]! : undefined;
  return i ? `${i.app.maxInstances} (infrastructure model)${needed ? `; the ${needed.period} projection needs ${planFigure(needed.appInstances)}${needed.exceedsMaxInstances ? " — MORE than the maximum" : ""}` : ""}` : NO_PLANNING;
}

function horizontalScaling(p: CapacityPlanning | undefined, charts: PlanCharts | undefined, capacity: CapacityAnalysis | undefined): string[] {
  const i = p?.infrastructure;
  const maxLine = maxInstancesText(p);
  const replay = replayLines(p);
  return [
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
  ];
}

function verticalScaling(p: CapacityPlanning | undefined): string[] {
  const i = p?.infrastructure;
  const cur = i?.currency ?? "USD";
  const up = i?.app.upgradePath ?? [];
  return [
    "### Vertical Scaling (Bigger Instances)",
    "",
    "**When to Scale**:",
    "- Horizontal scaling not effective",
    "- Memory-bound workload",
    "- Single-threaded bottleneck",
    "",
    "**Upgrade Path**:",
    `1. Current: ${i ? `${instanceSize(i.app.size, cur)}; ${planFigure(p!.growth.perInstance.planningRps, 4).replace(/ \(.*$/, "")} per instance (see Capacity per instance)` : NO_PLANNING}`,
    `2. Next tier: ${up[0] ? instanceSize(up[0], cur) : i ? "none configured in the infrastructure model" : NO_PLANNING}`,
    `3. Max tier: ${up.length ? instanceSize(up[up.length - 1]!, cur) : i ? "none configured in the infrastructure model" : NO_PLANNING}`,
    "",
  ];
}

function databaseScaling(p: CapacityPlanning | undefined): string[] {
  const budget = p?.current.connectionBudget;
  const replicas = p?.current.replicas;
  return [
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
  ];
}

function cacheScaling(p: CapacityPlanning | undefined): string[] {
  const cache = p?.current.cache;
  return [
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

export function scalingSection(p: CapacityPlanning | undefined, charts: PlanCharts | undefined, capacity?: CapacityAnalysis): string[] {
  return ["## Scaling Strategy", "", ...horizontalScaling(p, charts, capacity), ...verticalScaling(p), ...databaseScaling(p), ...cacheScaling(p)];
}
