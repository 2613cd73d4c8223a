// The plan's report.html: one self-contained page over the whole suite: how each test did (with a
// link to its own page), capacity and the scalability curve, degradation by load level,
// bottlenecks, and planning (autoscaling replay, growth, cost, connection budget).
import { generatorNote } from "../../analysis/disturbance.js";
import type { CapacityPlanning } from "../../planning/types.js";
import { escapeXml as e } from "../escape.js";
import { failureRun, failureScenariosHtml } from "../markdown/failure-scenarios.js";
import { formatBytes, formatDuration, formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { autoscaleChart, degradationChart, suiteCurveChart } from "./html-charts.js";
import { absent, badge, bottleneckCard, capacitySection, table } from "./html-parts.js";
import { REPORT_CSS } from "./html-style.js";
import { headlineOf } from "../model/headline.js";
import { headlineHtml } from "../markdown/headline-render.js";
import { analyses, type PlanReportModel } from "../model/plan-report-model.js";
import { planFigure } from "../markdown/plan-figure.js";
import { testTitle } from "../markdown/test-result.js";
import { searchNotReached, searchSummaryLine } from "../markdown/capacity-plan-search.js";

function testsSection(m: PlanReportModel): string {
  if (m.runs.length === 0) return absent("No test ran.");
  const rows = m.runs.map(({ profile, report: r, files }) => {
    const s = r.summary;
    const name = files?.html ? `<a href="${e(files.html)}">${e(testTitle(profile))}</a>` : e(testTitle(profile));
    const failed = r.verdicts.filter((v) => v.verdict === "FAIL").map((v) => v.label);
    return [r.verdict ? badge(r.verdict) : badge("NOT_MEASURED"), name, formatInt(s.peakUsers), e(formatDuration(s.durationSec)), formatInt(s.requests.total), formatNumber(s.requests.ratePerSec, 4), formatMs(s.latencyMs.p95), formatMs(s.latencyMs.p99), formatPct(s.requests.total ? (s.requests.failed / s.requests.total) * 100 : 0), e(failed.join(", ") || "—")];
  });
  return table(["Verdict", "Test", "Users", "Duration", "Requests", "req/s", "P95 ms", "P99 ms", "Error %", "Failed targets"], rows, [false, false, true, true, true, true, true, true, true, false]);
}

/** The breaking-point search: how it ran and ended, and its steps. */
function searchSection(m: PlanReportModel): string {
  const s = m.search;
  if (!s) return "";
  const rows = s.result.detail.steps.map((st, i) => [String(i + 1), e(st.pass), formatInt(st.users ?? 0), formatNumber(st.rps, 4), formatMs(st.p95Ms), formatPct(st.errorPct), st.ok ? badge("PASS") : badge("FAIL"), e(`${st.ok ? "ok" : `broke: ${st.broke ?? "SLO"}`}${generatorNote(st)}`)]);
  const notReached = m.capacity?.breakingPoint.users == null ? `<p>${e(searchNotReached(s))}</p>` : "";
  const generator = s.generatorLimited ? `<p class="absent">${e(`The load generator limited the search: ${s.generatorReason ?? "its CPU or event loop was saturated"}.`)}</p>` : "";
  return `<h3>Breaking-point search</h3><p>${e(searchSummaryLine(s).replace(/`/g, ""))}</p>${notReached}${table(["Step", "Pass", "Users", "req/s", "P95 ms", "Error %", "Verdict", "Result"], rows, [true, false, true, true, true, true, false, false])}${generator}`;
}

function bottlenecksSection(m: PlanReportModel): string {
  // The plan's one ranking (headline.ts), as the Markdown documents print it.
  const ranked = headlineOf(m).bottlenecks;
  if (ranked.length === 0) return absent(analyses(m).length ? "No bottleneck found: no component showed saturation in the tested range." : "Not analysed: no run of the suite has an analysis.");
  return ranked.map((r) => bottleneckCard({ ...r.bottleneck, rank: r.rank, impact: `${r.bottleneck.impact} (seen in ${r.seenIn})` })).join("");
}

function planningSection(p: CapacityPlanning | undefined): string {
  if (!p) return absent("Not measured: planning did not run (no infrastructure model or capacity inputs).");
  const cur = p.infrastructure.currency === "USD" ? "$" : `${p.infrastructure.currency} `;
  const chart = p.autoscale ? `${autoscaleChart(p.autoscale.step, p.autoscale.target, p.autoscale.period)}<p>Step policy: ${p.autoscale.step.actions.length} actions, ${p.autoscale.step.minutesOverSlo} minutes over the SLO, ${formatNumber(p.autoscale.step.instanceHours, 4)} instance-hours. Target tracking: ${p.autoscale.target.actions.length} actions, ${p.autoscale.target.minutesOverSlo} minutes over the SLO, ${formatNumber(p.autoscale.target.instanceHours, 4)} instance-hours.</p>` : absent("Autoscaling replay: not measured: CPU per request was not measured.");
  const growth = table(
    ["Period", "Expected users (assumed)", "Peak concurrent", "Peak req/s", "App instances", "Infrastructure"],
    p.growth.rows.map((r) => [e(r.period), formatInt(r.expectedUsers), e(planFigure(r.peakConcurrent)), e(planFigure(r.peakRps)), e(planFigure(r.appInstances)) + (r.exceedsMaxInstances ? ` <span class="badge FAIL">above max ${p.infrastructure.app.maxInstances}</span>` : ""), e(r.infrastructure)]),
    [false, true, false, false, false, false],
  );
  const costs = table(
    ["Period", "Monthly cost", "Lines"],
    p.growth.costs.map((c) => [e(c.period), c.monthly.value !== null ? `${cur}${formatInt(c.monthly.value)}` : e(planFigure(c.monthly)), `<span class="src">${e(c.lines.map((l) => `${formatNumber(l.quantity, 3)} × ${l.item}`).join(" + "))}</span>`]),
    [false, true, false],
  );
  const b = p.current.connectionBudget;
  const budget = `<p>Connection budget: ${e(planFigure(b.available))} available; at most ${e(planFigure(b.maxInstancesDirect))} without pgbouncer; pgbouncer from ${e(planFigure(b.pgbouncerAtInstances))}. Runs out: ${p.growth.runsOut.month !== null ? `month ${p.growth.runsOut.month} (${e(p.growth.runsOut.limit ?? "")})` : `not within ${p.growth.runsOut.horizonMonths} months`}.</p>`;
  return `${chart}<h3>Growth</h3>${growth}<h3>Cost</h3>${costs}${budget}<p class="absent">${e(p.infrastructure.assumptions[0] ?? "")}</p>`;
}

export function renderPlanHtmlReport(m: PlanReportModel): string {
  const env = m.environment;
  const curve = suiteCurveChart(
    m.capacity,
    m.runs.map((r) => ({ name: r.profile, users: r.report.summary.peakUsers, rps: r.report.summary.requests.ratePerSec })),
    m.search?.result.detail.steps.map((st) => ({ users: st.users ?? 0, rps: st.rps, ok: st.ok })),
  );
  const degr = degradationChart(m.capacity);
  const charts = curve || degr ? `<div class="grid">${curve ?? ""}${degr ?? ""}</div>` : "";
  const notes = m.runs.flatMap((r) => r.report.notes.map((n) => `${r.profile}: ${n}`));
  const failures = failureRun(m);
  const sections: [string, string, string][] = [
    ["tests", "Tests", testsSection(m)],
    ...(failures ? [["failures", "Failure scenarios", failureScenariosHtml(failures.failures, failures.files?.md)] as [string, string, string]] : []),
    ["capacity", "Capacity", capacitySection(m.capacity, headlineOf(m).ceiling) + charts + searchSection(m)],
    ["bottlenecks", "Bottlenecks", bottlenecksSection(m)],
    ["planning", "Scaling, growth and cost", planningSection(m.planning)],
  ];
  const toc = sections.map(([id, title]) => `<a href="#${id}">${e(title)}</a>`).join("");
  const meta = [`${env.date}`, `\`${env.command}\``, `scale ${env.scale}`, `target ${env.target}`, `${env.machine.hostname} (${env.machine.cpus} × ${env.machine.cpuModel}, ${formatBytes(env.machine.memBytes)})`, ...Object.entries(env.versions).map(([k, v]) => `${k} ${v}`)];
  // The page opens with the plan's answer (headline.ts), as the Markdown documents and the console print it.
  const lead = headlineHtml(headlineOf(m));
  const body = sections.map(([id, title, html]) => `<section><h2 id="${id}">${e(title)}</h2>${html}</section>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`headroom capacity plan: ${m.platform}`)}</title>
<style>${REPORT_CSS}</style></head>
<body><header class="top"><div class="inner"><div><div class="brand">headroom capacity plan</div><h1>${e(m.platform)}: ${e(env.environment)}</h1><div class="meta">${meta.map(e).join(" · ")}</div></div></div></header>
<main>${lead}<nav class="toc">${toc}${notes.length ? `<a href="#notes">Notes</a>` : ""}</nav>
${body}
${notes.length ? `<h2 id="notes">Notes</h2><ul class="notes">${notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>` : ""}
<footer>Rendered ${e(m.generatedAt)} by headroom. Each test links to its own page with latency, errors and server-side charts. Growth and cost rows rest on the infrastructure model's assumptions.</footer>
</main></body></html>
`;
}
