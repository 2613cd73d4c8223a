// The headline (headline.ts) as each output prints it: the "Answer" section of the Markdown
// documents and of report.html, the console summary of `headroom plan`, and the JUnit suite.
// Every form prints the same labelled lines, so a reader finds the same figures everywhere.
import { escapeXml } from "../escape.js";
import { headlineLines, type PlanHeadline } from "../model/headline.js";

/** "## Answer" and one bullet per line; Markdown documents open with it. */
export function headlineMarkdown(h: PlanHeadline): string[] {
  return ["## Answer", "", ...headlineLines(h).map(([k, v]) => `- **${k}**: ${v}`), ""];
}

/** The Answer section of report.html. */
export function headlineHtml(h: PlanHeadline): string {
  const rows = headlineLines(h)
    .map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd>`)
    .join("");
  return `<section id="answer"><h2>Answer</h2><dl class="answer">${rows}</dl></section>`;
}

/** The console summary: one line per headline line, indented. */
export function headlineText(h: PlanHeadline): string[] {
  return headlineLines(h).map(([k, v]) => `  ${k}: ${v}`);
}

/** A "capacity" testsuite for junit.xml: the figures as properties, the answer in system-out. */
export function headlineJunitSuite(h: PlanHeadline): string {
  const props: [string, number | string | null][] = [
    ["ceiling_rps", h.ceiling.rps],
    ["ceiling_lower_bound", String(h.ceiling.lowerBound)],
    ["slo_capacity_users", h.sloCapacity.users],
    ["slo_capacity_rps", h.sloCapacity.rps],
    ["slo_broke_at_users", h.sloCapacity.brokeAtUsers],
    ["comfortable_users", h.comfortable.users],
    ["breaks_first", h.breaksFirst.component],
    ["confidence", h.confidence],
  ];
  const properties = props.map(([k, v]) => `      <property name="${k}" value="${escapeXml(v === null ? "not measured" : String(v))}"/>`).join("\n");
  const text = headlineLines(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
  return `  <testsuite name="capacity" tests="1" failures="0" errors="0" skipped="0" time="0">\n    <properties>\n${properties}\n    </properties>\n    <testcase classname="headroom.capacity" name="capacity headline" time="0">\n      <system-out>${escapeXml(text)}</system-out>\n    </testcase>\n  </testsuite>`;
}
