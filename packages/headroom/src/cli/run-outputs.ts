// What `headroom run` does with each second besides the run store: the --out files (Locust CSV,
// JSON lines), the live remote-write export, and the thresholds (judged every second for
// --abort-on-fail, and at the end for the exit code). Files are created before the load starts,
// so a path that cannot be written fails the run before it sends a request.
import { appendFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ThresholdTracker, type ThresholdResult } from "../analysis/thresholds.js";
import { RemoteWriteExporter } from "../store/remote-write.js";
import type { Threshold } from "../plan/thresholds.js";
import { intervalJsonLines } from "../store/interval-json.js";
import { HISTORY_COLUMNS, csvRow, locustCsvPaths, locustFailuresCsv, locustHistoryCsv, locustStatsCsv } from "../report/data/locust-csv.js";
import { LocustStats } from "../analysis/locust-stats.js";
import type { IntervalLine } from "../core/types.js";
import { makeDirectory } from "../store/make-directory.js";
import type { RunOutputs } from "./out-flag.js";

export interface RunSinksOptions {
  outputs: RunOutputs;
  cwd: string;
  run: { id: string; name: string };
  thresholds: readonly Threshold[];
  /** Stop the run at the first failing threshold once this many seconds of load were judged. */
  abortOnFail?: { graceSec: number };
  /** Called once, with the failing lines, when --abort-on-fail stops the run. */
  onAbort(failing: ThresholdResult[]): void;
  onWarning(message: string): void;
}

export interface RunSinks {
  line(l: IntervalLine): void;
  /** Writes the files that are written at the end, waits for the export; returns the paths written. */
  finish(): Promise<string[]>;
  /** The thresholds judged on every second the run recorded. */
  judge(): ThresholdResult[];
  /** The failing thresholds that stopped the run (--abort-on-fail), if they did. */
  readonly abortedBy: ThresholdResult[] | undefined;
}

export async function openRunSinks(o: RunSinksOptions): Promise<RunSinks> {
  const written: string[] = [];
  const prepare = (path: string): string => {
    const abs = resolve(o.cwd, path);
    makeDirectory(dirname(abs));
    return abs;
  };
  let csv: { files: ReturnType<typeof locustCsvPaths>; writer: LocustStats } | undefined;
  if (o.outputs.csv) {
    const files = locustCsvPaths(prepare(o.outputs.csv));
    writeFileSync(files.history, csvRow(HISTORY_COLUMNS));
    csv = { files, writer: new LocustStats() };
  }
  const jsonPath = o.outputs.json ? prepare(o.outputs.json) : undefined;
  if (jsonPath) writeFileSync(jsonPath, "");
  let warnedRemote = false;
  const remote = o.outputs.remoteWrite
    ? new RemoteWriteExporter({
        url: o.outputs.remoteWrite,
        runId: o.run.id,
        testName: o.run.name,
        // One warning is enough to act on; the count of failed pushes is printed at the end.
        onError: (message) => {
          if (!warnedRemote) o.onWarning(message);
          warnedRemote = true;
        },
      })
    : undefined;
  const tracker = new ThresholdTracker(o.thresholds);
  let abortedBy: ThresholdResult[] | undefined;

  return {
    line(l) {
      if (csv) appendFileSync(csv.files.history, locustHistoryCsv(csv.writer.addSecond(l)));
      if (jsonPath) appendFileSync(jsonPath, intervalJsonLines(l, o.run));
      remote?.push(l);
      if (o.thresholds.length === 0) return;
      tracker.add(l);
      if (o.abortOnFail && !abortedBy && tracker.seconds >= o.abortOnFail.graceSec) {
        // While running, a selection that has not been measured yet is not a failure.
        const failing = tracker.evaluate().filter((r) => !r.ok && r.measured !== undefined);
        if (failing.length > 0) {
          abortedBy = failing;
          o.onAbort(failing);
        }
      }
    },
    async finish() {
      if (csv) {
        writeFileSync(csv.files.stats, locustStatsCsv(csv.writer.statsRows()));
        writeFileSync(csv.files.failures, locustFailuresCsv(csv.writer.failureRows()));
        csv.writer.destroy();
        written.push(csv.files.stats, csv.files.history, csv.files.failures);
      }
      if (jsonPath) written.push(jsonPath);
      if (remote) {
        await remote.close();
        if (remote.failed > 0) o.onWarning(`remote-write: ${remote.failed} of ${remote.pushed + remote.failed} pushes to ${o.outputs.remoteWrite} failed`);
      }
      return written;
    },
    judge() {
      const results = tracker.evaluate();
      tracker.destroy();
      return results;
    },
    get abortedBy() {
      return abortedBy;
    },
  };
}
