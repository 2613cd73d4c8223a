// Where the breaking-point stage starts: from the profiles' measured steps, the break where the
// operational laws put it, else twice the peak profile's users; never above the cap.
import { estimateBreakUsers, quietOrAll, thinkTimeSec, utilizationEstimate } from "../analysis/break-estimate.js";
import { judgeNoise } from "../analysis/disturbance.js";
import { sloBreach } from "../analysis/slo.js";
import type { LoadStep, Slo } from "../analysis/types.js";
import type { Profile } from "../plan/profile.js";
import { peakUsers, scaleProfile, type SuiteScale } from "../plan/scale-profile.js";
import type { RunStore } from "../store/run-store.js";

/**
 * The first step: twice the users of the suite's peak profile (as scaled), or of its heaviest
 * profile when it has no "peak"; never above the cap.
 */
export function searchStartUsers(profiles: Record<string, Profile>, scale: SuiteScale, maxUsers: number): number {
  const scaled = (name: string): number => peakUsers(scaleProfile({ ...profiles[name]!, name }, scale));
  const peak = profiles.peak ? scaled("peak") : Math.max(0, ...Object.keys(profiles).map(scaled));
  return Math.max(1, Math.min(maxUsers, 2 * (peak || 50)));
}

/** Where the search starts, and why. */
export interface SearchStart {
  startUsers: number;
  thinkSec?: number;
  priorSteps: LoadStep[];
  /** How the start was chosen, in words. */
  how: string;
}

/** The search starts at most this many times the heaviest load of the profiles. */
const MAX_START_FACTOR = 3;

/**
 * The first step from what the profiles measured (their undisturbed steps and telemetry): the
 * break where the operational laws put it when a profile already queued (N ≈ X (R_slo + Z)), else
 * the utilization law's X_max (1 / D of the busiest resource) at the SLO's response time and the
 * measured think time; never below 1.25x the heaviest load that passed, never above 3x the
 * heaviest tested, nor the cap. Without usable profiles, `fallback` (twice the peak users).
 */
export function planSearchStart(prior: readonly LoadStep[], stores: readonly RunStore[], slo: Slo, fallback: number, maxUsers: number): SearchStart {
  const steps = judgeNoise(prior.filter((s) => (s.users ?? 0) > 0), slo);
  const thinkSec = thinkTimeSec(steps);
  const usable = quietOrAll(steps);
  if (thinkSec === undefined || usable.length === 0) return { startUsers: Math.min(fallback, maxUsers), priorSteps: [...steps], how: `twice the peak profile's users (${fallback}): the profiles measured no usable step` };
  // The bounds of the start take every step (a disturbed one still shows how far the profiles went).
  const heaviest = Math.max(...steps.map((s) => s.users!));
  const passed = steps.filter((s) => !sloBreach(s, slo)).map((s) => s.users!);
  const floor = passed.length > 0 ? Math.ceil(1.25 * Math.max(...passed)) : 1;
  const ceil = Math.min(maxUsers, MAX_START_FACTOR * heaviest);
  const clamp = (n: number): number => Math.max(1, Math.min(ceil, Math.max(floor, Math.round(n))));
  const zText = `think time Z = ${Math.round(thinkSec * 1000)} ms (N/X − R of the profiles' steps)`;
  const est = estimateBreakUsers(steps, slo, thinkSec);
  if (est?.saturated) return { startUsers: clamp(est.users), thinkSec, priorSteps: [...steps], how: `the break where the operational laws put it, N ≈ X (R_slo + Z) = ${est.users} users from a profile step that queued; ${zText}` };
  const util = utilizationEstimate(stores);
  const bound = slo.p95Ms ?? slo.p99Ms;
  if (util && bound !== undefined) {
    const top = usable.reduce((a, b) => (b.users! > a.users! ? b : a));
    const ratio = top.meanMs !== undefined && top.p95Ms > 0 ? Math.min(1, top.meanMs / top.p95Ms) : 0.5;
    const users = util.rps * ((bound / 1000) * ratio + thinkSec);
    return { startUsers: clamp(users), thinkSec, priorSteps: [...steps], how: `the utilization law: X_max ≈ ${util.rps} req/s (${util.evidence}) at the SLO's response time and ${zText}: ${Math.round(users)} users, within [${floor}, ${ceil}]` };
  }
  return { startUsers: clamp(Math.max(fallback, est?.users ?? 0)), thinkSec, priorSteps: [...steps], how: `twice the peak profile's users (${fallback}), within [${floor}, ${ceil}]; ${zText}` };
}
