// Capacity from load steps (a search's, or the steady phases of a plan's runs): the largest load
// that meets the SLO, the breaking point and which limit broke, the comfortable capacity (the
// seed plans to run at 60-70 % of the break), the knee, the USL fit, the degradation table and
// a confidence for each figure with its reason.
import { round, coefficientOfVariation, mean } from "./stats.js";
import { describeSlo, sloBreach } from "./slo.js";
import { thinkTimeSec } from "./break-estimate.js";
import { ambientCores, judgeNoise, OTHER_CPU_LIMIT_CORES, otherCpuLimit } from "./disturbance.js";
import { ceilingOf, disturbedOf, judgedSteps, retestedOf, sloCapacityOf, type Level, type UtilizationEstimate } from "./capacity-figures.js";
import type { CapacityAnalysis, CapacityFigure, Confidence, DegradationRow, LoadStep, SearchStep, Slo } from "./types.js";
import { uslOnConcurrency } from "./usl-axis.js";
import { Judgement, ORDER } from "./judgement.js";

export interface CapacityOptions {
  slo: Slo;
  /** Default: "open" when the steps carry a target rate. */
  model?: "closed" | "open";
  /** Share of the breaking load called comfortable (the seed: 60-70 %). Default 0.65. */
  comfortableFraction?: number;
  /** Throughput gaining less than this share of the load's relative increase counts as flat. Default 0.2. */
  plateauEfficiency?: number;
  /** The search's tolerance: a capacity bracket wider than this lowers its confidence. Default 0.1. */
  tolerance?: number;
  /** The utilization law's X_max (1 / D of the busiest resource), shown when throughput never levelled off. */
  utilization?: UtilizationEstimate;
}

/** Whether the SLO bounds a latency: then throughput levelling off is the ceiling, not a break (latency breaks soon after). */
export function sloBoundsLatency(slo: Slo): boolean {
  return slo.p50Ms !== undefined || slo.p95Ms !== undefined || slo.p99Ms !== undefined;
}

export const COMFORTABLE_FRACTION = 0.65;

function levels(steps: readonly LoadStep[], model: "closed" | "open"): Level[] {
  const by = new Map<number, LoadStep[]>();
  for (const s of steps) {
    const load = model === "open" ? (s.targetRate ?? 0) : (s.users ?? 0);
    if (!(load > 0)) continue;
    const list = by.get(load);
    if (list) list.push(s);
    else by.set(load, [s]);
  }
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([load, all]) => {
      let list = judgedSteps(all);
      const disturbed = list.length === 0 ? all[all.length - 1]!.disturbed : undefined;
      if (list.length === 0) list = all;
      const means = list.filter((s) => s.meanMs !== undefined).map((s) => s.meanMs!);
      return {
        load,
        steps: list,
        rps: mean(list.map((s) => s.rps)),
        p95Ms: Math.max(...list.map((s) => s.p95Ms)),
        errorPct: Math.max(...list.map((s) => s.errorPct)),
        ...(means.length > 0 ? { meanMs: mean(means) } : {}),
        ...(disturbed ? { disturbed } : {}),
      };
    });
}

/** Linear interpolation of throughput at `load` between measured levels (proportional below the first). */
function rpsAt(ls: readonly Level[], load: number): number {
  if (ls.length === 0) return 0;
  if (load <= ls[0]!.load) return (ls[0]!.rps * load) / ls[0]!.load;
  for (let i = 1; i < ls.length; i++) {
    const a = ls[i - 1]!;
    const b = ls[i]!;
    if (load <= b.load) return a.rps + ((b.rps - a.rps) * (load - a.load)) / (b.load - a.load);
  }
  return ls[ls.length - 1]!.rps;
}

/** A break more than this factor above the last good load is loosely bracketed. */
const LOOSE_BRACKET = 1.25;

/** A closed-model level is judged flat only against a level at least this much lighter. */
const MIN_LOAD_GAIN_FOR_FLATNESS = 1.2;

function figure(value: number | null, unit: string, j: Judgement, good: string, formula: string): CapacityFigure {
  return { value, unit, confidence: j.level, reason: j.reason(good), formula };
}

/** Judges each level: the SLO, then (open) whether it kept up with the offered rate, (closed) whether throughput still grew. */
function judgeLevels(ls: Level[], model: "closed" | "open", slo: Slo, flatBreaks: boolean, minEff: number): void {
  ls.forEach((lv, i) => {
    // A search's steps arrive judged (SearchStep.ok / broke): keep its verdict and wording.
    const judged = lv.steps.filter((s): s is SearchStep => typeof (s as SearchStep).ok === "boolean");
    if (judged.length > 0) {
      lv.breach = judged.find((s) => !s.ok)?.broke;
      return;
    }
    if (model === "closed" && !flatBreaks) {
      for (const s of lv.steps) lv.breach ??= sloBreach(s, slo);
      return;
    }
    for (const s of lv.steps) lv.breach ??= sloBreach(s, slo);
    if (lv.breach) return;
    if (model === "open" && lv.rps < 0.9 * lv.load) lv.breach = `throughput ${round(lv.rps, 1)} req/s < 90% of the offered ${lv.load} req/s`;
    else if (model === "closed") {
      // Flatness is judged against a level clearly below this one: between 100 and 101 users
      // the expected gain (1 %) is smaller than run-to-run noise, and "flat" would be noise.
      const prev = ls.slice(0, i).filter((p) => p.load * MIN_LOAD_GAIN_FOR_FLATNESS <= lv.load).pop();
      if (!prev) return;
      const eff = (lv.rps / prev.rps - 1) / (lv.load / prev.load - 1);
      if (prev.rps > 0 && eff < minEff) lv.breach = `throughput flat: +${round((lv.rps / prev.rps - 1) * 100, 1)}% for +${round((lv.load / prev.load - 1) * 100, 1)}% load`;
    }
  });
}

/** The confidence every figure starts from: points, repeats, the machine's noise, the generator, steadiness near the break. */
function baseJudgement(
  ls: Level[],
  all: Level[],
  noiseBar: number,
  allDisturbed: boolean,
  near: (Level | undefined)[],
): { base: Judgement; cv: number | undefined } {
  const base = new Judgement();
  if (ls.length < 3) base.lower("low", `only ${ls.length} load level${ls.length === 1 ? "" : "s"} measured`);
  else if (ls.length < 5) base.lower("medium", `${ls.length} load levels measured (5 or more make a trustworthy curve)`);
  if (noiseBar > OTHER_CPU_LIMIT_CORES) base.lower("medium", `the machine was never quiet (other processes used ${round(noiseBar - OTHER_CPU_LIMIT_CORES, 2)} cores or more in every window): windows above ${noiseBar} cores were left out as disturbed`);
  if (allDisturbed) base.lower("low", `every load level was disturbed (${all[all.length - 1]!.disturbed}): the figures are judged on disturbed windows`);
  const repeated = ls.filter((l) => l.steps.length > 1);
  const cv = repeated.length > 0 ? Math.max(...repeated.map((l) => coefficientOfVariation(l.steps.map((s) => s.rps)))) : undefined;
  if (cv === undefined) base.lower("medium", "no load level was repeated, so run-to-run variance is unknown");
  else if (cv > 0.1) base.lower("low", `repeats of a load level differ by ${round(cv * 100, 1)}% (CV of throughput)`);
  else if (cv > 0.05) base.lower("medium", `repeats of a load level differ by ${round(cv * 100, 1)}% (CV of throughput)`);
  const nearBreak = near.filter((l): l is Level => l !== undefined);
  const limitedNear = nearBreak.flatMap((l) => l.steps.filter((s) => s.generatorLimited));
  if (limitedNear.some((s) => !s.lagOutweighed)) base.lower("low", "the load generator was saturated near the break: the limit may be the generator's");
  else if (limitedNear.length > 0) base.lower("medium", "the load generator was limited near the break, but the step broke the SLO by more than its event-loop lag could add");
  if (nearBreak.some((l) => l.steps.some((s) => s.steady === false))) base.lower("medium", "a step near the break did not reach a steady state before its time ran out");
  return { base, cv };
}

/** The breaking point's confidence: the base, and how tightly the break is bracketed. */
function breakJudgement(
  base: Judgement,
  ls: Level[],
  maxOk: Level | undefined,
  broken: Level | undefined,
  unit: string,
  sloText: string,
  repeats: boolean,
): Judgement {
  const breakIdx = broken ? ls.indexOf(broken) : -1;
  const passAboveBreak = breakIdx >= 0 ? ls.slice(breakIdx + 1).filter((l) => !l.breach) : [];
  const brk = Judgement.from(base);
  if (!broken) brk.lower("low", `no load level up to ${ls[ls.length - 1]?.load ?? 0} ${unit} broke ${sloText}: the break lies beyond the tested range`);
  else if (maxOk && broken.load > LOOSE_BRACKET * maxOk.load) brk.lower("medium", `the break is bracketed only between ${maxOk.load} and ${broken.load} ${unit}`);
  else if (!maxOk) brk.lower("low", `the lightest load tested (${broken.load} ${unit}) already broke ${sloText}`);
  if (passAboveBreak.length > 0) brk.lower("medium", `${passAboveBreak.map((l) => l.load).join(", ")} ${unit} passed again above the break (noise, or a warm-up effect)`);
  // A bracket tighter than the run-to-run variance of the break says nothing of that variance
  // (said here when lighter levels were repeated: the base already says when none was).
  if (repeats && maxOk && broken && maxOk.steps.length === 1 && broken.steps.length === 1) {
    brk.lower("medium", "the loads either side of the break were each measured once: how far the break moves from run to run is unknown (a repeat of the best load measures it)");
  }
  return brk;
}

function breakingPointOf(model: "closed" | "open", ls: Level[], maxOk: Level | undefined, broken: Level | undefined, brk: Judgement, unit: string): CapacityAnalysis["breakingPoint"] {
  return {
    users: model === "closed" ? (broken?.load ?? null) : null,
    rps: broken ? round(model === "open" ? broken.load : broken.rps, 2) : null,
    limit: broken?.breach ?? `not reached up to ${ls[ls.length - 1]?.load ?? 0} ${unit}`,
    confidence: brk.level,
    reason: brk.reason(`bracketed between ${maxOk?.load} (meets the SLO) and ${broken?.load} ${unit} (breaks it)`),
    ...(broken && maxOk && broken.load > LOOSE_BRACKET * maxOk.load ? { lastGood: maxOk.load } : {}),
  };
}

export function analyzeCapacity(measured: readonly LoadStep[], opts: CapacityOptions): CapacityAnalysis {
  // Disturbance judged against the quietest window of them all (analysis/disturbance.ts); a
  // search's steps keep the judgement the search acted on (against the quietest window before them).
  const rejudged = judgeNoise(measured, opts.slo);
  const steps = measured.map((s, i) => (typeof (s as SearchStep).ok === "boolean" ? s : rejudged[i]!));
  const noiseBar = otherCpuLimit(ambientCores(steps));
  const model = opts.model ?? (steps.some((s) => s.targetRate !== undefined) ? "open" : "closed");
  const fraction = opts.comfortableFraction ?? COMFORTABLE_FRACTION;
  const minEff = opts.plateauEfficiency ?? 0.2;
  const all = levels(steps, model);
  // Disturbed levels are named (out.disturbed) and judged no further, unless every level was
  // disturbed (a machine never quiet): then they are judged, at low confidence, and that is said.
  const quiet = all.filter((l) => !l.disturbed);
  const allDisturbed = quiet.length === 0 && all.length > 0;
  const ls = allDisturbed ? all.map((l) => ({ ...l, disturbed: undefined })) : quiet;
  const flatBreaks = !sloBoundsLatency(opts.slo);
  const unit = model === "open" ? "req/s offered" : "users";
  const sloText = describeSlo(opts.slo);

  judgeLevels(ls, model, opts.slo, flatBreaks, minEff);
  const breakIdx = ls.findIndex((l) => l.breach !== undefined);
  const broken = breakIdx >= 0 ? ls[breakIdx]! : undefined;
  const okLevels = (breakIdx >= 0 ? ls.slice(0, breakIdx) : ls).filter((l) => !l.breach);
  const maxOk = okLevels[okLevels.length - 1];

  const { base, cv } = baseJudgement(ls, all, noiseBar, allDisturbed, [maxOk, broken]);
  const brk = breakJudgement(base, ls, maxOk, broken, unit, sloText, cv !== undefined);
  const { usl, refused: uslRefused } = uslOnConcurrency(
    ls.map((l) => ({ load: l.load, rps: l.rps, ...(l.steps.some((s) => s.meanMs !== undefined) ? { meanMs: mean(l.steps.map((s) => s.meanMs ?? 0)) } : {}) })),
    model,
  );
  const ceiling = ceilingOf(ls, unit, opts.utilization, model === "closed" ? thinkTimeSec(ls.flatMap((l) => l.steps)) : undefined);
  const maxRpsJ = Judgement.from(base);
  if (ceiling.lowerBound) maxRpsJ.lower("low", "throughput never levelled off: the ceiling is a lower bound");
  else if (ceiling.confidence === "medium") maxRpsJ.lower("medium", "only two load levels on the throughput plateau");
  ceiling.confidence = maxRpsJ.level;
  const out: CapacityAnalysis = {
    model,
    steps: [...steps],
    slo: opts.slo,
    maxUsers:
      model === "closed"
        ? figure(maxOk?.load ?? null, "users", brk, `largest of ${ls.length} load levels meeting ${sloText}, the next level broke`, `largest users step meeting ${sloText}`)
        : { value: null, unit: "users", confidence: "low", reason: "open model: the load is an arrival rate, not a number of users", formula: "n/a" },
    maxRps: { value: ceiling.value, unit: "req/s", confidence: ceiling.confidence, reason: ceiling.evidence, formula: ceiling.formula },
    ceiling,
    sloCapacity: sloCapacityOf(model, maxOk, broken, brk.level, brk.reasons.join("; "), opts.tolerance ?? 0.1),
    disturbed: disturbedOf(steps),
    retested: retestedOf(steps),
    breakingPoint: breakingPointOf(model, ls, maxOk, broken, brk, unit),
    comfortable: comfortable(ls, model, fraction, broken, maxOk, brk),
    degradation: ls.map((l) => degradationRow(l, model, opts.slo)),
    confidence: "high",
    confidenceReason: "",
  };
  if (usl) out.usl = usl;
  else if (uslRefused) out.uslRefused = uslRefused;
  if (model === "closed") {
    const k = knee(ls);
    if (k) out.knee = k;
  }
  const figs = [out.maxRps.confidence, out.breakingPoint.confidence, out.comfortable.confidence];
  out.confidence = figs.reduce((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), "high" as Confidence);
  out.confidenceReason = [...new Set([...brk.reasons, ...maxRpsJ.reasons])].join("; ") || `${ls.length} load levels, repeats within ${round((cv ?? 0) * 100, 1)}%, break bracketed within 25%`;
  return out;
}

function comfortable(ls: Level[], model: "closed" | "open", fraction: number, broken: Level | undefined, maxOk: Level | undefined, brk: Judgement): CapacityAnalysis["comfortable"] {
  // The comfortable capacity is a share of the capacity within the SLO (the heaviest load that met
  // it), never of the load that broke it: the break lies somewhere above that load, up to the
  // bracket's width.
  const basis = maxOk;
  if (!basis) return { users: null, rps: null, fraction, confidence: "low", reason: "no load level met the SLO" };
  const load = model === "closed" ? Math.floor(fraction * basis.load) : round(fraction * basis.load, 2);
  const rps = model === "closed" ? round(rpsAt(ls, load), 2) : load;
  const unit = model === "closed" ? "users" : "req/s offered";
  const loose = broken !== undefined && broken.load > LOOSE_BRACKET * basis.load;
  const of = !broken
    ? `the largest load tested (${basis.load}; the break was not reached, so this is a floor)`
    : loose
      ? `the heaviest load that met the SLO (${basis.load} ${unit}; the break lies between it and ${broken.load}, so the lower end is used)`
      : `the heaviest load that met the SLO (${basis.load} ${unit}; ${broken.load} broke it)`;
  const basisName = broken ? "the heaviest load that met the SLO" : "the largest load tested";
  const interpolated = model === "closed" ? `; throughput there interpolated from the measured steps` : "";
  return { users: model === "closed" ? load : null, rps, fraction, confidence: brk.level, basis: basisName, reason: `${Math.round(fraction * 100)}% of ${of}${interpolated}${brk.reasons.length > 0 ? `; ${brk.reasons.join("; ")}` : ""}` };
}

/**
 * The knee by the operational laws (asymptotic bounds): throughput is bounded by N / (R0 + Z) at
 * light load and by Xmax at heavy load; the bounds cross at N* = Xmax x (R0 + Z). R0 is the mean
 * response time at the lightest step and Z the think time, by Little's law there: Z = N/X − R0.
 */
function knee(ls: Level[]): CapacityFigure | undefined {
  const first = ls[0];
  if (!first || first.rps <= 0) return undefined;
  const r0 = mean(first.steps.map((s) => (s.meanMs ?? s.p50Ms ?? s.p95Ms) / 1000));
  const z = Math.max(0, first.load / first.rps - r0);
  const xMax = Math.max(...ls.map((l) => l.rps));
  const saturated = ls.filter((l) => l.rps >= 0.9 * xMax).length;
  const j = new Judgement();
  if (saturated < 2) j.lower("low", "throughput did not level off at two or more steps: Xmax, and so the knee, is a lower bound");
  if (ls.length < 4) j.lower("medium", `${ls.length} load levels`);
  return figure(round(xMax * (r0 + z), 1), "users", j, `throughput levelled off at ${round(xMax, 1)} req/s over ${saturated} load levels`, `N* = Xmax x (R0 + Z) = ${round(xMax, 2)} x (${round(r0 * 1000, 2)} ms + ${round(z * 1000, 1)} ms)`);
}

function degradationRow(l: Level, model: "closed" | "open", slo: Slo): DegradationRow {
  const row: DegradationRow = { rps: round(l.rps, 2), p95Ms: round(l.p95Ms, 3), errorPct: round(l.errorPct, 3), verdict: "PASS", behaviour: "normal" };
  if (model === "closed") row.users = l.load;
  else row.targetRate = l.load;
  if (l.steps.some((s) => s.generatorLimited)) {
    row.behaviour = "generator-limited";
    row.verdict = l.breach ? "FAIL" : "WARN";
  } else if (l.breach?.startsWith("errors")) {
    row.behaviour = "errors";
    row.verdict = "FAIL";
  } else if (l.breach?.startsWith("throughput")) {
    row.behaviour = "throughput flat";
    row.verdict = "FAIL";
  } else if (l.breach) {
    row.behaviour = "latency beyond target";
    row.verdict = "FAIL";
  } else if (slo.p95Ms !== undefined && l.p95Ms > 0.5 * slo.p95Ms) {
    row.behaviour = "latency rising";
    row.verdict = "WARN";
  }
  return row;
}
