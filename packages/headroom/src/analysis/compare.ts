// `headroom compare RUN_A RUN_B`: per endpoint and overall, the change in P50/P95/P99, throughput
// and error rate from A (the baseline) to B, each with a significance test (see significance.ts).
//
// A change is a REGRESSION only when all hold:
//   1. it is worse (latency or error rate up, throughput down),
//   2. it is beyond the bound (--max-regression, default 10 %, relative to A),
//   3. it is practically visible: latency moved by at least 1 ms, error rate by at least
//      0.1 percentage points (below these, timer resolution and single requests dominate),
//   4. it is significant: Holm-adjusted p < alpha (default 0.05) over every test of the comparison.
// The figures themselves (A, B, change) come from the merged histograms and counts of each whole
// run, and the tests test those figures: a latency percentile by a z-test of the difference of the
// whole-run percentiles (log scale), with standard errors from a block bootstrap over each run's
// seconds (percentile-bootstrap.ts), combined by Bonferroni with Mann-Whitney U on per-second
// percentiles (which sees a shift of every second that a few outlying seconds hide); throughput by Mann-Whitney U on per-second request counts; the error
// rate by a two-proportion z-test. When a change is not significant and the runs could not have
// detected a change of the bound's size (80 % power), the verdict is "inconclusive", with the
// smallest change they could detect: run longer to tell.
import { latencyStatsMs, mergeEncoded, decodeHistogram } from "../metrics/histogram.js";
import { coveredSeconds } from "../metrics/summary.js";
import type { IntervalLine } from "../core/types.js";
import { comparabilityDifferences, type ComparedManifest } from "./compare-comparable.js";
import { bootstrapPercentiles } from "./percentile-bootstrap.js";
import { differenceZ, holmAdjust, mannWhitneyU, normalQuantile, twoProportionZ } from "./significance.js";

export type CompareMetric = "p50Ms" | "p95Ms" | "p99Ms" | "rps" | "errorPct";

export const COMPARE_METRICS: { metric: CompareMetric; label: string; unit: string; higherIsWorse: boolean }[] = [
  { metric: "p50Ms", label: "P50", unit: "ms", higherIsWorse: true },
  { metric: "p95Ms", label: "P95", unit: "ms", higherIsWorse: true },
  { metric: "p99Ms", label: "P99", unit: "ms", higherIsWorse: true },
  { metric: "rps", label: "Throughput", unit: "req/s", higherIsWorse: false },
  { metric: "errorPct", label: "Error rate", unit: "%", higherIsWorse: true },
];

export interface CompareOptions {
  /** Largest tolerated worsening, % of A (default 10). */
  maxRegressionPct?: number;
  /** Family-wise significance level (default 0.05). */
  alpha?: number;
  /** Latency changes smaller than this are never a regression (default 1 ms). */
  minLatencyDeltaMs?: number;
  /** Error-rate changes smaller than this many percentage points are never a regression (default 0.1). */
  minErrorDeltaPct?: number;
}

export type ChangeVerdict = "regression" | "improvement" | "within bound" | "not significant" | "inconclusive" | "not compared";

export interface MetricChange {
  metric: CompareMetric;
  label: string;
  unit: string;
  a: number;
  b: number;
  /** (b − a) / a × 100; null when a is 0. */
  changePct: number | null;
  test: {
    name: "block-bootstrap-z" | "mann-whitney-u" | "two-proportion-z";
    statistic: number;
    pValue: number;
    adjustedP: number;
    samplesA: number;
    samplesB: number;
    /** Standard error of B - A, in `unit`. */
    stdErr: number;
  } | null;
  /** The smallest change (in `unit`, either way) these runs could detect with 80 % power at alpha / tests; absent when not tested. */
  detectable?: number;
  verdict: ChangeVerdict;
}

export interface EndpointComparison {
  /** "overall" for all endpoints together. */
  name: string;
  method: string;
  inA: boolean;
  inB: boolean;
  requestsA: number;
  requestsB: number;
  metrics: MetricChange[];
}

export interface RunRef {
  dir: string;
  name: string;
  startedAt: string;
  durationSec: number;
}

export interface RunComparison {
  a: RunRef;
  b: RunRef;
  options: Required<CompareOptions>;
  overall: EndpointComparison;
  endpoints: EndpointComparison[];
  /** One line per regression: "overall P95: 41 ms → 88 ms (+115 %, p < 0.001)". */
  regressions: string[];
  regression: boolean;
  /** Whether A and B measured the same test; when not, `differences` names what differs (A vs B). */
  comparable: boolean;
  differences: string[];
  method: string;
}

export interface CompareInput {
  dir: string;
  manifest: ComparedManifest;
  intervals: IntervalLine[];
}

interface Samples {
  requests: number;
  failed: number;
  durationSec: number;
  hists: string[];
  /** Each second's encoded histograms (for the block bootstrap of the whole-run percentiles). */
  seconds: string[][];
  perSecond: { p50Ms: number[]; p95Ms: number[]; p99Ms: number[]; rps: number[] };
  method: string;
}

/** Per-second samples and totals of one endpoint (or of all, when name is null). */
function collect(lines: IntervalLine[], name: string | null): Samples {
  const s: Samples = { requests: 0, failed: 0, durationSec: coveredSeconds(lines), hists: [], seconds: [], perSecond: { p50Ms: [], p95Ms: [], p99Ms: [], rps: [] }, method: "" };
  for (const line of lines) {
    const eps = name === null ? Object.values(line.endpoints) : line.endpoints[name] ? [line.endpoints[name]!] : [];
    let requests = 0;
    const secondHists: string[] = [];
    for (const ep of eps) {
      s.method ||= ep.method;
      requests += ep.requests;
      s.failed += ep.failed;
      if (ep.hist) secondHists.push(ep.hist);
    }
    s.requests += requests;
    s.hists.push(...secondHists);
    s.seconds.push(secondHists);
    s.perSecond.rps.push(requests);
    if (secondHists.length === 0) continue;
    const h = secondHists.length === 1 ? decodeHistogram(secondHists[0]!) : mergeEncoded(secondHists);
    if (h.totalCount > 0) {
      s.perSecond.p50Ms.push(h.getValueAtPercentile(50) / 1000);
      s.perSecond.p95Ms.push(h.getValueAtPercentile(95) / 1000);
      s.perSecond.p99Ms.push(h.getValueAtPercentile(99) / 1000);
    }
    h.destroy();
  }
  return s;
}

function figures(s: Samples): Record<CompareMetric, number> {
  const h = mergeEncoded(s.hists);
  const lat = latencyStatsMs(h);
  h.destroy();
  return {
    p50Ms: lat.p50,
    p95Ms: lat.p95,
    p99Ms: lat.p99,
    rps: s.durationSec > 0 ? Math.round((s.requests / s.durationSec) * 1000) / 1000 : 0,
    errorPct: s.requests > 0 ? Math.round((s.failed / s.requests) * 1e7) / 1e5 : 0,
  };
}

const PERCENTILES: Partial<Record<CompareMetric, number>> = { p50Ms: 50, p95Ms: 95, p99Ms: 99 };
/** Fewer seconds than this in either run: no bootstrap (a handful of blocks says nothing about the spread). */
export const MIN_BOOTSTRAP_SECONDS = 8;

function variance(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

function compareOne(name: string, a: Samples | undefined, b: Samples | undefined): EndpointComparison {
  const fa = a && a.requests > 0 ? figures(a) : undefined;
  const fb = b && b.requests > 0 ? figures(b) : undefined;
  const ps = [50, 95, 99];
  const long = !!a && !!b && a.seconds.length >= MIN_BOOTSTRAP_SECONDS && b.seconds.length >= MIN_BOOTSTRAP_SECONDS;
  const bootA = long && fa && fb ? bootstrapPercentiles(a.seconds, ps, 1) : undefined;
  const bootB = long && fa && fb ? bootstrapPercentiles(b.seconds, ps, 2) : undefined;
  const metrics: MetricChange[] = COMPARE_METRICS.map(({ metric, label, unit }) => {
    const va = fa?.[metric] ?? 0;
    const vb = fb?.[metric] ?? 0;
    const change: MetricChange = { metric, label, unit, a: va, b: vb, changePct: va !== 0 ? Math.round(((vb - va) / va) * 100_000) / 1000 : null, test: null, verdict: "not compared" };
    if (!a || !b || !fa || !fb) return change;
    const pct = PERCENTILES[metric];
    if (metric === "errorPct") {
      const t = twoProportionZ(a.failed, a.requests, b.failed, b.requests);
      const [pa, pb] = [a.failed / a.requests, b.failed / b.requests];
      const stdErr = 100 * Math.sqrt((pa * (1 - pa)) / a.requests + (pb * (1 - pb)) / b.requests);
      change.test = { name: "two-proportion-z", statistic: t.z, pValue: t.pValue, adjustedP: t.pValue, samplesA: a.requests, samplesB: b.requests, stdErr };
    } else if (pct !== undefined && bootA && bootB && va > 0 && vb > 0) {
      // The whole-run percentile, on the log scale (latency is right-skewed; a ratio is tested),
      // combined by Bonferroni with Mann-Whitney U on the per-second percentiles: the first sees a
      // queue that built up in a few seconds, the second a shift of every second that a few
      // outlying seconds (a warm-up) would hide from the first.
      const k = ps.indexOf(pct);
      const stdErrLog = Math.hypot(bootA.stdErrLog[k]!, bootB.stdErrLog[k]!);
      const whole = differenceZ(Math.log(vb / va), stdErrLog);
      const typical = mannWhitneyU(a.perSecond[metric as "p50Ms"], b.perSecond[metric as "p50Ms"]);
      const pValue = Math.min(1, 2 * Math.min(whole.pValue, typical.pValue));
      // In ms, at A's level: the standard error of B - A that the log-scale error stands for.
      const stdErr = va * stdErrLog;
      change.test = { name: "block-bootstrap-z", statistic: whole.z, pValue, adjustedP: pValue, samplesA: bootA.units, samplesB: bootB.units, stdErr };
    } else if (pct !== undefined) {
      // Too few seconds for the bootstrap: the per-second test alone, and no claim of what it could detect.
      const t = mannWhitneyU(a.perSecond[metric as "p50Ms"], b.perSecond[metric as "p50Ms"]);
      change.test = { name: "mann-whitney-u", statistic: t.u, pValue: t.pValue, adjustedP: t.pValue, samplesA: t.nA, samplesB: t.nB, stdErr: Infinity };
    } else {
      const t = mannWhitneyU(a.perSecond.rps, b.perSecond.rps);
      const stdErr = Math.sqrt(variance(a.perSecond.rps) / Math.max(1, t.nA) + variance(b.perSecond.rps) / Math.max(1, t.nB));
      change.test = { name: "mann-whitney-u", statistic: t.u, pValue: t.pValue, adjustedP: t.pValue, samplesA: t.nA, samplesB: t.nB, stdErr };
    }
    return change;
  });
  return { name, method: (a?.method || b?.method) ?? "", inA: !!fa, inB: !!fb, requestsA: a?.requests ?? 0, requestsB: b?.requests ?? 0, metrics };
}

/** The smallest change the bound calls a regression, in the metric's unit. */
function boundDelta(c: MetricChange, o: Required<CompareOptions>): number {
  const relative = (Math.abs(c.a) * o.maxRegressionPct) / 100;
  return Math.max(relative, c.metric === "errorPct" ? o.minErrorDeltaPct : c.metric === "rps" ? 0 : o.minLatencyDeltaMs);
}

function regressionVerdict(c: MetricChange, o: Required<CompareOptions>): ChangeVerdict {
  if (!c.test) return "not compared";
  const info = COMPARE_METRICS.find((m) => m.metric === c.metric)!;
  const delta = c.b - c.a;
  const worse = info.higherIsWorse ? delta > 0 : delta < 0;
  const relative = c.changePct === null ? (delta === 0 ? 0 : Infinity) : Math.abs(c.changePct);
  const visible = c.metric === "errorPct" ? Math.abs(delta) >= o.minErrorDeltaPct : c.metric === "rps" ? true : Math.abs(delta) >= o.minLatencyDeltaMs;
  if (c.test.adjustedP >= o.alpha) return c.detectable !== undefined && c.detectable > boundDelta(c, o) ? "inconclusive" : "not significant";
  if (relative <= o.maxRegressionPct || !visible) return "within bound";
  return worse ? "regression" : "improvement";
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(3)));
}

/** "these runs could detect only changes of 41 ms (+52 %) or more; run longer" for an inconclusive change. */
export function describeDetectable(c: MetricChange): string {
  if (c.detectable === undefined) return "";
  if (!Number.isFinite(c.detectable)) return `the runs are too short to tell (fewer than ${MIN_BOOTSTRAP_SECONDS} s each to resample); longer runs would tell`;
  const rel = c.a !== 0 ? ` (${fmt((c.detectable / Math.abs(c.a)) * 100)} % of A)` : "";
  return `these runs could detect only changes of ${fmt(c.detectable)} ${c.unit}${rel} or more; longer runs would tell`;
}

export function describeChange(ep: string, c: MetricChange): string {
  const pct = c.changePct === null ? "new" : `${c.changePct > 0 ? "+" : ""}${fmt(c.changePct)} %`;
  const p = c.test ? (c.test.adjustedP < 0.001 ? "p < 0.001" : `p = ${c.test.adjustedP.toFixed(3)}`) : "not tested";
  return `${ep} ${c.label}: ${fmt(c.a)} ${c.unit} → ${fmt(c.b)} ${c.unit} (${pct}, ${p})`;
}

export const COMPARE_METHOD =
  "Figures come from the merged histograms and counts of each whole run, and the tests test those figures: each latency percentile by a z-test of log(B / A) with standard errors from a circular block bootstrap over each run's seconds (blocks of about the cube root of the seconds, 400 replicates, percentiles of the merged counts), combined by Bonferroni (p = 2 x the smaller) with Mann-Whitney U on the per-second percentiles; throughput by Mann-Whitney U on per-second request counts; the error rate by a two-proportion z-test; Holm-Bonferroni adjusted over all tests of the comparison. A regression is a significant worsening beyond the bound (and at least 1 ms of latency or 0.1 percentage points of error rate). Inconclusive: not significant, and the runs were too short to detect a change of the bound's size (80 % power); the smallest change they could detect is given.";

export function compareRuns(a: CompareInput, b: CompareInput, options: CompareOptions = {}): RunComparison {
  const o: Required<CompareOptions> = {
    maxRegressionPct: options.maxRegressionPct ?? 10,
    alpha: options.alpha ?? 0.05,
    minLatencyDeltaMs: options.minLatencyDeltaMs ?? 1,
    minErrorDeltaPct: options.minErrorDeltaPct ?? 0.1,
  };
  const names = new Set<string>();
  for (const l of [...a.intervals, ...b.intervals]) for (const n of Object.keys(l.endpoints)) names.add(n);
  const overall = compareOne("overall", collect(a.intervals, null), collect(b.intervals, null));
  const endpoints = [...names].sort().map((n) => {
    const sa = collect(a.intervals, n);
    const sb = collect(b.intervals, n);
    return compareOne(n, sa.requests > 0 ? sa : undefined, sb.requests > 0 ? sb : undefined);
  });
  endpoints.sort((x, y) => y.requestsA + y.requestsB - (x.requestsA + x.requestsB) || x.name.localeCompare(y.name));
  const all = [overall, ...endpoints].flatMap((e) => e.metrics).filter((m) => m.test);
  holmAdjust(all.map((m) => m.test!.pValue)).forEach((p, i) => (all[i]!.test!.adjustedP = p));
  // Smallest detectable change: (z at alpha / tests, two-sided, + z at 80 % power) standard errors.
  const zNeeded = normalQuantile(1 - o.alpha / (2 * Math.max(1, all.length))) + normalQuantile(0.8);
  for (const m of all) m.detectable = Number.isFinite(m.test!.stdErr) ? Math.round(zNeeded * m.test!.stdErr * 1000) / 1000 : Infinity;
  const regressions: string[] = [];
  for (const ep of [overall, ...endpoints]) {
    for (const m of ep.metrics) {
      m.verdict = regressionVerdict(m, o);
      if (m.verdict === "regression") regressions.push(describeChange(ep.name, m));
    }
  }
  const ref = (x: CompareInput): RunRef => ({ dir: x.dir, name: x.manifest.name, startedAt: x.manifest.startedAt, durationSec: coveredSeconds(x.intervals) });
  const [refA, refB] = [ref(a), ref(b)];
  const differences = comparabilityDifferences(a.manifest, b.manifest, refA.durationSec, refB.durationSec);
  const comparable = differences.length === 0;
  return { a: refA, b: refB, options: o, overall, endpoints, regressions, regression: regressions.length > 0, comparable, differences, method: COMPARE_METHOD };
}
