// Pieces shared by the run page and the plan page of the HTML report: tables, verdict badges,
// "absent" lines, the capacity table and bottleneck cards.
import type { Bottleneck, CapacityAnalysis } from "../../analysis/types.js";
import { escapeXml as e } from "../escape.js";
import { formatInt, formatMs, formatNumber, formatPct } from "../format.js";

export const absent = (text: string): string => `<p class="absent">${e(text)}</p>`;
const num = (v: string): string => `<td class="num">${v}</td>`;
export const badge = (v: string, cls = ""): string => `<span class="badge ${e(v)} ${cls}">${e(v.replace("_", " "))}</span>`;

export function table(head: string[], rows: string[][], numeric: boolean[]): string {
  const th = head.map((h, i) => `<th${numeric[i] ? ' class="num"' : ""}>${e(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c, i) => (numeric[i] ? num(c) : `<td>${c}</td>`)).join("")}</tr>`).join("");
  return `<div class="table-wrap"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** `ceiling`: the plan's headline ceiling (headline.ts), shown as the max requests/second so the page agrees with the documents. */
export function capacitySection(c: CapacityAnalysis | undefined, ceiling?: { text: string; confidence: string }): string {
  if (!c) return absent("Not measured: a capacity analysis needs several load levels (headroom search, or the suite of headroom plan).");
  const fig = (v: number | null, unit: string): string => (v === null ? "not reached in the tested range" : `${formatNumber(v, 4)} ${unit}`);
  const rows = [
    ["Max concurrent users", fig(c.maxUsers.value, c.maxUsers.unit), c.maxUsers.confidence, `${c.maxUsers.reason} (${c.maxUsers.formula})`],
    ceiling ? ["Max requests/second (ceiling)", ceiling.text, ceiling.confidence, "the saturation throughput: where throughput levels off over the load steps"] : ["Max requests/second", fig(c.maxRps.value, c.maxRps.unit), c.maxRps.confidence, `${c.maxRps.reason} (${c.maxRps.formula})`],
    ["Breaking point", c.breakingPoint.users !== null ? `${formatInt(c.breakingPoint.users)} users` : c.breakingPoint.rps !== null ? `${formatNumber(c.breakingPoint.rps, 4)} req/s` : "not reached in the tested range", c.breakingPoint.confidence, `${c.breakingPoint.limit}: ${c.breakingPoint.reason}`],
    ["Comfortable capacity", c.comfortable.users !== null ? `${formatInt(c.comfortable.users)} users` : c.comfortable.rps !== null ? `${formatNumber(c.comfortable.rps, 4)} req/s` : "not measured", c.comfortable.confidence, c.comfortable.reason],
  ].map((r) => [e(r[0]!), e(r[1]!), e(r[2]!), `<span class="src">${e(r[3]!)}</span>`]);
  let html = table(["Figure", "Value", "Confidence", "How it was derived"], rows, [false, true, false, false]);
  if (c.usl) {
    const u = c.usl;
    html += `<p>Universal Scalability Law fit over ${u.points} points: α (contention) = ${formatNumber(u.alpha, 3)}, β (coherency) = ${formatNumber(u.beta, 3)}, γ (throughput of one user) = ${formatNumber(u.gamma, 3)} req/s, R² = ${u.rSquared.toFixed(3)}; peak throughput ${Number.isFinite(u.xMax) ? `${formatNumber(u.xMax, 4)} req/s` : "unbounded"} at ${Number.isFinite(u.nMax) ? `${formatInt(u.nMax)} users` : "no finite concurrency"}.${u.warnings.length ? ` ${e(u.warnings.join("; "))}` : ""}</p>`;
  }
  if (c.degradation.length > 0) {
    const rows2 = c.degradation.map((d) => [d.users !== undefined ? formatInt(d.users) : `${formatNumber(d.targetRate ?? 0, 4)} /s`, formatNumber(d.rps, 4), formatMs(d.p95Ms), formatPct(d.errorPct), badge(d.verdict), e(d.behaviour)]);
    html += `<h3>Behaviour by load level</h3>${table([c.model === "open" ? "Arrival rate" : "Users", "req/s", "P95 ms", "Error %", "Verdict", "Behaviour"], rows2, [true, true, true, true, false, false])}`;
  }
  html += `<p class="absent">Overall confidence: ${e(c.confidence)}: ${e(c.confidenceReason)}</p>`;
  return html;
}

export function bottleneckCard(b: Bottleneck): string {
  const evidence = b.evidence.map((x) => `${e(x.what)}: <b>${e(typeof x.value === "number" ? formatNumber(x.value, 4) : x.value)}${x.unit ? ` ${e(x.unit)}` : ""}</b> <span class="src">(${e(x.source)})</span>`).join("<br>");
  return `<div class="bottleneck ${e(b.rank)}"><h4>${e(b.rank[0]!.toUpperCase() + b.rank.slice(1))}: ${e(b.componentLabel)}</h4><dl><dt>Symptom</dt><dd>${e(b.symptom)}</dd><dt>Evidence</dt><dd>${evidence || "—"}</dd><dt>Limit</dt><dd>${e(b.limit)}</dd><dt>Impact</dt><dd>${e(b.impact)}</dd><dt>Recommendation</dt><dd>${e(b.recommendation)}</dd></dl></div>`;
}

