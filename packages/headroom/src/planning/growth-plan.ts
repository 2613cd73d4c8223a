// Growth projections: for each period of the infrastructure model, the peak concurrent users, the
// load they bring, and the instances, database and cache that load needs; then month by month,
// when the current setup (as configured) runs out.
//
//   peak_concurrent = expected_users x peak_concurrency_ratio
//   peak_rps        = peak_concurrent x rps_per_active_user
//   app_instances   = max(min_instances, ceil(peak_rps / planning_rps_per_instance))
//                     (or ceil(peak_concurrent / comfortable_users_per_instance) when RPS per user was not measured)
import { cachePlan } from "./cache-plan.js";
import { connectionBudget } from "./connection-budget.js";
import { growthCosts } from "./growth-cost.js";
import { figure, fmt, unknownFigure } from "./figure.js";
import { perInstanceCapacity } from "./instance-capacity.js";
import { replicaPlan } from "./replica-plan.js";
import type { CapacityInputs, GrowthPeriod, GrowthPlan, GrowthRow, InfrastructureModel, PerInstanceCapacity, PlanFigure, RunsOut } from "./types.js";

const GIB = 1024 ** 3;

/** Expected users and peak-concurrency ratio at any month: geometric between periods, growth rate after the last. */
export function usersAtMonth(periods: GrowthPeriod[], monthlyGrowthPctAfter: number, month: number): { users: number; ratio: number } {
  const first = periods[0]!;
  if (month <= first.month) return { users: first.expectedUsers, ratio: first.peakConcurrencyRatio };
  for (let i = 0; i + 1 < periods.length; i++) {
    const a = periods[i]!;
    const b = periods[i + 1]!;
    if (month > b.month) continue;
    const f = (month - a.month) / (b.month - a.month);
    // Geometric between two positive counts (growth compounds), linear from or to zero.
    const geometric = a.expectedUsers > 0 && b.expectedUsers > 0;
    const users = geometric ? a.expectedUsers * (b.expectedUsers / a.expectedUsers) ** f : a.expectedUsers + (b.expectedUsers - a.expectedUsers) * f;
    return { users, ratio: a.peakConcurrencyRatio + (b.peakConcurrencyRatio - a.peakConcurrencyRatio) * f };
  }
  const last = periods[periods.length - 1]!;
  return { users: last.expectedUsers * (1 + monthlyGrowthPctAfter / 100) ** (month - last.month), ratio: last.peakConcurrencyRatio };
}

export interface LoadAt {
  peakConcurrent: PlanFigure;
  peakRps: PlanFigure;
  appInstances: PlanFigure;
}

/** Peak concurrent users, peak RPS and app instances for a user count. */
export function loadAt(infra: InfrastructureModel, inputs: CapacityInputs, perInstance: PerInstanceCapacity, expectedUsers: number, ratio: number): LoadAt {
  const concurrent = Math.round(expectedUsers * ratio);
  const peakConcurrent = figure(concurrent, "users", "expected_users x peak_concurrency_ratio", { expected_users: expectedUsers, peak_concurrency_ratio: ratio }, `${fmt(expectedUsers, 0)} x ${ratio} = ${fmt(concurrent, 0)}`);
  const rpu = inputs.rpsPerActiveUser;
  const peakRps =
    rpu === undefined
      ? unknownFigure("req/s", "peak_concurrent x rps_per_active_user", { peak_concurrent: concurrent, rps_per_active_user: null }, ["rps_per_active_user"])
      : figure(concurrent * rpu, "req/s", "peak_concurrent x rps_per_active_user", { peak_concurrent: concurrent, rps_per_active_user: rpu }, `${fmt(concurrent, 0)} x ${fmt(rpu, 4)} = ${fmt(concurrent * rpu)}`, inputs.sources?.rpsPerActiveUser);
  const min = infra.app.minInstances;
  const planRps = perInstance.planningRps.value;
  let appInstances: PlanFigure;
  if (peakRps.value !== null && planRps !== null && planRps > 0) {
    const n = Math.max(min, Math.ceil(peakRps.value / planRps));
    appInstances = figure(n, "instances", "max(min_instances, ceil(peak_rps / planning_rps_per_instance))", { min_instances: min, peak_rps: peakRps.value, planning_rps_per_instance: planRps }, `max(${min}, ceil(${fmt(peakRps.value)} / ${fmt(planRps)})) = ${n}`);
  } else if (inputs.comfortableUsersPerInstance !== undefined && inputs.comfortableUsersPerInstance > 0) {
    const per = inputs.comfortableUsersPerInstance;
    const n = Math.max(min, Math.ceil(concurrent / per));
    appInstances = figure(n, "instances", "max(min_instances, ceil(peak_concurrent / comfortable_users_per_instance))", { min_instances: min, peak_concurrent: concurrent, comfortable_users_per_instance: per }, `max(${min}, ceil(${fmt(concurrent, 0)} / ${fmt(per)})) = ${n}`, "RPS per instance or per user not measured: sized by users per instance");
  } else {
    const missing = [...(peakRps.value === null ? ["rps_per_active_user"] : []), ...(planRps === null ? ["planning_rps_per_instance"] : [])];
    appInstances = unknownFigure("instances", "max(min_instances, ceil(peak_rps / planning_rps_per_instance))", { min_instances: min, peak_rps: peakRps.value, planning_rps_per_instance: planRps }, missing);
  }
  return { peakConcurrent, peakRps, appInstances };
}

function describeInfrastructure(infra: InfrastructureModel, row: Omit<GrowthRow, "infrastructure">): string {
  const n = row.appInstances.value;
  const parts = [n === null ? `? x ${infra.app.size.type} (capacity not measured)` : `${n} x ${infra.app.size.type}${row.exceedsMaxInstances ? ` (above max ${infra.app.maxInstances})` : ""}`];
  parts.push(`PostgreSQL ${infra.database.size.type}${row.connectionBudget.needsPgbouncer ? " + pgbouncer" : ""}`);
  const replicas = Math.max(infra.database.replicas, row.replicas.replicasNeeded.value ?? 0);
  if (replicas > 0) parts.push(`${replicas} read replica${replicas > 1 ? "s" : ""}`);
  parts.push(row.cache.clusterDue ? "Redis Cluster" : `Redis ${(row.cache.nodeSize ?? infra.cache.size).type}`);
  return parts.join(", ");
}

function growthRow(infra: InfrastructureModel, inputs: CapacityInputs, perInstance: PerInstanceCapacity, p: GrowthPeriod): GrowthRow {
  const load = loadAt(infra, inputs, perInstance, p.expectedUsers, p.peakConcurrencyRatio);
  const instances = load.appInstances.value ?? infra.app.minInstances;
  const rps = load.peakRps.value ?? 0;
  const row = {
    period: p.name,
    month: p.month,
    expectedUsers: p.expectedUsers,
    ...load,
    exceedsMaxInstances: load.appInstances.value !== null && load.appInstances.value > infra.app.maxInstances,
    connectionBudget: connectionBudget(infra, instances, inputs),
    replicas: replicaPlan(infra, inputs, rps),
    cache: cachePlan(infra, inputs, { users: load.peakConcurrent.value!, rps }),
  };
  return { ...row, infrastructure: describeInfrastructure(infra, row) };
}

/** Month by month up to the horizon: the first month each limit of the current setup is passed. */
export function runsOut(infra: InfrastructureModel, inputs: CapacityInputs, perInstance: PerInstanceCapacity, horizonMonths: number): RunsOut {
  const budget = connectionBudget(infra, infra.app.minInstances, inputs);
  const direct = budget.maxInstancesDirect.value!;
  const bouncer = budget.maxInstancesWithPgbouncer.value!;
  const dbNodes = 1 + infra.database.replicas;
  const cacheBytes = infra.cache.size.memoryGb * GIB;
  type Check = { limit: string; test: (m: number) => string | null; measurable: boolean };
  const at = (m: number) => {
    const { users, ratio } = usersAtMonth(infra.growth.periods, infra.growth.monthlyGrowthPctAfter, m);
    const load = loadAt(infra, inputs, perInstance, users, ratio);
    return { users, load, rps: load.peakRps.value, n: load.appInstances.value, concurrent: load.peakConcurrent.value! };
  };
  const checks: Check[] = [
    { limit: `app instances above max ${infra.app.maxInstances}`, measurable: at(0).n !== null, test: (m) => { const a = at(m); return a.n !== null && a.n > infra.app.maxInstances ? `${a.n} instances needed for ${fmt(a.concurrent, 0)} peak users` : null; } },
    { limit: `DB connections without pgbouncer (${direct} instances x pool ${infra.database.poolPerInstance} fit)`, measurable: at(0).n !== null, test: (m) => { const a = at(m); return a.n !== null && a.n > direct ? `${a.n} x ${infra.database.poolPerInstance} = ${a.n * infra.database.poolPerInstance} connections > ${budget.available.value} available` : null; } },
    { limit: `pgbouncer client limit (${bouncer} instances)`, measurable: at(0).n !== null, test: (m) => { const a = at(m); return a.n !== null && a.n > bouncer ? `${a.n} instances x pool ${infra.database.poolPerInstance} > ${infra.database.pgbouncer.maxClientConnections} clients` : null; } },
    {
      limit: `database statements on ${dbNodes} node${dbNodes > 1 ? "s" : ""}`,
      measurable: inputs.dbQueriesPerRequest !== undefined && inputs.rpsPerActiveUser !== undefined,
      test: (m) => { const a = at(m); if (a.rps === null || inputs.dbQueriesPerRequest === undefined) return null; const q = a.rps * inputs.dbQueriesPerRequest; return q > dbNodes * infra.database.maxQueriesPerSecPerNode ? `${fmt(q, 0)} statements/s > ${dbNodes} x ${infra.database.maxQueriesPerSecPerNode}` : null; },
    },
    {
      limit: `cache memory on ${infra.cache.size.type} (${infra.cache.size.memoryGb} GiB at ${infra.cache.memoryTargetPct} %)`,
      measurable: inputs.cacheWorkingSetBytes !== undefined,
      test: (m) => { const a = at(m); const need = cachePlan(infra, inputs, { users: a.concurrent, rps: a.rps ?? 0 }).memoryNeededBytes.value; return need !== null && need > cacheBytes ? `${fmt(need / GIB, 2)} GiB needed` : null; },
    },
    {
      limit: `cache commands on one Redis node (${infra.cache.maxOpsPerSecPerNode}/s)`,
      measurable: inputs.cacheOpsPerRequest !== undefined && inputs.rpsPerActiveUser !== undefined,
      test: (m) => { const a = at(m); if (a.rps === null || inputs.cacheOpsPerRequest === undefined) return null; const ops = a.rps * inputs.cacheOpsPerRequest; return ops > infra.cache.maxOpsPerSecPerNode ? `${fmt(ops, 0)} commands/s` : null; },
    },
  ];
  const limits = checks.map((c) => {
    if (!c.measurable) return { limit: c.limit, month: null, detail: "not measured" };
    for (let m = 0; m <= horizonMonths; m++) {
      const detail = c.test(m);
      if (detail) return { limit: c.limit, month: m, detail: `month ${m}: ${detail}` };
    }
    return { limit: c.limit, month: null, detail: `not within ${horizonMonths} months` };
  });
  const first = limits.filter((l) => l.month !== null).sort((a, b) => a.month! - b.month!)[0];
  return { month: first?.month ?? null, limit: first ? `${first.limit}: ${first.detail}` : null, limits, horizonMonths };
}

export function planGrowth(infra: InfrastructureModel, inputs: CapacityInputs, opts: { horizonMonths?: number } = {}): GrowthPlan {
  const perInstance = perInstanceCapacity(inputs, infra);
  const rows = infra.growth.periods.map((p) => growthRow(infra, inputs, perInstance, p));
  const lastMonth = infra.growth.periods[infra.growth.periods.length - 1]!.month;
  const horizonMonths = opts.horizonMonths ?? Math.max(12, lastMonth) + 24;
  const missing: string[] = [];
  if (inputs.rpsPerActiveUser === undefined) missing.push("rps_per_active_user: peak RPS per period (instances sized by users per instance if measured)");
  if (perInstance.planningRps.value === null && inputs.comfortableUsersPerInstance === undefined) missing.push("capacity per instance (cpu_ms_per_request, comfortable or max RPS, or users per instance): app instances");
  if (inputs.cpuMsPerRequest === undefined) missing.push("cpu_ms_per_request: the autoscaling replay");
  if (inputs.readShare === undefined) missing.push("read_share: the read-replica trigger");
  if (inputs.dbQueriesPerRequest === undefined) missing.push("db_queries_per_request: database statement load and replica count");
  if (inputs.cacheWorkingSetBytes === undefined) missing.push("cache_working_set: Redis memory sizing");
  if (inputs.cacheOpsPerRequest === undefined) missing.push("cache_ops_per_request: Redis command rate");
  return { perInstance, rows, costs: growthCosts(infra, rows), runsOut: runsOut(infra, inputs, perInstance, horizonMonths), missing };
}
