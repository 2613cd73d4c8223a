// Replays an autoscaling policy minute by minute over a traffic curve.
//
// Each minute: instances that finished starting join; load spreads evenly over the serving
// instances; their CPU follows the measured model (idle + cpu per RPS x RPS per instance, % of
// usable cores, capped at 100); the minute is "over the SLO" when RPS per instance exceeds the
// measured SLO bound (or, if that was not measured, CPU saturation). At the END of the minute the
// policy looks at the CPU it has seen and may act:
//   step:   +1 when CPU > up bound for `scaleUpForMin` consecutive minutes, −1 when CPU < down
//           bound for `scaleDownForMin` consecutive minutes.
//   target: when CPU > target for `scaleOutForMin` minutes, or < scaleInBelowPct % of target for
//           `scaleInForMin` minutes, set desired = ceil(serving x CPU / target) (the proportional
//           rule target tracking uses).
// After an action both streak counters restart (the next decision is taken on what the new fleet
// does) and no action follows within `cooldownMin`. A new instance serves from minute
// decision + 1 + startupMin; a removed one stops at decision + 1. Never below min or above max.
// Instance-hours count every instance paid for, including those still starting.
import type { AutoscaleAction, AutoscaleCapacity, AutoscaleMinute, AutoscaleResult, ScalingPolicyName, StepPolicy, TargetPolicy } from "./types.js";
import { round } from "./figure.js";

export interface ReplayOptions {
  policy: ScalingPolicyName;
  step: StepPolicy;
  target: TargetPolicy;
  capacity: AutoscaleCapacity;
  /** Offered load per minute. */
  rpsPerMinute: number[];
  minInstances: number;
  maxInstances: number;
  /** Minutes from a scale-up decision until the instance serves. */
  startupMin: number;
  /** Instances serving at minute 0 (default: min). */
  initialInstances?: number;
  /** An action opposite to the previous one within this many minutes counts as a flap (default 30). */
  flapWindowMin?: number;
}

/** CPU % of usable cores on one serving instance at the given per-instance load. */
export function cpuPctAt(capacity: AutoscaleCapacity, rpsPerInstance: number): number {
  return Math.min(100, capacity.idleCpuPct + capacity.cpuPctPerRps * rpsPerInstance);
}

/** RPS per instance beyond which a minute counts as over the SLO. */
export function sloBoundRps(capacity: AutoscaleCapacity): number {
  if (capacity.sloRpsPerInstance !== null) return capacity.sloRpsPerInstance;
  return capacity.cpuPctPerRps > 0 ? (100 - capacity.idleCpuPct) / capacity.cpuPctPerRps : Infinity;
}

interface Decision {
  to: number;
  reason: string;
}

function stepDecision(p: StepPolicy, up: number, down: number, desired: number): Decision | null {
  if (up >= p.scaleUpForMin) return { to: desired + 1, reason: `CPU > ${p.scaleUpCpuPct} % for ${up} min` };
  if (down >= p.scaleDownForMin) return { to: desired - 1, reason: `CPU < ${p.scaleDownCpuPct} % for ${down} min` };
  return null;
}

function targetDecision(p: TargetPolicy, up: number, down: number, serving: number, cpuPct: number): Decision | null {
  const want = Math.ceil((serving * cpuPct) / p.targetCpuPct);
  const why = `ceil(${serving} x ${round(cpuPct, 1)} / ${p.targetCpuPct}) = ${want}`;
  if (up >= p.scaleOutForMin) return { to: want, reason: `CPU > ${p.targetCpuPct} % for ${up} min: ${why}` };
  if (down >= p.scaleInForMin) return { to: want, reason: `CPU < ${round((p.targetCpuPct * p.scaleInBelowPct) / 100, 1)} % for ${down} min: ${why}` };
  return null;
}

/** The CPU bounds and cooldown of the replayed policy. */
interface PolicyBounds {
  upBound: number;
  downBound: number;
  cooldownMin: number;
}

function policyBounds(o: ReplayOptions): PolicyBounds {
  return {
    upBound: o.policy === "step" ? o.step.scaleUpCpuPct : o.target.targetCpuPct,
    downBound: o.policy === "step" ? o.step.scaleDownCpuPct : (o.target.targetCpuPct * o.target.scaleInBelowPct) / 100,
    cooldownMin: o.policy === "step" ? o.step.cooldownMin : o.target.cooldownMin,
  };
}

/** Minute by minute: the instances serving, the CPU they run at, and each scaling action the policy takes. */
function simulate(o: ReplayOptions, bound: number, b: PolicyBounds): { minutes: AutoscaleMinute[]; actions: AutoscaleAction[]; instanceMinutes: number } {
  const clamp = (n: number): number => Math.max(o.minInstances, Math.min(o.maxInstances, n));
  let serving = clamp(o.initialInstances ?? o.minInstances);
  let starting: number[] = []; // minute each starting instance begins serving
  const minutes: AutoscaleMinute[] = [];
  const actions: AutoscaleAction[] = [];
  let up = 0;
  let down = 0;
  let lastActionMinute = -Infinity;
  let instanceMinutes = 0;
  for (let minute = 0; minute < o.rpsPerMinute.length; minute++) {
    serving += starting.filter((m) => m <= minute).length;
    starting = starting.filter((m) => m > minute);
    const rps = Math.max(0, o.rpsPerMinute[minute]!);
    const perInstance = rps / serving;
    const cpuPct = cpuPctAt(o.capacity, perInstance);
    const desired = serving + starting.length;
    minutes.push({ minute, rps: round(rps), instances: serving, desired, cpuPct: round(cpuPct, 1), overSlo: perInstance > bound });
    instanceMinutes += desired;

    up = cpuPct > b.upBound ? up + 1 : 0;
    down = cpuPct < b.downBound ? down + 1 : 0;
    if (minute - lastActionMinute < b.cooldownMin) continue;
    const d = o.policy === "step" ? stepDecision(o.step, up, down, desired) : targetDecision(o.target, up, down, serving, cpuPct);
    if (!d) continue;
    const to = clamp(d.to);
    if (to === desired) continue;
    if (to > desired) {
      for (let i = desired; i < to; i++) starting.push(minute + 1 + o.startupMin);
    } else {
      // Cancel instances still starting first, then stop serving ones (never below min: `to` is clamped).
      let remove = desired - to;
      while (remove > 0 && starting.length > 0) {
        starting.pop();
        remove--;
      }
      serving -= remove;
    }
    actions.push({ minute, direction: to > desired ? "up" : "down", from: desired, to, reason: d.reason });
    lastActionMinute = minute;
    up = 0;
    down = 0;
  }
  return { minutes, actions, instanceMinutes };
}

/** Reversals: an action opposite to the one before it within `flapWindowMin`. */
function countFlaps(actions: readonly AutoscaleAction[], flapWindowMin: number): number {
  let flaps = 0;
  for (let i = 1; i < actions.length; i++) {
    const a = actions[i]!;
    const prev = actions[i - 1]!;
    if (a.direction !== prev.direction && a.minute - prev.minute <= flapWindowMin) flaps++;
  }
  return flaps;
}

/** Whether a CPU rule can see the SLO bound coming at all. */
function cpuRuleAdvice(o: ReplayOptions): string[] {
  if (o.capacity.sloRpsPerInstance === null) return [];
  const cpuAtSlo = cpuPctAt(o.capacity, o.capacity.sloRpsPerInstance);
  const cpuBound = o.policy === "step" ? o.step.scaleUpCpuPct : o.target.targetCpuPct;
  // Far below any CPU bound: CPU does not track what limits the platform, so no CPU rule can.
  const slo = o.capacity.sloRpsPerInstance;
  if (cpuAtSlo < 30) {
    return [
      `CPU does not track the limit: at the SLO bound (${round(slo, 1)} req/s per instance) the app uses ${round(cpuAtSlo, 1)} % CPU, so a CPU rule scales too late; scale on requests per instance instead (for example target ${Math.floor(slo * 0.8)} req/s per instance, 80 % of the bound, with the load balancer's request count per target)`,
    ];
  }
  if (cpuAtSlo <= cpuBound) {
    return [
      `the SLO bound (${round(o.capacity.sloRpsPerInstance, 1)} req/s per instance) is reached at ${round(cpuAtSlo, 1)} % CPU, at or below the ${o.policy === "step" ? "scale-up" : "target"} CPU of ${cpuBound} %: the policy acts only after latency has passed the SLO; ${o.policy === "step" ? "scale up" : "target"} below ${Math.floor(cpuAtSlo * 0.9)} % CPU`,
    ];
  }
  return [];
}

function replayAdvice(o: ReplayOptions, minutes: readonly AutoscaleMinute[], bound: number, flaps: number, flapWindowMin: number): string[] {
  const advice = cpuRuleAdvice(o);
  const atMax = minutes.filter((m) => m.overSlo && m.desired >= o.maxInstances);
  if (atMax.length > 0) {
    const worst = Math.max(...atMax.map((m) => m.rps));
    const need = Math.ceil(worst / bound);
    advice.push(`max ${o.maxInstances} instances is too few for ${atMax.length} min of this traffic: the busiest minute (${round(worst)} req/s) needs ${Number.isFinite(need) ? need : "more"} instances within the SLO`);
  }
  const seen = o.capacity.observedMaxRpsPerInstance;
  const busiest = minutes.reduce((m, x) => Math.max(m, x.instances > 0 ? x.rps / x.instances : 0), 0);
  if (seen !== undefined && busiest > seen)
    advice.push(`load reaches ${round(busiest, 1)} req/s per instance, beyond the ${round(seen, 1)} req/s measured: CPU there is extrapolated from the measured line; measure the SLO bound with a load search before trusting these minutes`);
  if (flaps > 0) advice.push(`${flaps} reversal(s) within ${flapWindowMin} min: widen the gap between the scale-up and scale-down bounds or lengthen the scale-down window`);
  return advice;
}

function policyParameters(o: ReplayOptions, b: PolicyBounds, bound: number): AutoscaleResult["parameters"] {
  return {
    ...(o.policy === "step"
      ? {
          scale_up_cpu_pct: o.step.scaleUpCpuPct,
          scale_up_for_min: o.step.scaleUpForMin,
          scale_down_cpu_pct: o.step.scaleDownCpuPct,
          scale_down_for_min: o.step.scaleDownForMin,
        }
      : {
          target_cpu_pct: o.target.targetCpuPct,
          scale_out_for_min: o.target.scaleOutForMin,
          scale_in_for_min: o.target.scaleInForMin,
          scale_in_below_cpu_pct: round(b.downBound, 2),
        }),
    cooldown_min: b.cooldownMin,
    startup_min: o.startupMin,
    min_instances: o.minInstances,
    max_instances: o.maxInstances,
    idle_cpu_pct: round(o.capacity.idleCpuPct, 3),
    cpu_pct_per_rps: round(o.capacity.cpuPctPerRps, 5),
    slo_rps_per_instance: Number.isFinite(bound) ? round(bound, 2) : "none",
  };
}

export function replayAutoscaling(o: ReplayOptions): AutoscaleResult {
  const flapWindowMin = o.flapWindowMin ?? 30;
  const bound = sloBoundRps(o.capacity);
  const bounds = policyBounds(o);
  const { minutes, actions, instanceMinutes } = simulate(o, bound, bounds);
  const flaps = countFlaps(actions, flapWindowMin);
  const over = minutes.filter((m) => m.overSlo);
  return {
    policy: o.policy,
    parameters: policyParameters(o, bounds, bound),
    minutes,
    actions,
    minutesOverSlo: over.length,
    minutesOverSloAtMax: over.filter((m) => m.desired >= o.maxInstances).length,
    flaps,
    flapWindowMin,
    instanceHours: round(instanceMinutes / 60, 2),
    peakInstances: minutes.reduce((m, x) => Math.max(m, x.instances), 0),
    minInstancesSeen: minutes.length === 0 ? 0 : minutes.reduce((m, x) => Math.min(m, x.instances), Infinity),
    advice: replayAdvice(o, minutes, bound, flaps, flapWindowMin),
    ...(o.capacity.sloRpsPerInstance === null ? { sloNote: "SLO bound per instance not measured: minutes at CPU saturation (100 % of usable cores) are counted instead" } : {}),
  };
}
