// capacity-plan.md's "## Growth Projections": users, instances and cost per period of the growth model.
import type { CapacityPlanning } from "../../planning/types.js";
import { formatInt } from "../format.js";
import { mdTable } from "./markdown.js";
import { NO_PLANNING, money, planFigure } from "./plan-figure.js";

export function growthSection(p: CapacityPlanning | undefined): string[] {
  const names = ["Launch", "3 months", "6 months", "1 year"];
  const rows = p?.growth.rows ?? [];
  const growth = rows.length
    ? rows.map((r) => [r.period, `${formatInt(r.expectedUsers)} (assumed: infrastructure model growth)`, planFigure(r.peakConcurrent), `${r.infrastructure}; app instances ${planFigure(r.appInstances)}${r.exceedsMaxInstances ? " (exceeds the configured maximum)" : ""}`])
    : names.map((n) => [n, NO_PLANNING, NO_PLANNING, NO_PLANNING]);
  const cur = p?.infrastructure.currency ?? "USD";
  const costs = p?.growth.costs.length
    ? p.growth.costs.map((c) => [c.period, c.monthly.value !== null ? `${money(c.monthly.value, cur)}/month` : planFigure(c.monthly), `${c.notes}${c.notes ? "; " : ""}${c.lines.map((l) => `${l.quantity} × ${l.item} at ${money(l.unitMonthlyPrice, cur)}`).join(" + ")}`])
    : names.map((n) => [n, NO_PLANNING, NO_PLANNING]);
  const runsOut = p ? [`When the configured setup runs out: ${p.growth.runsOut.month !== null ? `month ${p.growth.runsOut.month} (${p.growth.runsOut.limit})` : `not within ${p.growth.runsOut.horizonMonths} months`}.${p.growth.missing.length ? ` Missing inputs: ${p.growth.missing.join("; ")}.` : ""}`, ""] : [];
  return [
    "## Growth Projections",
    "",
    "### User Growth",
    "",
    mdTable(["Timeframe", "Expected Users", "Peak Concurrent", "Infrastructure Needed"], growth),
    "",
    ...runsOut,
    "### Cost Projections",
    "",
    mdTable(["Timeframe", "Infrastructure Cost", "Notes"], costs),
    "",
    ...(p ? [`Prices are assumptions of the infrastructure model: ${p.infrastructure.assumptions[0] ?? "see the model"}`, ""] : []),
  ];
}
