// Turns the per-round records into per-case tables, headroom's same-round ratios to each peer,
// and PASS/MISS verdicts on issue 2's targets; renders them as text and Markdown. Pure.
import type { BenchCase, CaseId } from "./cases.js";
import type { ToolName, ToolResult } from "./parsers.js";
import { trueStallPercentileMs } from "./stall-truth.js";

export interface RunRecord {
  caseId: CaseId;
  round: number;
  tool: ToolName;
  command: string;
  peakRssMb: number;
  wallMs: number;
  /** The tool's CPU over its whole life, % of one core. */
  cpuPct?: number;
  /** Other processes' CPU during the run, in cores: interference from outside the benchmark. */
  foreignCpuCores?: number;
  /** Whether the machine was quiet when the run started (false: waited and gave up). */
  quietBefore?: boolean;
  /** Requests the target itself counted during the run (stub_status difference). */
  serverRequests?: number;
  result?: ToolResult;
  /** Set when the tool failed or its output could not be parsed. */
  error?: string;
}

export interface ToolRow {
  tool: ToolName;
  runs: number;
  failedRuns: number;
  /** Runs during which other processes used more than DISTURBED_CORES. */
  disturbedRuns: number;
  /** Runs the medians come from (undisturbed successful runs when there are any). */
  usedRuns: number;
  rpsMedian?: number;
  p90MsMedian?: number;
  p99MsMedian?: number;
  /** Worst round: a memory bound must hold in every round. */
  peakRssMbMax?: number;
  errorsTotal: number;
  droppedTotal?: number;
  generatorLimitedRuns?: number;
  /** Median over runs of (requests the server counted) ÷ (requests the tool reported). */
  servedPerReported?: number;
  cpuPctMedian?: number;
  /** The most other processes used during any of the runs the medians come from, in cores. */
  foreignCpuCoresMax?: number;
}

/** headroom ÷ peer, computed within each round, median over rounds. */
export interface RatioRow {
  peer: ToolName;
  /** Rounds the ratios come from, and rounds set aside because a run in them was disturbed. */
  rounds: number;
  disturbedRoundsSetAside: number;
  rps?: number;
  p99?: number;
  peakRss?: number;
}

export interface TargetVerdict {
  caseId: CaseId;
  target: string;
  /** undefined: not measured (the tool did not run or failed). */
  pass?: boolean;
  measured: string;
  shortfall?: string;
}

export interface CaseReport {
  case: BenchCase;
  rows: ToolRow[];
  ratios: RatioRow[];
  targets: TargetVerdict[];
  truth?: { p90Ms: number; p99Ms: number };
  /** Rounds that ran for this case (planned plus extra). */
  roundsRun: number;
}

export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2;
}

function okResults(records: readonly RunRecord[]): Array<RunRecord & { result: ToolResult }> {
  return records.filter((r): r is RunRecord & { result: ToolResult } => r.result !== undefined && r.error === undefined);
}

/**
 * A run is disturbed when other processes on this shared machine used more than half a core on
 * average while it ran (a quarter of a 2-core machine, against the tool's and target's cores).
 * Disturbed runs stay in the JSON, and are set aside from medians and ratios whenever at least
 * one undisturbed run (or round) exists; the table counts them.
 */
export const DISTURBED_CORES = 0.5;

export function isDisturbed(r: RunRecord): boolean {
  return (r.foreignCpuCores ?? 0) > DISTURBED_CORES;
}

function preferUndisturbed<T extends RunRecord>(runs: T[]): T[] {
  const clean = runs.filter((r) => !isDisturbed(r));
  return clean.length > 0 ? clean : runs;
}

function toolRow(tool: ToolName, records: readonly RunRecord[]): ToolRow {
  const mine = records.filter((r) => r.tool === tool);
  const allOk = okResults(mine);
  const ok = preferUndisturbed(allOk);
  const row: ToolRow = { tool, runs: mine.length, failedRuns: mine.length - allOk.length, errorsTotal: allOk.reduce((a, r) => a + r.result.errors, 0), disturbedRuns: mine.filter(isDisturbed).length, usedRuns: ok.length };
  if (ok.length > 0) {
    row.rpsMedian = median(ok.map((r) => r.result.rps));
    row.p90MsMedian = median(ok.map((r) => r.result.p90Ms));
    row.p99MsMedian = median(ok.map((r) => r.result.p99Ms));
    row.peakRssMbMax = Math.max(...ok.map((r) => r.peakRssMb));
  }
  const cpu = ok.filter((r) => r.cpuPct !== undefined).map((r) => r.cpuPct!);
  if (cpu.length > 0) row.cpuPctMedian = median(cpu);
  // Interference in the runs the medians come from (disturbed ones set aside are in the notes).
  const foreign = ok.filter((r) => r.foreignCpuCores !== undefined).map((r) => r.foreignCpuCores!);
  if (foreign.length > 0) row.foreignCpuCoresMax = Math.max(...foreign);
  const served = ok.filter((r) => r.serverRequests !== undefined && r.result.requests > 0).map((r) => r.serverRequests! / r.result.requests);
  if (served.length > 0) row.servedPerReported = median(served);
  if (ok.some((r) => r.result.dropped !== undefined)) row.droppedTotal = ok.reduce((a, r) => a + (r.result.dropped ?? 0), 0);
  if (ok.some((r) => r.result.generatorLimited !== undefined)) row.generatorLimitedRuns = ok.filter((r) => r.result.generatorLimited).length;
  return row;
}

function ratioRow(peer: ToolName, records: readonly RunRecord[]): RatioRow {
  const ok = okResults(records);
  const pairs: Array<[RunRecord & { result: ToolResult }, RunRecord & { result: ToolResult }]> = [];
  for (const round of [...new Set(ok.map((r) => r.round))]) {
    const h = ok.find((r) => r.round === round && r.tool === "headroom");
    const q = ok.find((r) => r.round === round && r.tool === peer);
    if (h && q) pairs.push([h, q]);
  }
  const cleanPairs = pairs.filter(([h, q]) => !isDisturbed(h) && !isDisturbed(q));
  const used = cleanPairs.length > 0 ? cleanPairs : pairs;
  const rps: number[] = [];
  const p99: number[] = [];
  const rss: number[] = [];
  for (const [h, q] of used) {
    if (q.result.rps > 0) rps.push(h.result.rps / q.result.rps);
    if (q.result.p99Ms > 0) p99.push(h.result.p99Ms / q.result.p99Ms);
    if (q.peakRssMb > 0) rss.push(h.peakRssMb / q.peakRssMb);
  }
  return { peer, rounds: used.length, disturbedRoundsSetAside: pairs.length - used.length, rps: median(rps), p99: median(p99), peakRss: median(rss) };
}

export const RPS_RATIO_TARGET = 1.1;
export const MEMORY_LIMIT_MB = 400;
export const STALL_P90_BAND_MS: readonly [number, number] = [400, 600];
export const STALL_P99_BAND_MS: readonly [number, number] = [850, 1000];

const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);

function bandVerdict(caseId: CaseId, label: string, value: number | undefined, [lo, hi]: readonly [number, number]): TargetVerdict {
  const target = `headroom ${label} between ${lo} and ${hi} ms`;
  if (value === undefined) return { caseId, target, measured: "not measured" };
  const measured = `${f1(value)} ms`;
  if (value >= lo && value <= hi) return { caseId, target, pass: true, measured };
  const shortfall = value < lo ? `${f1(lo - value)} ms below the band` : `${f1(value - hi)} ms above the band`;
  return { caseId, target, pass: false, measured, shortfall };
}

function targetsFor(c: BenchCase, rows: readonly ToolRow[], ratios: readonly RatioRow[]): TargetVerdict[] {
  const h = rows.find((r) => r.tool === "headroom");
  switch (c.id) {
    case "throughput-50":
    case "throughput-500": {
      const target = `headroom RPS >= ${RPS_RATIO_TARGET} x autocannon's (same round, median)`;
      const ratio = ratios.find((r) => r.peer === "autocannon")?.rps;
      if (ratio === undefined) return [{ caseId: c.id, target, measured: "not measured" }];
      const measured = `${f2(ratio)} x`;
      if (ratio >= RPS_RATIO_TARGET) return [{ caseId: c.id, target, pass: true, measured }];
      const neededPct = (RPS_RATIO_TARGET / ratio - 1) * 100;
      return [{ caseId: c.id, target, pass: false, measured, shortfall: `${f2(RPS_RATIO_TARGET - ratio)} x short: headroom needs ${f1(neededPct)} % more RPS` }];
    }
    case "memory-10k": {
      const target = `headroom peak RSS < ${MEMORY_LIMIT_MB} MB (worst round)`;
      if (h?.peakRssMbMax === undefined) return [{ caseId: c.id, target, measured: "not measured" }];
      const measured = `${f1(h.peakRssMbMax)} MB`;
      if (h.peakRssMbMax < MEMORY_LIMIT_MB) return [{ caseId: c.id, target, pass: true, measured }];
      return [{ caseId: c.id, target, pass: false, measured, shortfall: `${f1(h.peakRssMbMax - MEMORY_LIMIT_MB)} MB over` }];
    }
    case "stall-200rps":
      return [bandVerdict(c.id, "p90", h?.p90MsMedian, STALL_P90_BAND_MS), bandVerdict(c.id, "p99", h?.p99MsMedian, STALL_P99_BAND_MS)];
  }
}

export function buildCaseReport(c: BenchCase, records: readonly RunRecord[]): CaseReport {
  const mine = records.filter((r) => r.caseId === c.id);
  const tools = c.tools.filter((t) => mine.some((r) => r.tool === t));
  const rows = tools.map((t) => toolRow(t, mine));
  const ratios = tools.includes("headroom") ? tools.filter((t) => t !== "headroom").map((t) => ratioRow(t, mine)) : [];
  const report: CaseReport = { case: c, rows, ratios, targets: targetsFor(c, rows, ratios), roundsRun: new Set(mine.map((r) => r.round)).size };
  if (c.target === "stall") report.truth = { p90Ms: trueStallPercentileMs(0.9), p99Ms: trueStallPercentileMs(0.99) };
  return report;
}

// ---- rendering ----

const dash = "–";
const fmtNum = (x: number | undefined, digits = 0): string => (x === undefined ? dash : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const fmtRatio = (x: number | undefined): string => (x === undefined ? dash : `${f2(x)}x`);

function tableCells(r: CaseReport): { header: string[]; rows: string[][] } {
  const header = ["tool", "runs used/all", "RPS (median)", "p90 ms", "p99 ms", "peak RSS MB (max)", "tool CPU %", "errors", "served ÷ reported", "other procs, cores (max)", "headroom ÷ tool: RPS / p99 / RSS"];
  const rows = r.rows.map((row) => {
    const ratio = r.ratios.find((q) => q.peer === row.tool);
    return [
      row.tool,
      `${row.usedRuns}/${row.runs}`,
      fmtNum(row.rpsMedian),
      fmtNum(row.p90MsMedian, 1),
      fmtNum(row.p99MsMedian, 1),
      fmtNum(row.peakRssMbMax, 1),
      fmtNum(row.cpuPctMedian),
      String(row.errorsTotal),
      row.servedPerReported === undefined ? dash : f2(row.servedPerReported),
      row.foreignCpuCoresMax === undefined ? dash : f2(row.foreignCpuCoresMax),
      ratio ? `${fmtRatio(ratio.rps)} / ${fmtRatio(ratio.p99)} / ${fmtRatio(ratio.peakRss)}` : row.tool === "headroom" ? "" : dash,
    ];
  });
  if (r.truth) rows.push(["true values", "", "", fmtNum(r.truth.p90Ms, 1), fmtNum(r.truth.p99Ms, 1), "", "", "", "", "", ""]);
  return { header, rows };
}

/** Per-tool remarks that do not fit a cell: failed, disturbed, dropped, generator-limited runs. */
function rowNotes(r: CaseReport): string[] {
  const out: string[] = [];
  for (const row of r.rows) {
    const extras: string[] = [];
    if (row.failedRuns > 0) extras.push(`${row.failedRuns} failed`);
    if (row.disturbedRuns > 0) extras.push(`${row.disturbedRuns} disturbed (${row.usedRuns < row.runs - row.failedRuns ? "set aside" : "kept: no undisturbed run"})`);
    if (row.droppedTotal !== undefined) extras.push(`${row.droppedTotal} requests dropped`);
    if (row.generatorLimitedRuns) extras.push(`generator-limited by its own verdict in ${row.generatorLimitedRuns}`);
    if (extras.length > 0) out.push(`${row.tool}: ${extras.join("; ")}`);
  }
  return out;
}

function ratioNote(r: CaseReport): string | undefined {
  if (r.ratios.length === 0) return undefined;
  const parts = r.ratios.map((q) => `${q.peer} ${q.rounds} round${q.rounds === 1 ? "" : "s"}${q.disturbedRoundsSetAside ? ` (${q.disturbedRoundsSetAside} disturbed set aside)` : ""}`);
  return `ratios: median of same-round ratios over ${parts.join(", ")}`;
}

function verdictLine(v: TargetVerdict): string {
  const tag = v.pass === undefined ? "N/A " : v.pass ? "PASS" : "MISS";
  return `${tag}  ${v.target}: ${v.measured}${v.shortfall ? ` (${v.shortfall})` : ""}`;
}

export function renderText(reports: readonly CaseReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    out.push(`\n== ${r.case.title} (${r.case.durationSec} s per run, ${r.roundsRun} round${r.roundsRun === 1 ? "" : "s"}) ==`);
    const { header, rows } = tableCells(r);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    out.push(line(header));
    for (const row of rows) out.push(line(row));
    for (const n of rowNotes(r)) out.push(n);
    const note = ratioNote(r);
    if (note) out.push(note);
    for (const v of r.targets) out.push(verdictLine(v));
  }
  return out.join("\n") + "\n";
}

export interface MarkdownContext {
  command: string;
  dateIso: string;
  machine: string[];
  rounds: number;
  extraRounds: number;
  skipped: string[];
}

export function renderMarkdown(reports: readonly CaseReport[], ctx: MarkdownContext): string {
  const out: string[] = [];
  out.push(`Command: \`${ctx.command}\`  `);
  out.push(`Date: ${ctx.dateIso}  `);
  out.push(`Rounds: ${ctx.rounds} per case, plus up to ${ctx.extraRounds} more while fewer than ${ctx.rounds} came out undisturbed (tool order rotates each round)  `);
  out.push(`Machine: ${ctx.machine.join("; ")}`);
  if (ctx.skipped.length > 0) out.push("", ...ctx.skipped.map((s) => `- ${s}`));
  for (const r of reports) {
    out.push("", `### ${r.case.title} (${r.case.durationSec} s per run, ${r.roundsRun} round${r.roundsRun === 1 ? "" : "s"})`, "");
    const { header, rows } = tableCells(r);
    out.push(`| ${header.join(" | ")} |`);
    out.push(`|${header.map((_h, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
    for (const row of rows) out.push(`| ${row.join(" | ")} |`);
    out.push("");
    for (const n of rowNotes(r)) out.push(`- ${n}`);
    const note = ratioNote(r);
    if (note) out.push(`- ${note[0]!.toUpperCase()}${note.slice(1)}.`);
    for (const v of r.targets) out.push(`- **${v.pass === undefined ? "N/A" : v.pass ? "PASS" : "MISS"}** ${v.target}: ${v.measured}${v.shortfall ? ` (${v.shortfall})` : ""}`);
    for (const n of r.case.notes) out.push(`- ${n}`);
  }
  return out.join("\n") + "\n";
}

export const RESULTS_START = "<!-- latest-results:start -->";
export const RESULTS_END = "<!-- latest-results:end -->";

/** The text with what lies between the two markers replaced; undefined when a marker is missing. */
export function replaceBetweenMarkers(text: string, content: string): string | undefined {
  const a = text.indexOf(RESULTS_START);
  const b = text.indexOf(RESULTS_END);
  if (a < 0 || b < a) return undefined;
  return `${text.slice(0, a + RESULTS_START.length)}\n${content}${text.slice(b)}`;
}
