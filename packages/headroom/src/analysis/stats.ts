// Small statistics for analysis: summary figures, least-squares trend with its significance,
// Mann-Kendall and Theil-Sen, and the distributions they need (normal, Student's t).
// Numerical recipes: the incomplete beta by Lentz's continued fraction (Numerical Recipes 6.4),
// log-gamma by Lanczos (g = 7, n = 9); accurate to ~1e-10, far beyond what load data warrants.

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Sample standard deviation (n − 1). */
export function stdDev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Coefficient of variation (stdDev / mean); 0 for a constant series. */
export function coefficientOfVariation(xs: readonly number[]): number {
  const m = mean(xs);
  return m === 0 || !Number.isFinite(m) ? 0 : stdDev(xs) / Math.abs(m);
}

export function minMaxAvg(xs: readonly number[]): { min: number; avg: number; max: number } | undefined {
  if (xs.length === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min, avg: mean(xs), max };
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  if (df <= 0) return NaN;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The quantile q (e.g. 0.975) of Student's t, by bisection on the CDF. */
export function studentTQuantile(q: number, df: number): number {
  const target = 2 * (1 - q); // two-sided tail mass
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSidedP(mid, df) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Standard normal CDF, through erfc so the tails keep their precision (fractional error < 1.2e-7).
 * Exactly 0.5 at 0, so a zero test statistic gives a two-sided p of exactly 1.
 */
export function normalCdf(z: number): number {
  if (z === 0) return 0.5;
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Numerical Recipes erfcc's polynomial in t, lowest power first (after the constant -1.26551223). */
const ERFC_POLY = [1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

function erfc(x: number): number {
  // Numerical Recipes erfcc: fractional error < 1.2e-7 everywhere.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  // Horner's rule, innermost coefficient first: c0 + t (c1 + t (c2 + ...)).
  const poly = ERFC_POLY.reduceRight((acc, c) => c + t * acc);
  const r = t * Math.exp(-z * z - 1.26551223 + t * poly);
  return x >= 0 ? r : 2 - r;
}

export interface LinearFit {
  slope: number;
  intercept: number;
  slopeStdErr: number;
  tStat: number;
  pValue: number;
  rSquared: number;
  n: number;
}

/** Ordinary least squares y = a + b x, with the t test of b = 0. */
export function linearRegression(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = xs.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  const sse = Math.max(0, syy - slope * sxy);
  const df = n - 2;
  const slopeStdErr = df > 0 && sxx > 0 ? Math.sqrt(sse / df / sxx) : NaN;
  let tStat: number;
  if (slope === 0) tStat = 0;
  else if (slopeStdErr === 0) tStat = slope > 0 ? Infinity : -Infinity; // a perfect line
  else tStat = slope / slopeStdErr;
  const pValue = df > 0 ? (Number.isFinite(tStat) ? studentTTwoSidedP(tStat, df) : 0) : NaN;
  return { slope, intercept, slopeStdErr, tStat, pValue, rSquared: syy > 0 ? 1 - sse / syy : 1, n };
}

/** Mann-Kendall trend test: S, the tie-corrected normal approximation Z, and its two-sided p-value. */
export function mannKendall(ys: readonly number[]): { s: number; z: number; pValue: number } {
  const n = ys.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(ys[j]! - ys[i]!);
  const ties = new Map<number, number>();
  for (const y of ys) ties.set(y, (ties.get(y) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  if (variance <= 0) return { s, z: 0, pValue: 1 };
  const z = s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  return { s, z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Theil-Sen slope: the median of the slopes between every pair of points. */
export function theilSen(xs: readonly number[], ys: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length - 1; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  }
  return slopes.length > 0 ? median(slopes) : 0;
}

/** Value at percentile p (0-100) of a sample, nearest-rank. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

export const round = (v: number, digits = 2): number => {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
