// Everything planning derives from measured capacity and the infrastructure model, in one value
// the reports and `headroom plan` render: growth and cost per period, the configured fleet's
// connection budget, replicas and cache at the measured load, and the autoscaling replay of both
// policies over a day of the busiest period.
import { replayAutoscaling } from "./autoscale.js";
import { cachePlan } from "./cache-plan.js";
import { connectionBudget } from "./connection-budget.js";
import { planGrowth } from "./growth-plan.js";
import { autoscaleCapacity } from "./instance-capacity.js";
import { replicaPlan } from "./replica-plan.js";
import { dailyTrafficCurve } from "./traffic-curve.js";
import type { AutoscaleResult, CapacityInputs, CapacityPlanning, InfrastructureModel, ScalingPolicyName } from "./types.js";

export interface PlanCapacityOptions {
  /** Growth period whose day the autoscaling replay runs over (default: the last, busiest one). */
  autoscalePeriod?: string;
  horizonMonths?: number;
}

/** Replays one policy over the daily curve at `peakRps`; null when CPU per request was not measured. */
export function simulateDay(infra: InfrastructureModel, inputs: CapacityInputs, policy: ScalingPolicyName, rpsPerMinute: number[]): AutoscaleResult | null {
  const capacity = autoscaleCapacity(inputs, infra);
  if (!capacity) return null;
  return replayAutoscaling({
    policy,
    step: infra.scaling.step,
    target: infra.scaling.target,
    capacity,
    rpsPerMinute,
    minInstances: infra.app.minInstances,
    maxInstances: infra.app.maxInstances,
    startupMin: infra.app.startupMin,
  });
}

export function planCapacity(infra: InfrastructureModel, inputs: CapacityInputs, opts: PlanCapacityOptions = {}): CapacityPlanning {
  const growth = planGrowth(infra, inputs, { horizonMonths: opts.horizonMonths });
  const measuredUsers = inputs.measuredAtUsers ?? 0;
  const measuredRps = inputs.rpsPerActiveUser !== undefined ? measuredUsers * inputs.rpsPerActiveUser : 0;
  const current = {
    connectionBudget: connectionBudget(infra, infra.app.maxInstances, inputs),
    replicas: replicaPlan(infra, inputs, measuredRps),
    cache: cachePlan(infra, inputs, { users: measuredUsers, rps: measuredRps }),
  };
  const row = opts.autoscalePeriod ? growth.rows.find((r) => r.period === opts.autoscalePeriod) : growth.rows[growth.rows.length - 1];
  let autoscale: CapacityPlanning["autoscale"] = null;
  if (row && row.peakRps.value !== null) {
    const curve = dailyTrafficCurve(infra.traffic.dailyShape, row.peakRps.value);
    const step = simulateDay(infra, inputs, "step", curve);
    const target = simulateDay(infra, inputs, "target", curve);
    if (step && target) autoscale = { period: row.period, step, target };
  }
  return { infrastructure: infra, inputs, growth, current, autoscale };
}
