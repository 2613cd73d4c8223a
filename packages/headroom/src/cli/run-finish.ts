// The gates of `headroom run` (--threshold, --targets, --abort-on-fail, --out) parsed before
// the load starts, and what happens once it ended: report.html beside the summary, the list of
// --out files, each threshold's line, the targets that failed. Exit 99 follows a failure.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { analyzeRun } from "../analysis/analyze-run.js";
import { measuredVerdictsOnly } from "../analysis/measured-verdicts.js";
import type { ThresholdResult } from "../analysis/thresholds.js";
import { HeadroomError } from "../core/errors.js";
import { parsePositiveDurationSec } from "../plan/duration.js";
import { loadTargets, type Targets } from "../plan/targets.js";
import { parseThreshold, type Threshold } from "../plan/thresholds.js";
import { renderHtmlReport } from "../report/html/html-report.js";
import { runReportModel } from "../report/model/run-report-model.js";
import { measureRun } from "../analysis/run-figures.js";
import { readRunStore } from "../store/run-store.js";
import type { CliIo } from "./io.js";
import { parseOutFlags, type RunOutputs } from "./out-flag.js";

export interface RunGates {
  outputs: RunOutputs;
  thresholds: Threshold[];
  /** Set with --targets: the file's tiered targets, judged at the end. */
  targets?: Targets;
  /** Set with --abort-on-fail. */
  abortGraceSec?: number;
}

export function parseRunGates(f: { out?: string[]; threshold?: string[]; targets?: string; abortOnFail?: boolean; abortGrace: string }, cwd: string): RunGates {
  const thresholds = (f.threshold ?? []).map(parseThreshold);
  if (f.abortOnFail && thresholds.length === 0) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", "--abort-on-fail was given without a --threshold to judge", 'add the limits that should stop the run, e.g. --threshold "p95<500ms" --abort-on-fail');
  }
  const gates: RunGates = { outputs: parseOutFlags(f.out), thresholds };
  if (f.targets) gates.targets = loadTargets(resolve(cwd, f.targets));
  if (f.abortOnFail) gates.abortGraceSec = Math.max(1, Math.ceil(parsePositiveDurationSec(f.abortGrace, "--abort-grace")));
  return gates;
}

export interface FinishRunOptions {
  dir: string;
  gates: RunGates;
  thresholds: ThresholdResult[];
  writeReport: boolean;
  /** The --out files already written. */
  written: string[];
  io: CliIo;
  /** Where progress went: stdout, or stderr with --json. */
  log: { write(s: string): unknown };
}

/** Writes the report, prints outputs and verdicts; `failed` when a threshold or a target failed. */
export async function finishRun(o: FinishRunOptions): Promise<{ failed: boolean }> {
  const { io, log, gates } = o;
  const failedLines: string[] = [];
  let reportPath: string | undefined;
  if (o.writeReport || gates.targets) {
    const store = readRunStore(o.dir);
    const full = analyzeRun(store, gates.targets);
    const analysis = gates.targets ? full : measuredVerdictsOnly(full);
    if (gates.targets) {
      for (const v of analysis.verdicts.filter((x) => x.verdict === "FAIL")) failedLines.push(`target ${v.label}: ${v.measured} ${v.bound.unit} (FAIL, ${v.tier ?? "beyond acceptable"})`);
    }
    if (o.writeReport) {
      reportPath = join(o.dir, "report.html");
      writeFileSync(reportPath, renderHtmlReport(runReportModel(await measureRun(store), { analysis })));
    }
  }
  for (const path of [...(reportPath ? [reportPath] : []), ...o.written]) log.write(`wrote ${path}\n`);
  if (o.thresholds.length > 0) {
    log.write(`thresholds:\n${o.thresholds.map((r) => `  ${r.line}\n`).join("")}`);
    for (const r of o.thresholds) if (!r.ok) failedLines.push(`threshold ${r.line}`);
  }
  for (const line of failedLines) io.stderr.write(`failed: ${line}\n`);
  return { failed: failedLines.length > 0 };
}
