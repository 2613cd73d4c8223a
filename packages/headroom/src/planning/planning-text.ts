// Plain-text views of planning results for the terminal (`headroom scale ...`): a compact chart
// of instances over the replayed day, and the growth, cost and database/cache tables with the
// formula of each figure. Returns strings; the CLI prints them.
import { fmt } from "./figure.js";
import type { AutoscaleResult, CachePlan, CapacityPlanning, ConnectionBudget, GrowthPlan, InfrastructureModel, PlanFigure, ReplicaPlan } from "./types.js";

const SPARK = "▁▂▃▄▅▆▇█";

function buckets<T>(xs: T[], columns: number): T[][] {
  const n = Math.max(1, Math.min(columns, xs.length));
  const out: T[][] = Array.from({ length: n }, () => []);
  xs.forEach((x, i) => out[Math.min(n - 1, Math.floor((i * n) / xs.length))]!.push(x));
  return out;
}

/** Instances over time as bars (one column per bucket of minutes), RPS as a sparkline, "!" where a minute was over the SLO. */
export function instancesChart(r: AutoscaleResult, opts: { columns?: number; maxRows?: number } = {}): string {
  if (r.minutes.length === 0) return "(no minutes replayed)\n";
  const cols = buckets(r.minutes, opts.columns ?? 72);
  const perCol = r.minutes.length / cols.length;
  const inst = cols.map((c) => Math.max(...c.map((m) => m.instances)));
  const top = Math.max(...inst);
  const rows = Math.min(top, opts.maxRows ?? 12);
  const unit = top / rows;
  const lines: string[] = [`instances (each column = ${fmt(perCol, 1)} min; bar = most instances serving in it)`];
  const w = String(top).length;
  for (let row = rows; row >= 1; row--) {
    const level = row * unit;
    lines.push(`${String(Math.round(level)).padStart(w)} |${inst.map((v) => (v >= level - 1e-9 ? "█" : " ")).join("")}`);
  }
  lines.push(`${" ".repeat(w)} +${"-".repeat(cols.length)}`);
  const day = r.minutes.length === 1440;
  const axis = Array.from({ length: cols.length }, () => " ");
  const tickEvery = Math.max(1, Math.round(cols.length / 8));
  for (let c = 0; c < cols.length; c += tickEvery) {
    const minute = cols[c]![0]!.minute;
    const label = day ? `${String(Math.floor(minute / 60)).padStart(2, "0")}h` : `${minute}m`;
    for (let i = 0; i < label.length && c + i < axis.length; i++) axis[c + i] = label[i]!;
  }
  lines.push(`${" ".repeat(w)}  ${axis.join("")}`);
  const rps = cols.map((c) => c.reduce((s, m) => s + m.rps, 0) / c.length);
  const maxRps = Math.max(...rps);
  lines.push(`${"rps".padStart(w)}  ${rps.map((v) => SPARK[maxRps > 0 ? Math.min(7, Math.floor((v / maxRps) * 7.999)) : 0]).join("")}  (busiest minute ${fmt(Math.max(...r.minutes.map((m) => m.rps)), 0)} req/s)`);
  if (r.minutesOverSlo > 0) lines.push(`${"slo".padStart(w)}  ${cols.map((c) => (c.some((m) => m.overSlo) ? "!" : " ")).join("")}  (! = a minute over the SLO)`);
  return lines.join("\n") + "\n";
}

export function autoscaleSummaryText(r: AutoscaleResult): string {
  const ups = r.actions.filter((a) => a.direction === "up").length;
  const days = r.minutes.length / 1440;
  const avg = r.minutes.length > 0 ? r.instanceHours / (r.minutes.length / 60) : 0;
  const lines = [
    `instance-hours     ${fmt(r.instanceHours)} (average ${fmt(avg)} instances${days === 1 ? ", one day" : ""}); serving peak ${r.peakInstances}, low ${r.minInstancesSeen}`,
    `scaling actions    ${r.actions.length} (${ups} up, ${r.actions.length - ups} down); flaps ${r.flaps} (a reversal within ${r.flapWindowMin} min)`,
    `over the SLO       ${r.minutesOverSlo} min${r.minutesOverSlo > 0 ? ` (${r.minutesOverSloAtMax} of them at max instances, ${r.minutesOverSlo - r.minutesOverSloAtMax} while scaling lagged)` : ""}`,
  ];
  if (r.sloNote) lines.push(`                   ${r.sloNote}`);
  for (const a of r.advice) lines.push(`advice             ${a}`);
  return lines.join("\n") + "\n";
}

export function connectionBudgetText(b: ConnectionBudget): string {
  return [
    `connections available  ${b.available.worked}`,
    `demand at ${b.instances} instances  ${b.demand.worked}; headroom ${b.headroom.value}${b.needsPgbouncer ? " -> over budget: pgbouncer needed" : ""}`,
    `pgbouncer needed from  ${b.pgbouncerAtInstances.value} instances (${b.pgbouncerAtInstances.worked}); with pgbouncer up to ${b.maxInstancesWithPgbouncer.value} instances (${b.maxInstancesWithPgbouncer.worked})`,
    `by pool size           ${b.byPool.map((p) => `pool ${p.pool}: ${p.maxInstancesDirect} fit, pgbouncer at ${p.pgbouncerAtInstances}`).join("; ")}`,
    `held at peak           ${b.measuredPeakPerInstance.value === null ? b.measuredPeakPerInstance.note : `${b.measuredPeakPerInstance.worked} % of the pool${/measured with a pool of \d+; the model plans \d+/.exec(b.measuredPeakPerInstance.note ?? "")?.[0]?.replace(/^/, " (").concat(")") ?? ""}`}`,
  ].join("\n") + "\n";
}

function figureCell(f: PlanFigure, digits = 0): string {
  return f.value === null ? "not measured" : fmt(f.value, digits);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

export function replicaText(r: ReplicaPlan): string {
  const share = r.readShare.value === null ? "read share not measured" : `read share ${fmt(r.readShare.value, 1)} %`;
  const statements = r.queriesPerSec.value === null ? "statements not measured" : `statements ${fmt(r.queriesPerSec.value, 0)}/s`;
  return `${share}, ${statements} -> replicas ${figureCell(r.replicasNeeded)}: ${r.recommendation}; lag target < ${r.lagTargetMs / 1000} s\n`;
}

export function cacheText(c: CachePlan): string {
  const commands = c.opsPerSec.value === null ? "commands not measured" : `commands ${fmt(c.opsPerSec.value, 0)}/s`;
  const mib = (f: PlanFigure) => (f.value === null ? "not measured" : `${fmt(f.value / 2 ** 20, 1)} MiB`);
  return `working set ${mib(c.workingSetBytes)}, memory needed ${mib(c.memoryNeededBytes)}, eviction ${c.evictionPct.value === null ? "not measured" : `${fmt(c.evictionPct.value, 3)} %`}, ${commands}: ${c.recommendation}\n`;
}

export function growthText(g: GrowthPlan, infra: InfrastructureModel): string {
  const out: string[] = [];
  const p = g.perInstance;
  out.push(`Capacity per instance (${infra.app.size.type}): ${p.usableCores.worked} usable cores; ${fmt(infra.app.targetCpuPct)} % CPU at ${figureCell(p.rpsAtTargetCpu, 1)} req/s; SLO bound ${figureCell(p.sloRps, 1)} req/s; planning uses ${figureCell(p.planningRps, 1)} req/s (${p.planningRps.worked})\n`);
  if (p.rpsAtTargetCpu.note && p.rpsAtTargetCpu.value !== null) out.push(`  note: ${fmt(infra.app.targetCpuPct)} % CPU figure ${p.rpsAtTargetCpu.note}\n`);
  out.push("User growth\n");
  out.push(
    table(
      ["Timeframe", "Expected users", "Peak concurrent", "Peak req/s", "Infrastructure needed"],
      g.rows.map((r) => [r.period, fmt(r.expectedUsers, 0), figureCell(r.peakConcurrent), figureCell(r.peakRps, 1), r.infrastructure]),
    ),
  );
  out.push("How: " + [g.rows[0]!.peakConcurrent.formula, g.rows[0]!.peakRps.formula, g.rows[0]!.appInstances.formula].join("; ") + "\n");
  for (const r of g.rows) out.push(`  ${r.period}: ${r.peakConcurrent.worked}; ${r.peakRps.worked}; instances ${r.appInstances.worked}\n`);
  out.push(`\nCost projections (${infra.currency}/month, assumed list prices: see the infrastructure model's assumptions)\n`);
  out.push(table(["Timeframe", "Infrastructure cost", "Notes"], g.costs.map((c) => [c.period, c.monthly.value === null ? "not measured" : `$${fmt(c.monthly.value)}`, c.notes])));
  for (const c of g.costs) if (c.monthly.value !== null) out.push(`  ${c.period}: ${c.lines.map((l) => `${l.item} ${fmt(l.quantity)} x ${fmt(l.unitMonthlyPrice)}`).join(" + ")} = ${fmt(c.monthly.value)}\n`);
  out.push(`\nWhen the current setup runs out (horizon ${g.runsOut.horizonMonths} months): ${g.runsOut.month === null ? "not within the horizon (or not measurable)" : `month ${g.runsOut.month}: ${g.runsOut.limit}`}\n`);
  for (const l of g.runsOut.limits) out.push(`  ${l.limit}: ${l.detail}\n`);
  if (g.missing.length > 0) out.push(`\nNot measured (figures depending on them are left out): \n${g.missing.map((m) => `  - ${m}`).join("\n")}\n`);
  return out.join("");
}

export function planningText(plan: CapacityPlanning): string {
  const out = [growthText(plan.growth, plan.infrastructure)];
  out.push(`\nDatabase at max ${plan.infrastructure.app.maxInstances} instances\n${connectionBudgetText(plan.current.connectionBudget)}`);
  for (const r of plan.growth.rows) out.push(`  ${r.period}: ${replicaText(r.replicas)}`);
  out.push(`\nCache\n`);
  for (const r of plan.growth.rows) out.push(`  ${r.period}: ${cacheText(r.cache)}`);
  if (plan.autoscale) {
    out.push(`\nAutoscaling over a day of "${plan.autoscale.period}"\n`);
    out.push(`  step policy:   ${autoscaleSummaryText(plan.autoscale.step).trim().split("\n").join("\n                 ")}\n`);
    out.push(`  target policy: ${autoscaleSummaryText(plan.autoscale.target).trim().split("\n").join("\n                 ")}\n`);
  }
  return out.join("");
}
