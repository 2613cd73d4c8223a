// The Universal Scalability Law (Gunther): X(N) = γN / (1 + α(N−1) + βN(N−1)).
//   γ  throughput of one user/connection (ideal linear slope)
//   α  contention: the serial fraction that queues (flattens the curve)
//   β  coherency: pairwise crosstalk (bends the curve down past nMax)
//
// Fitted by bounded non-linear least squares on throughput (α, β ≥ 0): a linearised start
// (N/X is a quadratic in N with coefficients 1/γ, α/γ, β/γ) refined by Levenberg-Marquardt.
// The bounds are handled exactly by an active set: the unconstrained fit, then each fit with α
// and/or β held at 0; the best feasible one is the constrained optimum (with two bounded
// parameters the optimum lies in one of those four faces).
import { HeadroomError } from "../core/errors.js";
import { invert, leastSquares, solveLinear } from "./linear-algebra.js";
import { studentTQuantile } from "./stats.js";
import type { UslFit } from "./types.js";

export interface UslPoint {
  concurrency: number;
  throughput: number;
}

/** Fewer points than this and the fit is flagged as weak (three parameters need room to be checked). */
export const USL_MIN_POINTS = 6;

type Params = [alpha: number, beta: number, gamma: number];

export function uslThroughput(n: number, alpha: number, beta: number, gamma: number): number {
  return (gamma * n) / (1 + alpha * (n - 1) + beta * n * (n - 1));
}

function sse(points: readonly UslPoint[], p: Params): number {
  let s = 0;
  for (const { concurrency: n, throughput: x } of points) s += (x - uslThroughput(n, p[0], p[1], p[2])) ** 2;
  return s;
}

/** ∂X/∂(α, β, γ) at one point. */
function gradient(n: number, p: Params): Params {
  const d = 1 + p[0] * (n - 1) + p[1] * n * (n - 1);
  const x = (p[2] * n) / d;
  return [(-x * (n - 1)) / d, (-x * n * (n - 1)) / d, n / d];
}

/** Linearised start: least squares of N/X on [1, N−1, N(N−1)] over the free columns. */
function linearStart(points: readonly UslPoint[], free: readonly number[]): Params | undefined {
  const cols = [(_: number) => 1, (n: number) => n - 1, (n: number) => n * (n - 1)];
  const used = [0, ...free.filter((i) => i !== 2).map((i) => i + 1)];
  const c = leastSquares(
    points.map((pt) => used.map((k) => cols[k]!(pt.concurrency))),
    points.map((pt) => pt.concurrency / pt.throughput),
  );
  if (!c || !(c[0]! > 0)) return undefined;
  const p: Params = [0, 0, 1 / c[0]!];
  used.forEach((k, i) => {
    if (k > 0) p[k - 1] = Math.max(0, c[i]! / c[0]!);
  });
  return p;
}

/** Levenberg-Marquardt over the free parameter indices (others stay as given). */
function levenbergMarquardt(points: readonly UslPoint[], start: Params, free: readonly number[]): { p: Params; iterations: number; converged: boolean } {
  let p: Params = [...start];
  let cost = sse(points, p);
  let lambda = 1e-3;
  for (let it = 1; it <= 500; it++) {
    const k = free.length;
    const jtj = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const jtr = new Array<number>(k).fill(0);
    for (const { concurrency: n, throughput: x } of points) {
      const g = gradient(n, p);
      const r = x - uslThroughput(n, p[0], p[1], p[2]);
      for (let i = 0; i < k; i++) {
        jtr[i]! += g[free[i]!]! * r;
        for (let j = 0; j < k; j++) jtj[i]![j]! += g[free[i]!]! * g[free[j]!]!;
      }
    }
    let improved = false;
    while (lambda < 1e16) {
      // Marquardt's scaling: damping proportional to the diagonal keeps α, β and γ (orders of magnitude apart) comparable.
      const damped = jtj.map((row, i) => row.map((v, j) => (i === j ? v * (1 + lambda) + 1e-300 : v)));
      const step = solveLinear(damped, jtr);
      if (!step) {
        lambda *= 10;
        continue;
      }
      const next: Params = [...p];
      free.forEach((idx, i) => (next[idx] = next[idx]! + step[i]!));
      // Inside one face of the active set the parameters stay feasible: clip instead of crossing.
      next[0] = Math.max(0, next[0]);
      next[1] = Math.max(0, next[1]);
      next[2] = Math.max(1e-300, next[2]);
      const nextCost = sse(points, next);
      if (nextCost <= cost) {
        const rel = (cost - nextCost) / Math.max(cost, 1e-300);
        const moved = free.some((idx) => Math.abs(next[idx]! - p[idx]!) > 1e-13 * Math.max(Math.abs(p[idx]!), 1e-12));
        p = next;
        cost = nextCost;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (rel < 1e-15 || !moved) return { p, iterations: it, converged: true };
        break;
      }
      lambda *= 10;
    }
    if (!improved) return { p, iterations: it, converged: true }; // no step lowers the cost: at the minimum
  }
  return { p, iterations: 500, converged: false };
}

function checkPoints(points: readonly UslPoint[]): void {
  for (const pt of points) {
    if (!(pt.concurrency > 0) || !(pt.throughput > 0) || !Number.isFinite(pt.concurrency) || !Number.isFinite(pt.throughput)) {
      throw new HeadroomError(
        "HR_INPUT_INVALID",
        `USL point (concurrency ${pt.concurrency}, throughput ${pt.throughput}) is not usable; expected both positive and finite`,
        "remove rows with zero or negative concurrency or throughput (a step that served nothing cannot be fitted)",
      );
    }
  }
  if (new Set(points.map((p) => p.concurrency)).size < 3) {
    throw new HeadroomError(
      "HR_INPUT_INVALID",
      `the USL needs at least 3 distinct concurrency levels; got ${new Set(points.map((p) => p.concurrency)).size}`,
      `measure more load levels (at least ${USL_MIN_POINTS} for a trustworthy fit), e.g. with \`headroom search\``,
    );
  }
}

/** Fits the USL to (concurrency, throughput) points with α, β ≥ 0. */
export function fitUsl(points: readonly UslPoint[]): UslFit {
  checkPoints(points);
  const faces: number[][] = [
    [0, 1, 2],
    [1, 2],
    [0, 2],
    [2],
  ];
  let best: { p: Params; cost: number; iterations: number; converged: boolean; free: number[] } | undefined;
  let iterations = 0;
  for (const free of faces) {
    const gammaStart = Math.max(...points.map((p) => p.throughput / p.concurrency));
    const start = linearStart(points, free) ?? [free.includes(0) ? 0.01 : 0, free.includes(1) ? 1e-4 : 0, gammaStart];
    if (!free.includes(0)) start[0] = 0;
    if (!free.includes(1)) start[1] = 0;
    const r = levenbergMarquardt(points, start, free);
    iterations += r.iterations;
    const cost = sse(points, r.p);
    if (!best || cost < best.cost * (1 - 1e-12)) best = { ...r, cost, free };
  }
  const { p, cost } = best!;
  const [alpha, beta, gamma] = p;
  const n = points.length;
  const mx = points.reduce((s, q) => s + q.throughput, 0) / n;
  const sst = points.reduce((s, q) => s + (q.throughput - mx) ** 2, 0);
  const dof = n - 3;
  const warnings: string[] = [];
  if (n < USL_MIN_POINTS) warnings.push(`only ${n} points: a three-parameter fit needs at least ${USL_MIN_POINTS} load levels to be trusted; measure more steps`);
  if (!best!.converged) warnings.push("the fit did not converge within 500 iterations; treat the coefficients as rough");
  const maxN = Math.max(...points.map((q) => q.concurrency));
  let nMax: number;
  if (beta > 0) nMax = alpha >= 1 ? 1 : Math.sqrt((1 - alpha) / beta);
  else nMax = Infinity;
  let xMax: number;
  if (Number.isFinite(nMax)) xMax = uslThroughput(nMax, alpha, beta, gamma);
  else xMax = alpha > 0 ? gamma / alpha : Infinity;
  if (Number.isFinite(nMax) && nMax > 2 * maxN) warnings.push(`nMax (${nMax.toFixed(0)}) lies far beyond the largest measured concurrency (${maxN}): an extrapolation`);
  if (beta === 0 && alpha === 0) warnings.push("α = β = 0 (neither contention nor coherency delay measured): throughput grew linearly with concurrency (X = γN) over the data, with no ceiling in sight");
  else if (beta === 0) warnings.push("β = 0 (no coherency delay measured): throughput approaches γ/α without a peak within the data");

  const fit: UslFit = {
    alpha,
    beta,
    gamma,
    nMax,
    xMax,
    rSquared: sst > 0 ? 1 - cost / sst : 1,
    points: n,
    residualStdErr: dof > 0 ? Math.sqrt(cost / dof) : NaN,
    iterations,
    converged: best!.converged,
    warnings,
  };
  const ci = confidenceIntervals(points, p, cost);
  if (ci) fit.ci = ci;
  else if (dof > 0) warnings.push("confidence intervals unavailable: the data do not determine all three coefficients");
  return fit;
}

/** 95 % intervals from s²(JᵀJ)⁻¹ at the optimum (clipped at the α, β ≥ 0 bound). */
function confidenceIntervals(points: readonly UslPoint[], p: Params, cost: number): UslFit["ci"] | undefined {
  const dof = points.length - 3;
  if (dof <= 0) return undefined;
  const jtj = Array.from({ length: 3 }, () => new Array<number>(3).fill(0));
  for (const { concurrency: n } of points) {
    const g = gradient(n, p);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) jtj[i]![j]! += g[i]! * g[j]!;
  }
  const inv = invert(jtj);
  if (!inv) return undefined;
  const s2 = cost / dof;
  const t = studentTQuantile(0.975, dof);
  const half = (i: number): number => t * Math.sqrt(Math.max(0, s2 * inv[i]![i]!));
  const interval = (i: number, floor: number): [number, number] => [Math.max(floor, p[i]! - half(i)), p[i]! + half(i)];
  const out = { alpha: interval(0, 0), beta: interval(1, 0), gamma: interval(2, 0) };
  if ([...out.alpha, ...out.beta, ...out.gamma].some((v) => !Number.isFinite(v))) return undefined;
  return out;
}

/**
 * Parses `concurrency,throughput` CSV (header optional, `#` comments and blank lines ignored).
 * Throws HR_INPUT_INVALID naming the line.
 */
export function parseUslCsv(text: string, name = "input"): UslPoint[] {
  const points: UslPoint[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    const [a, b] = [Number(cells[0]), Number(cells[1])];
    if (cells.length < 2 || cells[0] === "" || cells[1] === "" || !Number.isFinite(a) || !Number.isFinite(b)) {
      if (points.length === 0 && i === lines.findIndex((l) => l.trim() !== "" && !l.trim().startsWith("#"))) return; // a header row
      throw new HeadroomError(
        "HR_INPUT_INVALID",
        `${name} line ${i + 1}: "${line}" is not two numbers; expected "concurrency,throughput" such as "8,412.5"`,
        "give one load level per line, concurrency then throughput, separated by a comma (a header line is allowed)",
      );
    }
    points.push({ concurrency: a, throughput: b });
  });
  return points;
}
