// Monthly cost per growth period: app instances (the average over the daily curve of a fleet sized
// each minute to the planning capacity, when peak RPS is known; else the peak count all month),
// the database primary and replicas, pgbouncer when the connection budget needs it, the cache
// node (or a Redis Cluster of the largest node), the load balancer. Prices are the infrastructure
// model's assumptions. The app tier is costed independently of a scaling policy: the replays
// (autoscale.ts) show how far real rules lag behind this ideal fleet.
import { figure, fmt, round, unknownFigure } from "./figure.js";
import { dailyTrafficCurve } from "./traffic-curve.js";
import type { CostLine, CostRow, GrowthRow, InfrastructureModel } from "./types.js";

const GIB = 1024 ** 3;
/** A Redis Cluster needs at least three primaries. */
export const MIN_CLUSTER_SHARDS = 3;

/** Average and peak of max(min_instances, ceil(rps / planning_rps_per_instance)) over the minutes of the daily curve. */
export function averageNeededInstances(infra: InfrastructureModel, peakRps: number, planningRpsPerInstance: number): { average: number; peak: number } {
  const instancesFor = (rps: number): number => Math.max(infra.app.minInstances, Math.ceil(rps / planningRpsPerInstance - 1e-9));
  const needed = dailyTrafficCurve(infra.traffic.dailyShape, peakRps).map(instancesFor);
  return { average: needed.reduce((a, b) => a + b, 0) / needed.length, peak: Math.max(...needed) };
}

function line(item: string, quantity: number, unitMonthlyPrice: number): CostLine {
  return { item, quantity: round(quantity, 2), unitMonthlyPrice, monthly: round(round(quantity, 2) * unitMonthlyPrice, 2) };
}

export function costRow(infra: InfrastructureModel, row: GrowthRow): CostRow {
  const cur = infra.currency;
  const n = row.appInstances.value;
  if (n === null) {
    return { period: row.period, month: row.month, lines: [], monthly: unknownFigure(`${cur}/month`, "sum of lines", { app_instances: null }, ["app_instances"]), notes: "app capacity not measured: no cost" };
  }
  const notes: string[] = [];
  const planRps = row.appInstances.inputs.planning_rps_per_instance;
  const avg = row.peakRps.value === null || typeof planRps !== "number" ? null : averageNeededInstances(infra, row.peakRps.value, planRps);
  const lines: CostLine[] = [];
  if (avg) {
    lines.push(line(`app ${infra.app.size.type} (average instances over the day)`, avg.average, infra.app.size.monthlyPrice));
    notes.push(`app: ${fmt(avg.average)} instances on average over the day (each minute ceil(req/s / ${fmt(planRps as number)}), min ${infra.app.minInstances}), ${n} at peak`);
  } else {
    lines.push(line(`app ${infra.app.size.type} (peak instances all month)`, n, infra.app.size.monthlyPrice));
    notes.push("app: peak instance count all month (RPS per instance or per user not measured, so no daily curve)");
  }
  lines.push(line(`PostgreSQL primary ${infra.database.size.type}`, 1, infra.database.size.monthlyPrice));
  const replicas = Math.max(infra.database.replicas, row.replicas.replicasNeeded.value ?? 0);
  if (replicas > 0) lines.push(line("PostgreSQL read replica", replicas, infra.database.replicaMonthlyPrice));
  if (row.connectionBudget.needsPgbouncer) {
    lines.push(line("pgbouncer", 1, infra.database.pgbouncer.monthlyPrice));
    notes.push(`pgbouncer: ${n} x pool ${infra.database.poolPerInstance} > ${row.connectionBudget.available.value} connections`);
  }
  if (row.cache.clusterDue) {
    const nodes = [infra.cache.size, ...infra.cache.upgradePath];
    const largest = nodes[nodes.length - 1]!;
    const byMem = row.cache.memoryNeededBytes.value === null ? 0 : Math.ceil(row.cache.memoryNeededBytes.value / (largest.memoryGb * GIB));
    const byOps = row.cache.opsPerSec.value === null ? 0 : Math.ceil(row.cache.opsPerSec.value / infra.cache.maxOpsPerSecPerNode);
    const shards = Math.max(MIN_CLUSTER_SHARDS, byMem, byOps);
    lines.push(line(`Redis Cluster shard ${largest.type}`, shards, largest.monthlyPrice));
    notes.push(`Redis Cluster: max(${MIN_CLUSTER_SHARDS}, ${byMem} by memory, ${byOps} by commands) = ${shards} shards`);
  } else {
    const node = row.cache.nodeSize ?? infra.cache.size;
    lines.push(line(`Redis ${node.type}`, 1, node.monthlyPrice));
  }
  lines.push(line(`load balancer ${infra.loadBalancer.type}`, 1, infra.loadBalancer.monthlyPrice));
  const total = round(lines.reduce((s, l) => s + l.monthly, 0), 2);
  const worked = `${lines.map((l) => `${fmt(l.quantity)} x ${fmt(l.unitMonthlyPrice)}`).join(" + ")} = ${fmt(total)}`;
  const inputsRec = Object.fromEntries(lines.map((l) => [l.item, l.monthly]));
  if (row.exceedsMaxInstances) notes.push(`needs ${n} instances, above the configured max ${infra.app.maxInstances}`);
  return { period: row.period, month: row.month, lines, monthly: figure(total, `${cur}/month`, "sum of quantity x unit monthly price", inputsRec, worked, "prices are the infrastructure model's assumptions"), notes: notes.join("; ") };
}

export function growthCosts(infra: InfrastructureModel, rows: GrowthRow[]): CostRow[] {
  return rows.map((r) => costRow(infra, r));
}
