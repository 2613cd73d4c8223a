// One answer everywhere: a plan's documents built from recorded run stores and a recorded
// breaking-point search (the lab's quick plan: 6,000 users held the SLO, 8,000 broke it on p95,
// the PostgreSQL pool gave way there), read back from every output a reader or a machine sees:
// the console summary, capacity-plan.md, performance-metrics.md, report.html, summary.json and
// junit.xml. Each must state the same ceiling, capacity within the SLO, break, comfortable
// capacity, first bottleneck and first action.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { sloFromTargets } from "../../src/analysis/slo.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { buildTargets } from "../../src/plan/targets.js";
import { parseInfrastructure } from "../../src/planning/infrastructure.js";
import { DEFAULT_ALERT_THRESHOLDS } from "../../src/report/ops/alert-rules.js";
import { headlineText } from "../../src/report/markdown/headline-render.js";
import type { PlanSearch } from "../../src/report/model/plan-report-model.js";
import { readRunStore } from "../../src/store/run-store.js";
import { buildPlanDocuments, type PlanDocuments } from "../../src/jobs/plan-documents.js";
import type { SuiteRunResult } from "../../src/jobs/run-suite.js";
import { fixtureAnalysis } from "./fixture-analysis.js";
import { writeFixtureRun } from "./fixture-run.js";

let dir: string;
let docs: PlanDocuments;

before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-headline-"));
  const runs: SuiteRunResult[] = ["baseline", "peak", "sustained"].map((name, i) => {
    const store = readRunStore(writeFixtureRun(join(dir, name), { seed: 60 + i, name, durationSec: 30, peakUsers: 20 + 10 * i }));
    return { test: { name, profile: { name, executor: "closed", durationSec: 30, users: 20 + 10 * i }, loadLevel: "normal" }, dir: join(dir, name), store, summary: store.summary!, analysis: fixtureAnalysis(store, store.summary!) } as SuiteRunResult;
  });
  const search = JSON.parse(readFileSync(new URL("./fixtures/plan-search.json", import.meta.url), "utf8")) as PlanSearch;
  const targets = buildTargets();
  const infrastructure = parseInfrastructure(JSON.parse(readFileSync(new URL("../../../../config/infrastructure.default.json", import.meta.url), "utf8")), "config/infrastructure.default.json");
  const environment = { date: "2026-11-27T10:00:00.000Z", environment: "recorded lab plan", machine: runs[0]!.store.manifest.host, versions: { headroom: "0.1.0" }, scale: 0.03, target: "http://127.0.0.1:3000", command: "headroom plan", appInstances: 1 };
  docs = await buildPlanDocuments({ runs, outDir: dir, environment, infrastructure, slo: sloFromTargets(targets, "normal"), targets, alertThresholds: DEFAULT_ALERT_THRESHOLDS, instances: 1, generatedAt: "2026-11-27T11:00:00.000Z", search });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string): string => {
  const text = docs.files.get(name);
  assert.ok(text, `${name} was not written`);
  return text;
};
const unescape = (s: string): string => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

/** "Label: value" lines → map. */
const pairs = (lines: [string, string][]): Map<string, string> => new Map(lines.map(([k, v]) => [k.trim(), v.trim()]));

function markdownAnswer(md: string): Map<string, string> {
  const section = md.split("## Answer\n")[1]?.split("\n## ")[0] ?? "";
  return pairs([...section.matchAll(/^- \*\*([^*]+)\*\*: (.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

function htmlAnswer(html: string): Map<string, string> {
  const section = /<section id="answer">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
  return pairs([...section.matchAll(/<dt>(.*?)<\/dt><dd>(.*?)<\/dd>/g)].map((m) => [unescape(m[1]!), unescape(m[2]!)]));
}

function textAnswer(lines: string[]): Map<string, string> {
  return pairs(lines.map((l) => /^\s*([^:]+): (.*)$/.exec(l)!).map((m) => [m[1]!, m[2]!]));
}

test("every output states the same answer: console, both Markdown documents, report.html, summary.json, junit.xml", () => {
  const console = textAnswer(headlineText(docs.model.headline!));
  const json = JSON.parse(file("summary.json")) as { headline: { lines: Record<string, string>; ceiling: { rps: number }; sloCapacity: { users: number; rps: number; brokeAtUsers: number }; comfortable: { users: number }; breaksFirst: { component: string }; bottlenecks: { rank: string; component: string }[] } };
  const junit = file("junit.xml");
  const junitOut = unescape(/<testsuite name="capacity"[\s\S]*?<system-out>([\s\S]*?)<\/system-out>/.exec(junit)?.[1] ?? "");
  const outputs: [string, Map<string, string>][] = [
    ["console", console],
    ["capacity-plan.md", markdownAnswer(file("capacity-plan.md"))],
    ["performance-metrics.md", markdownAnswer(file("performance-metrics.md"))],
    ["report.html", htmlAnswer(file("report.html"))],
    ["summary.json", pairs(Object.entries(json.headline.lines))],
    ["junit.xml", textAnswer(junitOut.split("\n"))],
  ];
  const labels = ["Ceiling", "Capacity within the SLO", "Comfortable capacity", "What breaks first", "First thing to do", "Confidence", "Tests"];
  for (const [name, answer] of outputs) {
    assert.deepEqual([...answer.keys()], labels, `${name} answers with the headline's lines`);
    assert.deepEqual(answer, console, `${name} says what the console says`);
  }

  // The figures, parsed from the text, are the recorded search's: 6,000 users held, 8,000 broke.
  const slo = /^([\d,]+) users \(([\d,]+) req\/s\): the heaviest load that met the SLO; ([\d,]+) users broke it \(p95 2861\.06 ms > 500 ms\)/.exec(console.get("Capacity within the SLO")!);
  assert.ok(slo, console.get("Capacity within the SLO"));
  const num = (s: string): number => Number(s.replace(/,/g, ""));
  assert.deepEqual([num(slo[1]!), num(slo[2]!), num(slo[3]!)], [json.headline.sloCapacity.users, Math.round(json.headline.sloCapacity.rps), json.headline.sloCapacity.brokeAtUsers]);
  assert.deepEqual([json.headline.sloCapacity.users, json.headline.sloCapacity.brokeAtUsers], [6000, 8000]);
  const prop = (k: string): string => new RegExp(`<property name="${k}" value="([^"]*)"/>`).exec(junit)?.[1] ?? "missing";
  assert.equal(prop("slo_capacity_users"), "6000");
  assert.equal(prop("slo_broke_at_users"), "8000");
  assert.equal(Number(prop("ceiling_rps")), json.headline.ceiling.rps);
  assert.equal(prop("comfortable_users"), String(json.headline.comfortable.users));
  assert.match(console.get("Ceiling")!, new RegExp(`^(at least )?${json.headline.ceiling.rps.toLocaleString("en-US", { maximumFractionDigits: 0 })} req/s`));
  assert.match(console.get("Comfortable capacity")!, new RegExp(`^${json.headline.comfortable.users.toLocaleString("en-US")} users`));
});

test("the documents' own tables agree with the answer: the ceiling, the users within the SLO, the break", () => {
  const h = docs.model.headline!;
  const plan = file("capacity-plan.md");
  const row = (md: string, label: string): string => md.split("\n").find((l) => l.startsWith(`| ${label} |`)) ?? `no row ${label}`;
  assert.ok(row(plan, "Max Requests/Second").includes(h.ceiling.text), row(plan, "Max Requests/Second"));
  assert.match(row(plan, "Max Concurrent Users"), /\| 6,000 users/);
  assert.match(row(plan, "Breaking Point"), /\| between 6,000 \(met the SLO\) and 8,000 users/);
  assert.match(row(plan, "Comfortable Capacity"), new RegExp(`\\| ${h.comfortable.users!.toLocaleString("en-US")} users`));
  const metrics = file("performance-metrics.md");
  assert.ok(row(metrics, "Max requests/second (ceiling)").includes(h.ceiling.text), row(metrics, "Max requests/second (ceiling)"));
  assert.match(row(metrics, "Breaking point"), /\| between 6,000 \(met the SLO\) and 8,000 users \|/);
  const html = unescape(file("report.html"));
  assert.ok(html.includes(`<td>Max requests/second (ceiling)</td><td class="num">${h.ceiling.text}</td>`), "report.html's capacity table shows the ceiling");
  // The old lead said "Breaking point 8,000 users" where the Markdown said "between 6,000 and 8,000".
  assert.doesNotMatch(html, /Breaking point 8,000 users/);
});

test("one bottleneck ranking everywhere: the pool that gave way at the break comes first", () => {
  const h = docs.model.headline!;
  const first = h.bottlenecks[0]!;
  assert.equal(first.bottleneck.componentLabel, "PostgreSQL connection pool");
  assert.equal(first.rank, "primary");
  assert.ok(first.atBreak);
  const label = first.bottleneck.componentLabel;
  assert.match(h.breaksFirst.text, new RegExp(`^${label}: `));
  assert.match(file("performance-metrics.md"), new RegExp(`\\| Primary \\| ${label} \\|`));
  assert.match(file("capacity-plan.md"), new RegExp(`- \\[x\\] Identify bottlenecks: \\d+ kinds found; primary: ${label} \\(`));
  const cards = [...file("report.html").matchAll(/<div class="bottleneck (\w+)"><h4>(\w+): ([^<]+)<\/h4>/g)].map((m) => [m[1], m[2], m[3]]);
  assert.deepEqual(cards[0], ["primary", "Primary", label]);
  // Every output ranks the same components in the same order.
  const json = JSON.parse(file("summary.json")) as { headline: { bottlenecks: { rank: string; component: string }[] } };
  assert.deepEqual(
    json.headline.bottlenecks.map((b) => b.component),
    cards.map((c) => c[2]),
  );
  const table = [...file("performance-metrics.md").matchAll(/^\| (Primary|Secondary|Tertiary|Minor) \| ([^|]+) \|/gm)].map((m) => m[2]!.trim());
  assert.deepEqual(table, cards.map((c) => c[2]));
  assert.match(file("junit.xml"), new RegExp(`<property name="breaks_first" value="${label}"/>`));
});
