// Text and Markdown renderings of a run comparison (the JSON form is the RunComparison itself).
import { describeChange, describeDetectable, type EndpointComparison, type MetricChange, type RunComparison } from "../../analysis/compare.js";
import { formatNumber } from "../format.js";
import { mdTable } from "./markdown.js";

const VERDICT_TEXT: Record<MetricChange["verdict"], string> = {
  regression: "REGRESSION",
  improvement: "improved",
  "within bound": "within bound",
  "not significant": "noise",
  inconclusive: "inconclusive (runs too short)",
  "not compared": "—",
};

function change(c: MetricChange): string {
  if (c.changePct === null) return c.b === c.a ? "0 %" : "new";
  return `${c.changePct > 0 ? "+" : ""}${formatNumber(c.changePct, 3)} %`;
}

function pText(c: MetricChange): string {
  if (!c.test) return "—";
  return c.test.adjustedP < 0.001 ? "<0.001" : c.test.adjustedP.toFixed(3);
}

function rows(c: RunComparison): { ep: EndpointComparison; m: MetricChange }[] {
  return [c.overall, ...c.endpoints].flatMap((ep) => ep.metrics.map((m) => ({ ep, m })));
}

function epLabel(ep: EndpointComparison): string {
  const presence = !ep.inA ? " (only in B)" : !ep.inB ? " (only in A)" : "";
  return `${ep.name === "overall" ? "overall" : `${ep.method} ${ep.name}`}${presence}`;
}

function header(c: RunComparison): string[] {
  return [
    `A (baseline): ${c.a.dir}  [${c.a.name}, ${c.a.startedAt}, ${c.a.durationSec} s]`,
    `B (candidate): ${c.b.dir}  [${c.b.name}, ${c.b.startedAt}, ${c.b.durationSec} s]`,
    `Regression: worse by more than ${formatNumber(c.options.maxRegressionPct, 3)} % and significant (Holm-adjusted p < ${c.options.alpha}).`,
  ];
}

/** One line per inconclusive change: what moved, and the smallest change the runs could detect. */
function inconclusiveLines(c: RunComparison): string[] {
  return rows(c)
    .filter(({ m }) => m.verdict === "inconclusive")
    .map(({ ep, m }) => `${describeChange(ep.name, m)}: ${describeDetectable(m)}`);
}

/** The warning a comparison of two different tests carries; empty when they are comparable. */
export function comparabilityWarning(c: RunComparison): string {
  if (c.comparable) return "";
  return `A and B are not comparable: they differ in ${c.differences.join("; ")}. The figures still compare them, but a change may come from the test, not the system.`;
}

export function renderComparisonText(c: RunComparison): string {
  const table = rows(c).map(({ ep, m }) => [epLabel(ep), `${m.label} (${m.unit})`, formatNumber(m.a, 4), formatNumber(m.b, 4), change(m), pText(m), VERDICT_TEXT[m.verdict]]);
  const head = ["endpoint", "metric", "A", "B", "change", "p (adj.)", "verdict"];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((v, i) => (i >= 2 && i <= 5 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd();
  const out = [...header(c), ...(c.comparable ? [] : ["", `WARNING: ${comparabilityWarning(c)}`]), "", line(head), ...table.map(line), ""];
  out.push(c.regression ? `${c.regressions.length} regression(s):\n${c.regressions.map((r) => `  - ${r}`).join("\n")}` : "No significant regression beyond the bound.");
  const unsure = inconclusiveLines(c);
  if (unsure.length) out.push(`${unsure.length} inconclusive (the runs are too short to detect a change of the bound's size):\n${unsure.map((r) => `  - ${r}`).join("\n")}`);
  out.push("", c.method);
  return out.join("\n") + "\n";
}

export function renderComparisonMarkdown(c: RunComparison): string {
  const out = ["# Run comparison", "", ...header(c).map((h) => `- ${h}`), ""];
  if (!c.comparable) out.push(`> **Warning:** ${comparabilityWarning(c)}`, "");
  out.push(c.regression ? `**Result: ${c.regressions.length} regression(s)**\n\n${c.regressions.map((r) => `- ${r}`).join("\n")}` : "**Result: no significant regression beyond the bound.**", "");
  const unsure = inconclusiveLines(c);
  if (unsure.length) out.push(`**Inconclusive** (the runs are too short to detect a change of the bound's size):\n\n${unsure.map((r) => `- ${r}`).join("\n")}`, "");
  out.push(
    mdTable(
      ["Endpoint", "Metric", "A", "B", "Change", "p (adjusted)", "Verdict"],
      rows(c).map(({ ep, m }) => [epLabel(ep), `${m.label} (${m.unit})`, formatNumber(m.a, 4), formatNumber(m.b, 4), change(m), pText(m), m.verdict === "regression" ? "**REGRESSION**" : VERDICT_TEXT[m.verdict]]),
      ["left", "left", "right", "right", "right", "right", "left"],
    ),
  );
  out.push("", `Method: ${c.method}`, "");
  return out.join("\n");
}
