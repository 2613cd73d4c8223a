// Markdown building blocks shared by the documents: tables with aligned columns and the
// "not measured: <reason>" convention for figures without data.
import { escapeMdCell } from "../escape.js";

export type Align = "left" | "right";

/** A GitHub-flavoured Markdown table; cells are escaped. */
export function mdTable(head: string[], rows: (string | number)[][], align: Align[] = []): string {
  const cell = (v: string | number): string => escapeMdCell(String(v));
  const sep = head.map((_, i) => (align[i] === "right" ? "---:" : "---"));
  return [`| ${head.map(cell).join(" | ")} |`, `| ${sep.join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

/** The value with its unit, or "not measured: <reason>". */
export function orNotMeasured(value: number | null | undefined, fmt: (v: number) => string, reason: string): string {
  return value === undefined || value === null || !Number.isFinite(value) ? `not measured: ${reason}` : fmt(value);
}
