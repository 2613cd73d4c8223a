// The two figures a capacity plan leads with, from judged load levels:
//   the CEILING, the saturation throughput X_max where throughput levels off (with its evidence:
//   the plateau's steps, or, when it never levelled off, the heaviest throughput measured as a
//   lower bound next to the utilization law's estimate 1 / D_max when telemetry gave one);
//   the CAPACITY WITHIN THE SLO, the heaviest load that met the SLO bracketed by the first load
//   above it that broke it.
// Disturbed levels (analysis/disturbance.ts) take part in neither; re-tests are listed.
import { cycleEfficiency, pastTheKnee } from "./break-estimate.js";
import { round } from "./stats.js";
import type { CapacityAnalysis, Confidence, LoadStep, SearchStep } from "./types.js";

/** One load level with its repeats: `steps` are the ones judged (undisturbed, latest re-test on). */
export interface Level {
  load: number;
  steps: LoadStep[];
  rps: number;
  p95Ms: number;
  errorPct: number;
  /** Mean response time of its judged steps, when they carry one. */
  meanMs?: number;
  breach?: string;
  /** Every step at this load was disturbed: why (the last one's reason). Not judged. */
  disturbed?: string;
}

/** An estimate of X_max by the utilization law, X_max ≈ 1 / D of the busiest resource. */
export interface UtilizationEstimate {
  rps: number;
  /** Which resource and its demand, e.g. "app CPU: 0.48 core-ms per request at 1 core". */
  evidence: string;
}

/** A closed-model level counts as levelled off against one at least this much lighter... */
export const PLATEAU_LOAD_GAIN = 1.2;
/** ...when both carry at least this share of the highest throughput. */
export const PLATEAU_SHARE = 0.9;

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

export function ceilingOf(ls: readonly Level[], unit: string, utilization?: UtilizationEstimate, thinkSec?: number): CapacityAnalysis["ceiling"] {
  const usable = ls.filter((l) => !l.disturbed && l.rps > 0);
  if (usable.length === 0) {
    return { value: null, unit: "req/s", confidence: "low", reason: "no undisturbed load level was measured", formula: "n/a", evidence: "no undisturbed load level was measured", lowerBound: true };
  }
  const xMax = Math.max(...usable.map((l) => l.rps));
  const top = usable.find((l) => l.rps === xMax)!;
  // Levelled off: a level carrying ~X_max, and a heavier one (by 20 % or more) that gained nothing beyond it.
  const near = usable.filter((l) => l.rps >= PLATEAU_SHARE * xMax);
  const first = near[0]!;
  const heavier = near.filter((l) => l.load >= PLATEAU_LOAD_GAIN * first.load);
  // Or queueing (closed model): a level near X_max past the knee (its throughput well below the
  // light-load line N / (R0 + Z), or its mean response time many times R0): its bottleneck is
  // saturated, and the closed model's throughput there is X_max.
  const rMin = Math.min(...usable.map((l) => l.meanMs ?? Infinity));
  const canQueue = thinkSec !== undefined && Number.isFinite(rMin) && rMin > 0;
  const queued = canQueue ? near.filter((l) => l.meanMs !== undefined && pastTheKnee(l.load, l.rps, l.meanMs, rMin, thinkSec)) : [];
  if (heavier.length === 0 && queued.length > 0) {
    const q = queued[queued.length - 1]!;
    const evidence = `throughput levelled off at ${fmt(xMax)} req/s: ${near.map((l) => `${fmt(l.rps)} req/s at ${fmt(l.load)} ${unit}`).join(", ")}, with requests queueing (mean response time ${round(q.meanMs!, 0)} ms at ${fmt(q.load)} ${unit} against ${round(rMin, 0)} ms at light load, think time ${round(thinkSec! * 1000, 0)} ms: throughput ${round(cycleEfficiency(q.load, q.rps, rMin, thinkSec!) * 100, 0)}% of the light-load line N / (R0 + Z))`;
    return { value: round(xMax, 1), unit: "req/s", confidence: "medium", reason: evidence, formula: "X_max: the highest throughput where requests queue and more load adds none", evidence, lowerBound: false };
  }
  if (heavier.length > 0) {
    const last = heavier[heavier.length - 1]!;
    const plateau = near.filter((l) => l.load >= first.load && l.load <= last.load);
    const evidence = `throughput levelled off at ${fmt(xMax)} req/s: ${plateau.map((l) => `${fmt(l.rps)} req/s at ${fmt(l.load)} ${unit}`).join(", ")} (+${round((last.load / first.load - 1) * 100, 0)}% load, ${round((last.rps / first.rps - 1) * 100, 1)}% throughput)`;
    const confidence: Confidence = plateau.length >= 3 ? "high" : "medium";
    return { value: round(xMax, 1), unit: "req/s", confidence, reason: confidence === "high" ? evidence : `${evidence}; only ${plateau.length} levels on the plateau`, formula: "X_max: the highest throughput of the plateau where more load adds none", evidence, lowerBound: false };
  }
  const rising = `throughput still rose at the heaviest load tested (${fmt(top.rps)} req/s at ${fmt(top.load)} ${unit}): the ceiling is at least that`;
  const est = utilization && utilization.rps > xMax ? `; the utilization law puts it near ${fmt(utilization.rps)} req/s (${utilization.evidence})` : "";
  return { value: round(xMax, 1), unit: "req/s", confidence: "low", reason: rising + est, formula: utilization ? "lower bound: highest throughput measured (utilization law X_max ≈ 1 / D_max as the estimate)" : "lower bound: highest throughput measured", evidence: rising + est, lowerBound: true };
}

export function sloCapacityOf(model: "closed" | "open", maxOk: Level | undefined, broken: Level | undefined, confidence: Confidence, reason: string, tolerance: number): CapacityAnalysis["sloCapacity"] {
  const closed = model === "closed";
  const bracketPct = maxOk && broken ? round((broken.load / maxOk.load - 1) * 100, 1) : null;
  let conf = confidence;
  const why: string[] = [];
  if (bracketPct !== null && bracketPct > tolerance * 100 + 0.05) {
    if (conf === "high") conf = "medium";
    why.push(`bracketed only within ${bracketPct}% (the search's tolerance is ${round(tolerance * 100, 0)}%)`);
  }
  const head = maxOk
    ? broken
      ? `${fmt(maxOk.load)} ${closed ? "users" : "req/s offered"} met the SLO (${fmt(maxOk.rps)} req/s, p95 ${round(maxOk.p95Ms, 0)} ms); ${fmt(broken.load)} broke it (${broken.breach})`
      : `${fmt(maxOk.load)} ${closed ? "users" : "req/s offered"} met the SLO and no heavier load broke it: a floor`
    : broken
      ? `the lightest load tested (${fmt(broken.load)}) already broke the SLO`
      : "no undisturbed load level was judged";
  return {
    users: closed ? (maxOk?.load ?? null) : null,
    rps: maxOk ? round(maxOk.rps, 1) : null,
    brokeAtUsers: closed ? (broken?.load ?? null) : null,
    bracketPct,
    confidence: maxOk ? conf : "low",
    reason: [head, ...why, ...(reason ? [reason] : [])].join("; "),
  };
}

const loadOf = (s: LoadStep): number => s.users ?? s.targetRate ?? 0;

/** Every disturbed step, by load, with why. */
export function disturbedOf(steps: readonly LoadStep[]): CapacityAnalysis["disturbed"] {
  return steps.filter((s) => s.disturbed).map((s) => ({ load: loadOf(s), reason: s.disturbed! }));
}

/** The re-tests of a search: the load, why, and what the re-test found. */
export function retestedOf(steps: readonly LoadStep[]): CapacityAnalysis["retested"] {
  return steps
    .filter((s): s is SearchStep => (s as SearchStep).pass === "retest")
    .map((s) => ({ load: loadOf(s), reason: s.retest ?? "re-tested", outcome: s.disturbed ? `disturbed again: ${s.disturbed}` : s.ok ? `met the SLO (${round(s.rps, 1)} req/s, p95 ${round(s.p95Ms, 0)} ms)` : `broke again: ${s.broke ?? "the SLO"}` }));
}

/**
 * The steps a level is judged on: the undisturbed ones, from its latest re-test on (a re-test
 * supersedes what came before it at that load). Steps arrive in the order they ran.
 */
export function judgedSteps(list: readonly LoadStep[]): LoadStep[] {
  const usable = list.filter((s) => !s.disturbed);
  const lastRetest = usable.map((s) => (s as SearchStep).pass === "retest").lastIndexOf(true);
  return lastRetest > 0 ? usable.slice(lastRetest) : usable;
}
