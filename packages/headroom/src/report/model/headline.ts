// The headline of a plan: the answer every output gives (the console summary of `headroom plan`,
// capacity-plan.md and report.html's "Answer", performance-metrics.md, summary.json, JUnit). It
// is built once, here, from the plan's report model, so no two documents can tell different
// stories: the same figures, the same bottleneck ranking, the same first thing to do.
//
//   ceiling          the saturation throughput X_max: where throughput levels off
//   capacity (SLO)   users and req/s at the heaviest load that met the SLO, with the load that broke it
//   comfortable      the share of that capacity the plan leaves headroom under
//   breaks first     the top-ranked bottleneck, with its evidence
//   first action     re-run what did not finish, else the top bottleneck's recommendation, else test further
//   confidence       the capacity analysis's, lowered when a test did not finish
import type { Bottleneck, CapacityAnalysis, Confidence } from "../../analysis/types.js";
import { searchNotReached } from "../markdown/capacity-plan-search.js";
import { headlineFigures } from "./headline-figures.js";
import { formatInt, formatNumber } from "../format.js";
import { analyses, type PlanReportModel } from "./plan-report-model.js";
import { testTitle } from "../markdown/test-result.js";

export interface RankedBottleneck {
  bottleneck: Bottleneck;
  /** By position in the plan's ranking (primary, secondary, tertiary), minor when the analysis called it minor. */
  rank: Bottleneck["rank"];
  /** Where it was seen: "Breaking-point search (the step at 1,400 users that broke the SLO)" or the test's title. */
  seenIn: string;
  atBreak: boolean;
}

export interface PlanHeadline {
  ceiling: { rps: number | null; lowerBound: boolean; evidence: string; confidence: Confidence; text: string };
  sloCapacity: { users: number | null; rps: number | null; brokeAtUsers: number | null; confidence: Confidence | null; reason: string; text: string };
  comfortable: { users: number | null; rps: number | null; text: string };
  breaksFirst: { component: string | null; text: string; evidence: string };
  firstAction: string;
  confidence: Confidence;
  confidenceReason: string;
  /** Tests by verdict. */
  tests: { total: number; pass: number; warn: number; fail: number; incomplete: number; notJudged: number };
  /** The bottlenecks of every test and of the breaking point, one per kind, in the plan's order. */
  bottlenecks: RankedBottleneck[];
}

const POSITION: Bottleneck["rank"][] = ["primary", "secondary", "tertiary"];

/**
 * One ranking of the plan's bottlenecks: what gave way at the breaking point first (the platform
 * at its limit), then what the tests found, each by score; one entry per kind (its strongest
 * sighting); minor findings last and minor whatever their position.
 */
export function rankBottlenecks(model: Pick<PlanReportModel, "runs" | "search">): RankedBottleneck[] {
  const steps = model.search?.result.detail.steps ?? [];
  const broken = steps.find((st) => !st.ok);
  // The search analyses the first step that broke in the order it ran (a ramp step can overshoot the break the bisection then finds).
  const breakWhere = `Breaking-point search (${broken?.users !== undefined ? `the step at ${formatInt(broken.users)} users` : "the first step"} that broke the SLO)`;
  const atBreak = (model.search?.result.detail.bottlenecks ?? []).map((b) => ({ b, seenIn: breakWhere, atBreak: true }));
  const tests = analyses(model).flatMap(({ run, analysis }) => analysis.bottlenecks.map((b) => ({ b, seenIn: testTitle(run.profile), atBreak: false })));
  const major = (x: { b: Bottleneck }): boolean => x.b.rank !== "minor";
  const byScore = (x: { b: Bottleneck }, y: { b: Bottleneck }): number => y.b.score - x.b.score;
  const minor = [...atBreak, ...tests].filter((x) => !major(x)).sort(byScore);
  const ordered = [...atBreak.filter(major).sort(byScore), ...tests.filter(major).sort(byScore), ...minor];
  const seen = new Set<string>();
  const out: RankedBottleneck[] = [];
  for (const x of ordered) {
    if (seen.has(x.b.kind)) continue;
    seen.add(x.b.kind);
    const position = out.filter((r) => r.rank !== "minor").length;
    out.push({ bottleneck: x.b, rank: major(x) ? (POSITION[position] ?? "minor") : "minor", seenIn: x.seenIn, atBreak: x.atBreak });
  }
  return out;
}

const users = (n: number): string => `${formatInt(n)} users`;
const rps = (n: number): string => `${n >= 100 ? formatInt(Math.round(n)) : formatNumber(n, 4)} req/s`;

function sloText(f: ReturnType<typeof headlineFigures>, model: Pick<PlanReportModel, "search">): string {
  const s = f.slo;
  if (s.users === null && s.rps === null) return s.brokeAtUsers !== null ? `none: the lightest load tested, ${users(s.brokeAtUsers)}, already broke the SLO (${s.reason})` : `not measured: ${s.reason}`;
  const at = `${s.users !== null ? users(s.users) : "?"}${s.rps !== null ? ` (${rps(s.rps)})` : ""}`;
  if (s.brokeAtUsers !== null) return `${at}: the heaviest load that met the SLO; ${users(s.brokeAtUsers)} broke it${s.limit ? ` (${s.limit})` : ""}${s.bracketPct !== null ? `, a bracket of ${formatNumber(s.bracketPct, 3)} %` : ""}`;
  return `at least ${at}: no load broke the SLO${model.search ? `; ${searchNotReached(model.search)}` : " in the tested range"}`;
}

function firstAction(model: PlanReportModel, ranked: RankedBottleneck[], incomplete: string[], c: CapacityAnalysis | undefined): string {
  if (incomplete.length > 0) return `re-run ${incomplete.join(", ")} to its end: an INCOMPLETE test judges only part of its profile`;
  const top = ranked.find((r) => r.rank !== "minor");
  if (top) return `${top.bottleneck.recommendation} (${top.bottleneck.componentLabel}, ${top.rank} bottleneck, seen in ${top.seenIn})`;
  if (c && c.breakingPoint.users === null && model.search) return `test further: ${model.search.furtherCommand}`;
  return c ? "none needed in the tested range: no component showed saturation" : "run the suite with several load levels (headroom plan) to measure capacity";
}

export function planHeadline(model: PlanReportModel): PlanHeadline {
  const c = model.capacity;
  const f = headlineFigures(c);
  const ranked = rankBottlenecks(model);
  const verdicts = model.runs.map((r) => r.report.verdict);
  const incomplete = model.runs.filter((r) => r.report.verdict === "INCOMPLETE").map((r) => testTitle(r.profile));
  const tests = {
    total: model.runs.length,
    pass: verdicts.filter((v) => v === "PASS").length,
    warn: verdicts.filter((v) => v === "WARN").length,
    fail: verdicts.filter((v) => v === "FAIL").length,
    incomplete: incomplete.length,
    notJudged: verdicts.filter((v) => v === undefined || v === "NOT_MEASURED" || v === "NOT_TESTABLE").length,
  };
  const top = ranked.find((r) => r.rank !== "minor");
  const evidence = top ? [top.bottleneck.limit, ...top.bottleneck.evidence.slice(0, 1).map((e) => `${e.what} ${typeof e.value === "number" ? formatNumber(e.value, 4) : e.value}${e.unit ? ` ${e.unit}` : ""}`)].join("; ") : "";
  const breaksFirst = top
    ? { component: top.bottleneck.componentLabel, text: `${top.bottleneck.componentLabel}: ${top.bottleneck.symptom} (seen in ${top.seenIn})`, evidence }
    : { component: null, text: f.slo.limit ? `no component showed saturation; the SLO broke on ${f.slo.limit}` : "nothing found in the tested range", evidence: f.slo.limit ?? "" };
  const ceiling = f.ceiling.rps === null ? "not measured: no load steps" : `${f.ceiling.lowerBound ? "at least " : ""}${rps(f.ceiling.rps)}: ${f.ceiling.evidence}`;
  const comfortable = f.comfortable.users !== null ? `${users(f.comfortable.users)}${f.comfortable.rps !== null ? ` (${rps(f.comfortable.rps)})` : ""}: ${f.comfortable.share}` : `not measured: ${f.comfortable.reason}`;
  let confidence: Confidence = c?.confidence ?? "low";
  let confidenceReason = c ? c.confidenceReason : "no capacity analysis over the suite's load levels";
  if (f.slo.confidence) {
    confidence = f.slo.confidence;
    confidenceReason = f.slo.reason;
  }
  if (incomplete.length > 0) {
    confidence = "low";
    confidenceReason = `${incomplete.join(", ")} did not finish (INCOMPLETE); ${confidenceReason}`;
  }
  return {
    ceiling: { rps: f.ceiling.rps, lowerBound: f.ceiling.lowerBound, evidence: f.ceiling.evidence, confidence: f.ceiling.confidence, text: ceiling },
    sloCapacity: {
      users: f.slo.users,
      rps: f.slo.rps,
      brokeAtUsers: f.slo.brokeAtUsers,
      confidence: f.slo.confidence,
      reason: f.slo.reason,
      text: sloText(f, model),
    },
    comfortable: { users: f.comfortable.users, rps: f.comfortable.rps, text: comfortable },
    breaksFirst,
    firstAction: firstAction(model, ranked, incomplete, c),
    confidence,
    confidenceReason,
    tests,
    bottlenecks: ranked,
  };
}

/** The model's headline: the one built with the documents, else built now (same inputs, same answer). */
export function headlineOf(model: PlanReportModel): PlanHeadline {
  return model.headline ?? planHeadline(model);
}

/** The answer as labelled lines, in the order every output prints them. */
export function headlineLines(h: PlanHeadline): [string, string][] {
  const t = h.tests;
  return [
    ["Ceiling", h.ceiling.text],
    ["Capacity within the SLO", h.sloCapacity.text],
    ["Comfortable capacity", h.comfortable.text],
    ["What breaks first", `${h.breaksFirst.text}${h.breaksFirst.evidence && h.breaksFirst.component ? `; evidence: ${h.breaksFirst.evidence}` : ""}`],
    ["First thing to do", h.firstAction],
    ["Confidence", `${h.confidence}: ${h.confidenceReason}`],
    ["Tests", `${t.total}: ${t.pass} pass, ${t.warn} warn, ${t.fail} fail${t.incomplete ? `, ${t.incomplete} incomplete` : ""}${t.notJudged ? `, ${t.notJudged} not judged` : ""}`],
  ];
}
