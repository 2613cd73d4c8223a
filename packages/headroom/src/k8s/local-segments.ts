// One load step run as N local `headroom run` processes, one segment each (--segment i/N) from one
// shared start, merged into one run: a step's users split over several generator processes (and
// cores) with the same segment arithmetic as the pods of `headroom k8s job`. For search and plan
// to find a breaking point beyond one generator process.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HeadroomError } from "../core/errors.js";
import type { Manifest, RunSummary, TelemetryLine } from "../core/types.js";
import { mergeRunParts } from "./merge-runs.js";
import { readRunParts, writeMergedRun } from "./write-merged.js";

/** The CLI entry, from src/ or dist/ alike. */
const BIN = fileURLToPath(new URL("../../bin/headroom.js", import.meta.url));

export interface LocalStepOptions {
  /** Processes (segments). */
  hosts: number;
  /** Flags of `headroom run` for the whole step (its URL or scenario, users or rate, duration). */
  runArgs: string[];
  /** The step's directory: segment-<i>/ per process and merged/. */
  dir: string;
  /** How far ahead the shared start is set, so every process has loaded (default 8 s). */
  leadMs?: number;
  /** Worker threads per process (default 1: the processes are the parallelism). */
  workersPerHost?: number;
  signal?: AbortSignal;
  /** The shared start (epoch ms); default now + leadMs. */
  startAtEpochMs?: number;
  /** Lines sampled outside the processes (the platform's telemetry), written into the merged run with theirs. */
  telemetry?: () => TelemetryLine[];
}

export interface LocalStepResult {
  dir: string;
  manifest: Manifest;
  summary: RunSummary;
  /** Each process's exit code (0 ok, 99 a threshold failed, 130 interrupted, null killed). */
  exitCodes: (number | null)[];
  /** The last line each process wrote to stderr ("" when none): why one that failed did. */
  lastErrors: string[];
}

export async function runStepOnLocalSegments(o: LocalStepOptions): Promise<LocalStepResult> {
  if (!Number.isInteger(o.hosts) || o.hosts < 1) throw new HeadroomError("HR_BAD_NUMBER", `hosts ${o.hosts} is not a whole number of processes >= 1`, "give 2 or more to split a step");
  const startAt = o.startAtEpochMs ?? Date.now() + (o.leadMs ?? 8000);
  const dirs = Array.from({ length: o.hosts }, (_, i) => join(o.dir, `segment-${i}`));
  const stderr: string[] = dirs.map(() => "");
  const exitCodes = await Promise.all(
    dirs.map(
      (dir, i) =>
        new Promise<number | null>((resolve) => {
          const args = [BIN, "run", ...o.runArgs, "--workers", String(o.workersPerHost ?? 1), "--no-report", "--segment", `${i}/${o.hosts}`, "--start-at", String(startAt), "--out", dir, "--force"];
          const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
          child.stderr.on("data", (c: Buffer) => (stderr[i] += c.toString()));
          const kill = (): void => void child.kill("SIGINT");
          o.signal?.addEventListener("abort", kill, { once: true });
          child.once("exit", (code) => {
            o.signal?.removeEventListener("abort", kill);
            resolve(code);
          });
        }),
    ),
  );
  // A process that failed before writing its run directory (bad flags) fails the step with its own error.
  // One killed before it wrote its run is merged as a segment that never started.
  const started = dirs.filter((dir, i) => exitCodes[i] !== 2 && exitCodes[i] !== 3 && exitCodes[i] !== 4 && existsSync(join(dir, "manifest.json")));
  if (started.length === 0) throw new HeadroomError("HR_SCENARIO_FAILED", `no segment process of the step started: ${stderr[0]!.trim()}`, "run the step's flags with `headroom run` alone to see the error");
  const merged = mergeRunParts(readRunParts(started));
  if (o.telemetry) merged.telemetry = [...merged.telemetry, ...o.telemetry()].sort((a, b) => a.ts - b.ts);
  const out = join(o.dir, "merged");
  const summary = writeMergedRun(out, merged);
  const lastErrors = stderr.map((e) => e.trim().split("\n").pop() ?? "");
  return { dir: out, manifest: merged.manifest, summary, exitCodes, lastErrors };
}
