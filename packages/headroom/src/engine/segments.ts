// How items (users in start order, arrivals) are split, exactly and deterministically.
//
// Segment: a share of the load for a worker thread or a host, k6's "execution segment" in
// its simplest exact form. The sequence is dealt round-robin into `of` equal lanes and a segment
// holds lanes [from, to): item i belongs to it when i mod of falls in [from, to). Segments nest
// (a host's share split again across its workers): each level deals the items the level above
// kept, by their position among them. Together, the segments of a level hold every item exactly
// once, and each holds its share of every prefix within one item.
//
// WeightedPartition: the split of users across classes by weight (70/25/4/1), by smooth weighted
// round-robin (nginx's upstream algorithm): each class earns its weight every step and the richest
// takes the item. Over every period of sum(weights) items the shares are exact, on any prefix each
// class is within one user of its share, and the first user goes to the heaviest class.

export interface Segment {
  /** First lane held (0-based). */
  from: number;
  /** One past the last lane held. */
  to: number;
  /** Number of lanes. */
  of: number;
}

/** A segment, possibly nested: path[0] splits the whole sequence, path[1] what path[0] kept, ... */
export type SegmentPath = readonly Segment[];

export const WHOLE: SegmentPath = [];

function countOne(seg: Segment, n: number): number {
  if (n <= 0) return 0;
  const full = Math.floor(n / seg.of) * (seg.to - seg.from);
  const rest = n % seg.of;
  return full + Math.max(0, Math.min(rest, seg.to) - seg.from);
}

/** How many of the first n items the segment holds. */
export function countInSegment(path: SegmentPath, n: number): number {
  let k = n;
  for (const seg of path) k = countOne(seg, k);
  return k;
}

/** Whether item i (0-based) belongs to the segment. */
export function inSegment(path: SegmentPath, i: number): boolean {
  let k = i;
  for (const seg of path) {
    const lane = k % seg.of;
    if (lane < seg.from || lane >= seg.to) return false;
    k = countOne(seg, k); // position among the items this level kept
  }
  return true;
}

/** The fraction of all items the segment holds. */
export function segmentShare(path: SegmentPath): number {
  return path.reduce((s, seg) => s * ((seg.to - seg.from) / seg.of), 1);
}

/** k equal segments of what `parent` holds (one per worker thread). */
export function equalSegments(k: number, parent: SegmentPath = WHOLE): SegmentPath[] {
  return Array.from({ length: k }, (_, i) => (k === 1 ? parent : [...parent, { from: i, to: i + 1, of: k }]));
}

/** Parses "2/4" (lane 2 of 4, 0-based) or "0:2/4" (lanes 0 and 1 of 4). */
export function parseSegment(text: string): Segment | undefined {
  const m = /^(\d+)(?::(\d+))?\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const of = Number(m[3]);
  const from = Number(m[1]);
  const to = m[2] !== undefined ? Number(m[2]) : from + 1;
  if (of < 1 || from >= to || to > of) return undefined;
  return { from, to, of };
}

export function formatSegment(path: SegmentPath): string {
  return path.length === 0 ? "whole" : path.map((s) => (s.to === s.from + 1 ? `${s.from}/${s.of}` : `${s.from}:${s.to}/${s.of}`)).join(" > ");
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** Periods longer than this are approximated (weights rounded to 1/10,000 of the total). */
const MAX_PERIOD = 100_000;

export class WeightedPartition {
  readonly weights: readonly number[];
  private readonly period: number;
  /** Part of each item of one period. */
  private readonly owner: Int32Array;
  /** prefix[p * (period + 1) + r]: items of part p among the first r of a period. */
  private readonly prefix: Int32Array;

  constructor(weights: readonly number[]) {
    if (!weights.some((w) => w > 0)) throw new Error("a weighted partition needs at least one positive weight");
    const total = weights.reduce((a, b) => a + Math.max(0, b), 0);
    let ints = weights.map((w) => Math.max(0, w));
    if (!ints.every(Number.isInteger) || total > MAX_PERIOD) ints = ints.map((w) => Math.round((w / total) * 10_000));
    const g = ints.reduce((a, b) => gcd(a, b), 0) || 1;
    ints = ints.map((w) => w / g);
    this.weights = ints;
    this.period = ints.reduce((a, b) => a + b, 0);
    this.owner = new Int32Array(this.period);
    const current = ints.map(() => 0);
    for (let i = 0; i < this.period; i++) {
      let best = -1;
      for (let p = 0; p < ints.length; p++) {
        current[p] += ints[p]!;
        if (ints[p]! > 0 && (best < 0 || current[p]! > current[best]!)) best = p;
      }
      current[best] -= this.period;
      this.owner[i] = best;
    }
    const row = this.period + 1;
    this.prefix = new Int32Array(ints.length * row);
    for (let p = 0; p < ints.length; p++) {
      for (let r = 0; r < this.period; r++) this.prefix[p * row + r + 1] = this.prefix[p * row + r]! + (this.owner[r] === p ? 1 : 0);
    }
  }

  /** The part (class) item i belongs to. */
  partOf(i: number): number {
    return this.owner[i % this.period]!;
  }

  /** How many of the first n items belong to part p (so item i is the countIn(p, i)-th of its part). */
  countIn(p: number, n: number): number {
    if (n <= 0) return 0;
    return Math.floor(n / this.period) * this.weights[p]! + this.prefix[p * (this.period + 1) + (n % this.period)]!;
  }
}
