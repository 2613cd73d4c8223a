// Leak detection as a trend with a significance test, not a first-vs-last comparison: a reading
// leaks when (1) it rises significantly by both the least-squares t test and Mann-Kendall, (2)
// the rise does not level off (the second half still rises at half the overall rate or more, so
// a warm-up that plateaus is not a leak), and (3) the fitted growth is large enough to matter.
import { linearRegression, mannKendall, theilSen } from "./stats.js";
import type { LeakVerdict, TrendTest } from "./types.js";
import type { Point } from "./telemetry-series.js";

/** Fewer samples than this and a trend test means nothing (at the 5 s cadence: 40 s of steady load). */
export const MIN_TREND_SAMPLES = 8;

export function trendTest(points: readonly Point[]): TrendTest {
  const xsMin = points.map((p) => p.t / 60);
  const ys = points.map((p) => p.v);
  const fit = linearRegression(xsMin, ys);
  const spanSec = points.length > 1 ? points[points.length - 1]!.t - points[0]!.t : 0;
  return {
    samples: points.length,
    spanSec,
    slopePerMin: fit.slope,
    fittedChange: fit.slope * (spanSec / 60),
    slopeStdErrPerMin: fit.slopeStdErr,
    tStat: fit.tStat,
    pValue: fit.pValue,
    mannKendall: mannKendall(ys),
    theilSenPerMin: theilSen(xsMin, ys),
  };
}

export interface LeakRule {
  metric: string;
  label: string;
  unit: string;
  source: string;
  /** Growth per hour below which a significant rise is only "growing", not a leak. */
  minChangePerHour: number;
  /**
   * Growth over the window (the fitted change) below which it is only "growing": in a short
   * window a process still settling (heap sizing, JIT) can rise fast per hour without leaking.
   */
  minFittedChange?: number;
  /** A significant rise smaller than this over the window is stable: too small to matter or to watch. */
  negligibleChange?: number;
  /** Significance level of both tests. */
  alpha?: number;
}

/** Judges a series (taken over the steady window) for a leak. */
/** Below this many samples the t test must reach p < 0.001: a few seconds of GC sawtooth can pass p < 0.01. */
export const SHORT_TREND_SAMPLES = 20;

export function leakVerdict(points: readonly Point[], rule: LeakRule): LeakVerdict {
  const alpha = rule.alpha ?? (points.length < SHORT_TREND_SAMPLES ? 0.001 : 0.01);
  // Mann-Kendall cannot go below p = 2/n! on n samples (8.4e-4 at n = 8): it keeps α = 0.01.
  const mkAlpha = Math.max(alpha, 0.01);
  const base = { metric: rule.metric, label: rule.label, unit: rule.unit, source: rule.source };
  if (points.length < MIN_TREND_SAMPLES) {
    return {
      ...base,
      verdict: "not measured",
      reason:
        points.length === 0
          ? `no ${rule.label} samples in the run (${rule.source} not collected)`
          : `only ${points.length} samples over the steady load; a trend test needs ${MIN_TREND_SAMPLES} or more (a longer run, or a faster telemetry interval)`,
    };
  }
  const trend = trendTest(points);
  const bound = { changePerHour: rule.minChangePerHour, alpha };
  const perHour = trend.slopePerMin * 60;
  const first = points[0]!.v;
  const last = points[points.length - 1]!.v;
  const significant = trend.slopePerMin > 0 && trend.pValue < alpha && trend.mannKendall.pValue < mkAlpha && trend.mannKendall.s > 0;
  const common = { ...base, trend, first, last, bound };
  // Bytes read in MiB ("4.25 MiB/h", not "4458586 bytes/h"); a p value below double precision as "p < 1e-15".
  const num = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const amount = (v: number, per = ""): string => (rule.unit === "bytes" ? `${num(v / 1048576)} MiB${per}` : `${num(v)} ${rule.unit}${per}`);
  const pText = (p: number): string => (p < 1e-15 ? "p < 1e-15" : `p = ${p.toExponential(1)}`);
  const stats = `slope ${amount(perHour, "/h")}, t = ${trend.tStat.toFixed(2)} (${pText(trend.pValue)}), Mann-Kendall Z = ${trend.mannKendall.z.toFixed(2)} (${pText(trend.mannKendall.pValue)}), ${trend.samples} samples over ${Math.round(trend.spanSec)} s`;
  if (!significant) return { ...common, verdict: "stable", reason: `no significant rise at α = ${alpha}: ${stats}` };
  const half = points.slice(Math.floor(points.length / 2));
  const secondHalf = half.length >= 4 ? trendTest(half) : undefined;
  const levelsOff = secondHalf !== undefined && secondHalf.slopePerMin < 0.5 * trend.slopePerMin;
  if (levelsOff) {
    return { ...common, verdict: "stable", reason: `rose early then levelled off (second half ${amount(secondHalf.slopePerMin * 60, "/h")} vs ${amount(perHour, "/h")} overall): warm-up, not a leak; ${stats}` };
  }
  if (rule.negligibleChange !== undefined && trend.fittedChange < rule.negligibleChange) {
    return { ...common, verdict: "stable", reason: `a significant but negligible rise: ${amount(trend.fittedChange)} over the window (below ${amount(rule.negligibleChange)}); ${stats}` };
  }
  if (perHour < rule.minChangePerHour) {
    return { ...common, verdict: "growing", reason: `significant but small rise (below the ${amount(rule.minChangePerHour, "/h")} that would matter): ${stats}` };
  }
  if (rule.minFittedChange !== undefined && trend.fittedChange < rule.minFittedChange) {
    return { ...common, verdict: "growing", reason: `significant rise, but only ${amount(trend.fittedChange)} over the window (a leak must add ${amount(rule.minFittedChange)} or more; run longer to tell a leak from a process settling): ${stats}` };
  }
  return { ...common, verdict: "leak", reason: `steady significant rise that does not level off: ${stats}` };
}
