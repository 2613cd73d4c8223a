// Segments and weighted splits by striping (k6's execution segments, simplified): item i of a
// sequence (a user in start order, an arrival) belongs to the part [from, to) whose count
//   count(n) = ceil(n * to) - ceil(n * from)
// grows when n goes from i to i + 1. The parts of a partition of [0, 1) together take every item
// exactly once, each part holds its exact share of any prefix (within one), and the first item
// goes to the first part. The same arithmetic splits users across worker threads, across hosts,
// and across user classes by weight. Fractions are kept as integers over a common denominator.

export interface Segment {
  /** Numerator of the start of the part. */
  from: number;
  /** Numerator of the end of the part. */
  to: number;
  /** Common denominator. */
  of: number;
}

const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

/** How many of the first n items fall in the segment. */
export function countInSegment(seg: Segment, n: number): number {
  if (n <= 0) return 0;
  return ceilDiv(n * seg.to, seg.of) - ceilDiv(n * seg.from, seg.of);
}

/** Whether item i (0-based) falls in the segment. */
export function inSegment(seg: Segment, i: number): boolean {
  return countInSegment(seg, i + 1) > countInSegment(seg, i);
}

export const WHOLE: Segment = { from: 0, to: 1, of: 1 };

/** Splits [0, 1) into k equal segments (worker threads or hosts). */
export function equalSegments(k: number): Segment[] {
  return Array.from({ length: k }, (_, i) => ({ from: i, to: i + 1, of: k }));
}

/** Parses "2/4" (the 3rd of 4 equal parts, 0-based index) or "0:1/4" (from:to/of). */
export function parseSegment(text: string): Segment | undefined {
  const m = /^(\d+)(?::(\d+))?\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const of = Number(m[3]);
  const from = Number(m[1]);
  const to = m[2] !== undefined ? Number(m[2]) : from + 1;
  if (of < 1 || from >= to || to > of) return undefined;
  return { from, to, of };
}

/** Segments proportional to weights (user classes). Weights may be fractional; they are scaled to integers. */
export function weightedSegments(weights: readonly number[]): Segment[] {
  const scale = weights.every((w) => Number.isInteger(w)) ? 1 : 1_000_000;
  const ints = weights.map((w) => Math.round(Math.max(0, w) * scale));
  const total = ints.reduce((a, b) => a + b, 0);
  if (total === 0) throw new Error("weightedSegments needs at least one positive weight");
  let acc = 0;
  return ints.map((w) => {
    const seg = { from: acc, to: acc + w, of: total };
    acc += w;
    return seg;
  });
}

/** The index of the part item i belongs to, for a partition of [0, 1). */
export function partOf(parts: readonly Segment[], i: number): number {
  for (let p = 0; p < parts.length; p++) if (parts[p]!.to > parts[p]!.from && inSegment(parts[p]!, i)) return p;
  throw new Error(`item ${i} is in no part: the parts do not cover [0, 1)`);
}

/** The fraction of all items the segment holds. */
export function segmentShare(seg: Segment): number {
  return (seg.to - seg.from) / seg.of;
}
