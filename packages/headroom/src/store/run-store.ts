// Writes and reads run directories (see types.ts for the layout). Lines are appended with
// synchronous writes as each record completes: at one interval line a second and one telemetry
// sample per collector every few seconds, that costs nothing, and a killed process loses at
// most the second in progress.
import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { HeadroomError } from "../core/errors.js";
import { makeDirectory } from "./make-directory.js";
import { intervalLineSchema, manifestSchema, schemaProblem, summarySchema, telemetryLineSchema } from "./run-schemas.js";
import type { z } from "zod";
import {
  INTERVALS_FILE,
  MANIFEST_FILE,
  SUMMARY_FILE,
  TELEMETRY_FILE,
  type IntervalLine,
  type Manifest,
  type RunStatus,
  type RunSummary,
  type TelemetryLine,
} from "../core/types.js";

export interface RunStoreWriter {
  readonly dir: string;
  appendInterval(line: IntervalLine): void;
  appendTelemetry(line: TelemetryLine): void;
  /** Rewrites the manifest (for example to add notes) without ending the run. */
  updateManifest(patch: Partial<Manifest>): void;
  /** Writes the summary and the final manifest (status, endedAt) and closes the files. */
  finish(status: RunStatus, summary?: RunSummary, endedAt?: Date): void;
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n");
  renameSync(tmp, path);
}

export function createRunStore(dir: string, manifest: Manifest): RunStoreWriter {
  const abs = resolve(dir);
  makeDirectory(abs);
  let current: Manifest = { ...manifest };
  writeJsonAtomic(join(abs, MANIFEST_FILE), current);
  // "w": a run starts from empty files, never appended to an earlier run's lines (--out ... --force).
  const intervalsFd = openSync(join(abs, INTERVALS_FILE), "w");
  const telemetryFd = openSync(join(abs, TELEMETRY_FILE), "w");
  let open = true;
  return {
    dir: abs,
    appendInterval(line) {
      if (open) writeSync(intervalsFd, JSON.stringify(line) + "\n");
    },
    appendTelemetry(line) {
      // Telemetry may outlive the load by one final sample: after finish() it still appends.
      if (open) writeSync(telemetryFd, JSON.stringify(line) + "\n");
      else appendFileSync(join(abs, TELEMETRY_FILE), JSON.stringify(line) + "\n");
    },
    updateManifest(patch) {
      current = { ...current, ...patch };
      writeJsonAtomic(join(abs, MANIFEST_FILE), current);
    },
    finish(status, summary, endedAt = new Date()) {
      if (!open) return;
      open = false;
      closeSync(intervalsFd);
      closeSync(telemetryFd);
      if (summary) writeJsonAtomic(join(abs, SUMMARY_FILE), summary);
      current = { ...current, status, endedAt: endedAt.toISOString() };
      writeJsonAtomic(join(abs, MANIFEST_FILE), current);
    },
  };
}

export interface RunStore {
  dir: string;
  manifest: Manifest;
  intervals: IntervalLine[];
  telemetry: TelemetryLine[];
  /** As written at the end of the run; absent for a killed run (runStoreSummary folds one from the intervals). */
  summary?: RunSummary;
  /** Lines that could not be parsed (a torn last line of a killed run), by file. */
  skippedLines: number;
}

/** "not a run directory: FILE: what is wrong" (exit 3). */
function notARun(path: string, problem: string, cause?: unknown): HeadroomError {
  return new HeadroomError("HR_RUN_INVALID", `not a run directory: ${path}: ${problem}`, `this file was damaged or not written by headroom; re-run the test, or pass another run. ${WHAT_A_RUN_IS}`, cause === undefined ? undefined : { cause });
}

function readJsonFile(path: string, schema: z.ZodType): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw notARun(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, e);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw notARun(path, `is not valid JSON (${(e as Error).message})`, e);
  }
  const problem = schemaProblem(schema, value);
  if (problem) throw notARun(path, problem);
  return value;
}

/** Lines that are not JSON (a killed run's torn last line) are skipped; JSON of the wrong shape is an error naming the line. */
function readNdjson<T>(path: string, schema: z.ZodType): { rows: T[]; skipped: number } {
  if (!existsSync(path)) return { rows: [], skipped: 0 };
  const rows: T[] = [];
  let skipped = 0;
  let lineNo = 0;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw notARun(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, e);
  }
  for (const line of text.split("\n")) {
    lineNo++;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const problem = schemaProblem(schema, value);
    if (problem) throw notARun(path, `line ${lineNo}: ${problem}`);
    rows.push(value as T);
  }
  return { rows, skipped };
}

const WHAT_A_RUN_IS =
  "a run directory holds the manifest.json and intervals.ndjson of one test: `headroom run` writes runs/<id> under the current directory (or --out) and prints its path as it starts (\"run directory ...\"); `headroom plan` writes one per test in runs/plan-<id>/<test>; `ls runs` lists them";

/** Why `dir` is not a run directory: missing, a file, a folder of runs (a plan's output), or something else. */
function runNotFound(dir: string, abs: string): HeadroomError {
  const expected = `expected a directory with ${MANIFEST_FILE}, written by \`headroom run\` or \`headroom plan\``;
  let st;
  try {
    st = statSync(abs);
  } catch {
    return new HeadroomError("HR_RUN_NOT_FOUND", `run directory "${dir}" does not exist; ${expected}`, WHAT_A_RUN_IS);
  }
  if (!st.isDirectory()) return new HeadroomError("HR_RUN_NOT_FOUND", `"${dir}" is a file, not a run directory; ${expected}`, WHAT_A_RUN_IS);
  let runs: string[] = [];
  try {
    runs = readdirSync(abs, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(abs, e.name, MANIFEST_FILE)))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    /* unreadable: the general hint */
  }
  if (runs.length > 0) {
    return new HeadroomError("HR_RUN_NOT_FOUND", `"${dir}" holds ${runs.length} run director${runs.length > 1 ? "ies" : "y"} but is not one itself (no ${MANIFEST_FILE})`, `pass one of them, e.g. ${runs.slice(0, 3).join(", ")}${runs.length > 3 ? ", ..." : ""}`);
  }
  return new HeadroomError("HR_RUN_NOT_FOUND", `no ${MANIFEST_FILE} in "${dir}"; ${expected}`, WHAT_A_RUN_IS);
}

/**
 * Reads a run directory. Throws HR_RUN_NOT_FOUND, or HR_RUN_INVALID ("not a run directory: FILE:
 * what is wrong") when a file is not JSON or not of a run's shape (run-schemas.ts).
 */
export function readRunStore(dir: string): RunStore {
  const abs = resolve(dir);
  const manifestPath = join(abs, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw runNotFound(dir, abs);
  const manifest = readJsonFile(manifestPath, manifestSchema) as Manifest;
  const intervals = readNdjson<IntervalLine>(join(abs, INTERVALS_FILE), intervalLineSchema);
  const telemetry = readNdjson<TelemetryLine>(join(abs, TELEMETRY_FILE), telemetryLineSchema);
  const summaryPath = join(abs, SUMMARY_FILE);
  const summary = existsSync(summaryPath) ? (readJsonFile(summaryPath, summarySchema) as RunSummary) : undefined;
  intervals.rows.sort((a, b) => a.t - b.t);
  telemetry.rows.sort((a, b) => a.ts - b.ts);
  return {
    dir: abs,
    manifest,
    intervals: intervals.rows,
    telemetry: telemetry.rows,
    summary,
    skippedLines: intervals.skipped + telemetry.skipped,
  };
}
