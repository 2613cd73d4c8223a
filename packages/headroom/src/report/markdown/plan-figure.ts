// What every section of capacity-plan.md writes the same way: a planning figure with its formula,
// the "planning did not run" reason, money and instance sizes, a figure per load-level test.
import type { RunAnalysis } from "../../analysis/types.js";
import type { InstanceSize, PlanFigure } from "../../planning/types.js";
import { formatNumber } from "../format.js";
import { findRun, type PlanReportModel } from "../model/plan-report-model.js";

export const NO_PLANNING = "not measured: planning did not run (no infrastructure model or capacity inputs)";

/** A planning figure as "4 instances (ceil(600 / 150) = 4)", or "not measured: <why>". */
export function planFigure(f: PlanFigure | undefined, digits = 3): string {
  if (!f) return NO_PLANNING;
  if (f.value === null) return f.note?.startsWith("not measured") ? f.note : `not measured: ${f.note ?? "an input was not measured"}`;
  const unit = f.unit === "%" ? "%" : f.unit ? ` ${f.unit}` : "";
  return `${formatNumber(f.value, digits)}${unit} (${f.worked})`;
}

/** An amount as "$1,200" (USD) or "EUR 1,200". */
export const money = (v: number, currency: string): string => `${currency === "USD" ? "$" : `${currency} `}${Math.round(v).toLocaleString("en-US")}`;
/** An instance size as "m5.large (2 vCPU, 8 GB, $70/month)". */
export const instanceSize = (s: InstanceSize, currency: string): string => `${s.type} (${s.vcpus} vCPU, ${formatNumber(s.memoryGb, 3)} GB, ${money(s.monthlyPrice, currency)}/month)`;
export const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The highest reading of a resource (host.cpuPct, db.connectionsPct, ...) in a run's analysis. */
export function resourceMax(a: RunAnalysis | undefined, id: string): number | undefined {
  return a?.resources.find((r) => r.metric === id && r.max !== undefined)?.max;
}

/** "baseline 12 ms · peak 40 ms · sustained 15 ms" over the load-level tests that ran. */
export function perTest(model: PlanReportModel, fmt: (run: NonNullable<ReturnType<typeof findRun>>) => string | undefined): string {
  const parts: string[] = [];
  for (const p of ["baseline", "peak", "sustained"]) {
    const run = findRun(model, p);
    const v = run ? fmt(run) : undefined;
    if (v !== undefined) parts.push(`${p} ${v}`);
  }
  return parts.length ? parts.join(" · ") : "not measured: no baseline, peak or sustained run";
}
