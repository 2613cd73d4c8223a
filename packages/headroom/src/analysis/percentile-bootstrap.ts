// The standard error of a whole run's latency percentile, by a circular block bootstrap over its
// seconds. `compare` reports the P50/P95/P99 of each run's merged histogram; this tests that very
// figure, not the percentile of a typical second: when a queue builds up for a few seconds, the
// typical second may not move while the whole run's P99 does.
//
// Seconds of a run are dependent (a queue lasts several seconds), so they are resampled in blocks
// of consecutive seconds (circular, so every second is equally likely), each replicate as long as
// the run; the replicate's percentile comes from its merged counts. Long runs are first grouped
// into at most MAX_UNITS chunks of consecutive seconds, so the cost stays bounded.
import { histogramPoints } from "../metrics/histogram-points.js";
import { seededRng } from "../core/rng.js";

const MAX_UNITS = 120;
const REPLICATES = 400;

/** One unit of resampling (a second, or a chunk of seconds): indices into the value grid and counts. */
interface Unit {
  idx: Int32Array;
  counts: Float64Array;
}

export interface PercentileBootstrap {
  /** Percentile of the whole run (merged counts), ms, per requested percentile. */
  valuesMs: number[];
  /** Bootstrap standard error of each, ms. */
  stdErrMs: number[];
  /** Bootstrap standard error of the natural log of each (latency is right-skewed: ratios are tested). */
  stdErrLog: number[];
  units: number;
  blockLength: number;
  replicates: number;
}

function quantiles(counts: Float64Array, grid: number[], total: number, ps: number[]): number[] {
  const wanted = ps.map((p) => Math.max(1, Math.ceil((p / 100) * total)));
  const out = new Array<number>(ps.length).fill(grid[grid.length - 1] ?? 0);
  let cum = 0;
  let k = 0;
  for (let i = 0; i < counts.length && k < wanted.length; i++) {
    cum += counts[i]!;
    while (k < wanted.length && cum >= wanted[k]!) out[k++] = grid[i]!;
  }
  return out;
}

/** Builds the units of one run from each second's encoded histograms (seconds without requests count as empty). */
function unitsOf(seconds: string[][]): { grid: number[]; units: Unit[] } {
  const perSecond = seconds.map((hs) => hs.filter(Boolean).map(histogramPoints));
  const gridSet = new Set<number>();
  for (const s of perSecond) for (const p of s) for (const v of p.valuesUs) gridSet.add(v);
  const grid = [...gridSet].sort((a, b) => a - b);
  const at = new Map(grid.map((v, i) => [v, i]));
  const chunk = Math.max(1, Math.ceil(perSecond.length / MAX_UNITS));
  const units: Unit[] = [];
  for (let from = 0; from < perSecond.length; from += chunk) {
    const sum = new Map<number, number>();
    for (const s of perSecond.slice(from, from + chunk)) {
      for (const p of s) p.valuesUs.forEach((v, i) => sum.set(at.get(v)!, (sum.get(at.get(v)!) ?? 0) + p.counts[i]!));
    }
    const idx = Int32Array.from(sum.keys());
    units.push({ idx, counts: Float64Array.from(idx, (i) => sum.get(i)!) });
  }
  return { grid, units };
}

/** Whole-run percentiles and their block-bootstrap standard errors; seeded, so the same runs give the same answer. */
export function bootstrapPercentiles(seconds: string[][], ps: number[], seed = 1): PercentileBootstrap {
  const { grid, units } = unitsOf(seconds);
  const n = units.length;
  const blockLength = Math.max(1, Math.round(Math.cbrt(n)));
  const counts = new Float64Array(grid.length);
  const fill = (pick: (i: number) => Unit): number => {
    counts.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const u = pick(i);
      for (let j = 0; j < u.idx.length; j++) {
        counts[u.idx[j]!]! += u.counts[j]!;
        total += u.counts[j]!;
      }
    }
    return total;
  };
  const total = fill((i) => units[i]!);
  if (n === 0 || total === 0) return { valuesMs: ps.map(() => 0), stdErrMs: ps.map(() => 0), stdErrLog: ps.map(() => 0), units: n, blockLength, replicates: 0 };
  const valuesMs = quantiles(counts, grid, total, ps).map((v) => v / 1000);
  const rng = seededRng(seed);
  const sums = ps.map(() => 0);
  const squares = ps.map(() => 0);
  const logSums = ps.map(() => 0);
  const logSquares = ps.map(() => 0);
  let used = 0;
  for (let r = 0; r < REPLICATES; r++) {
    const starts: number[] = [];
    for (let b = 0; b * blockLength < n; b++) starts.push(Math.floor(rng.next() * n));
    const t = fill((i) => units[(starts[Math.floor(i / blockLength)]! + (i % blockLength)) % n]!);
    if (t === 0) continue;
    used++;
    quantiles(counts, grid, t, ps).forEach((v, k) => {
      sums[k]! += v / 1000;
      squares[k]! += (v / 1000) ** 2;
      const l = Math.log(Math.max(1, v));
      logSums[k]! += l;
      logSquares[k]! += l * l;
    });
  }
  const sd = (sum: number[], sq: number[], k: number): number => (used > 1 ? Math.sqrt(Math.max(0, (sq[k]! - sum[k]! ** 2 / used) / (used - 1))) : 0);
  const stdErrMs = ps.map((_, k) => sd(sums, squares, k));
  return { valuesMs, stdErrMs, stdErrLog: ps.map((_, k) => sd(logSums, logSquares, k)), units: n, blockLength, replicates: used };
}
