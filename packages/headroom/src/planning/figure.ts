// PlanFigure helpers: a number together with its formula, inputs and the formula worked out, or
// null with the names of the inputs that were not measured.
import type { PlanFigure } from "./types.js";

/** Rounds for display and for stable figures: at most `digits` decimals, trailing zeros dropped. */
export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** "1,234.5" style, for worked formulas and text tables. */
export function fmt(v: number, digits = 2): string {
  return round(v, digits).toLocaleString("en-US", { maximumFractionDigits: digits });
}

type Inputs = Record<string, number | string | null | undefined>;

function clean(inputs: Inputs): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const [k, v] of Object.entries(inputs)) out[k] = v ?? null;
  return out;
}

/** The inputs among `names` that are null or undefined. */
export function missingOf(inputs: Inputs, names: string[] = Object.keys(inputs)): string[] {
  return names.filter((n) => inputs[n] === null || inputs[n] === undefined);
}

export function figure(value: number, unit: string, formula: string, inputs: Inputs, worked: string, note?: string): PlanFigure {
  return { value, unit, formula, inputs: clean(inputs), worked, ...(note ? { note } : {}) };
}

/** A figure that cannot be computed because `missing` inputs were not measured. */
export function unknownFigure(unit: string, formula: string, inputs: Inputs, missing: string[], extra?: string): PlanFigure {
  const note = `not measured: ${missing.join(", ")}${extra ? `; ${extra}` : ""}`;
  return { value: null, unit, formula, inputs: clean(inputs), worked: `${formula} = ? (${note})`, note };
}
