// Dense linear algebra for the few-parameter fits of analysis (3x3 normal equations): Gaussian
// elimination with partial pivoting. Returns undefined for a singular system instead of NaNs.

export type Matrix = number[][];

/** Solves A x = b; undefined when A is singular (a pivot below 1e-14 of the largest entry). */
export function solveLinear(a: Matrix, b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  const scale = Math.max(...a.flat().map(Math.abs), 0);
  if (scale === 0) return undefined;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-14 * scale) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** A⁻¹, column by column; undefined when singular. */
export function invert(a: Matrix): Matrix | undefined {
  const n = a.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = Array.from({ length: n }, (_, i) => (i === j ? 1 : 0));
    const x = solveLinear(a, e);
    if (!x) return undefined;
    cols.push(x);
  }
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i]!));
}

/** Least squares: the x minimising |A x − y|² (through the normal equations). */
export function leastSquares(rows: number[][], y: number[]): number[] | undefined {
  const p = rows[0]?.length ?? 0;
  const ata = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const aty = new Array<number>(p).fill(0);
  rows.forEach((r, k) => {
    for (let i = 0; i < p; i++) {
      aty[i]! += r[i]! * y[k]!;
      for (let j = 0; j < p; j++) ata[i]![j]! += r[i]! * r[j]!;
    }
  });
  return solveLinear(ata, aty);
}
