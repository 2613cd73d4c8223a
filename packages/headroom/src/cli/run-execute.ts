// `headroom run` once everything is parsed and checked: the run directory and its outputs, the
// optional Redis stream, the test itself with its progress, then the verdict and the exit code.
import { join, resolve } from "node:path";
import { EXIT } from "../core/errors.js";
import type { PlanDescription } from "../core/types.js";
import { newRunId, newRunManifest } from "../engine/manifest.js";
import { runTest, type RunTestOptions } from "../engine/run-test.js";
import { formatSegment, type Segment } from "../engine/segments.js";
import type { SingleRequest } from "../engine/single-request.js";
import type { StreamTarget } from "../k8s/stream-target.js";
import type { Profile } from "../plan/profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import { checkOutDir } from "../store/out-dir.js";
import { createRunStore, readRunStore, type RunStoreWriter } from "../store/run-store.js";
import type { CliIo } from "./io.js";
import { formatSummaryTable } from "./progress-table.js";
import { progressSink, type ProgressSink } from "./progress.js";
import { finishRun, type RunGates } from "./run-finish.js";
import { openRunSinks } from "./run-outputs.js";
import type { RunFlags } from "./run-flags.js";

/** What a run sends: one request (--url) or a scenario with its host; and the profile it runs. */
export interface RunTarget {
  request?: SingleRequest;
  scenario?: Scenario;
  baseUrl?: string;
  profile: Profile;
}

/** Everything a run needs, parsed and checked before anything is sent or written. */
export interface RunSetup extends RunTarget {
  gates: RunGates;
  vars: Record<string, string>;
  workers: number;
  seed: number | undefined;
  segment: Segment | undefined;
  startAtEpochMs: number | undefined;
  streamTarget: StreamTarget | undefined;
  plan: PlanDescription;
}

/** The run's id, directory and manifest (not yet written); a segment's run says it is one part. */
function newRun(s: RunSetup, f: RunFlags, cwd: string): { id: string; dir: string; notes: string[] | undefined; manifest: ReturnType<typeof newRunManifest> } {
  const id = newRunId();
  const dir = s.gates.outputs.dir ? resolve(cwd, s.gates.outputs.dir) : join(cwd, "runs", id);
  if (s.gates.outputs.dir) checkOutDir(dir, f.force);
  const notes = s.segment ? [`this run is segment ${f.segment} of a test split across hosts: \`headroom merge\` the hosts' run directories for the whole`] : undefined;
  const target = s.request ? { url: s.request.url } : { url: s.baseUrl!, scenario: s.scenario!.sourcePath ?? s.scenario!.name };
  const loadLevel = s.profile.loadLevel;
  const manifest = newRunManifest({ id, name: s.profile.name, plan: s.plan, ...(notes ? { notes } : {}), ...(loadLevel ? { loadLevel } : {}), target });
  return { id, dir, notes, manifest };
}

/** The runTest options of this run; each second goes to the progress line, the outputs and the stream. */
function testOptions(
  s: RunSetup,
  store: RunStoreWriter,
  signal: AbortSignal,
  onInterval: RunTestOptions["onInterval"],
  onWarning: (message: string) => void,
  onStart: RunTestOptions["onStart"],
): RunTestOptions {
  return {
    profile: s.profile,
    store,
    workers: s.workers,
    signal,
    vars: s.vars,
    ...(s.request ? { request: s.request } : { scenario: s.scenario! }),
    ...(s.baseUrl ? { baseUrl: s.baseUrl } : {}),
    ...(s.seed !== undefined ? { seed: s.seed } : {}),
    ...(s.segment ? { segment: [s.segment] } : {}),
    ...(s.startAtEpochMs !== undefined ? { startAtEpochMs: s.startAtEpochMs } : {}),
    onInterval,
    onWarning,
    onStart,
  };
}

export async function executeRun(s: RunSetup, f: RunFlags, io: CliIo): Promise<number> {
  const { id, dir, notes, manifest } = newRun(s, f, io.cwd);
  const { gates, profile, plan, workers, segment, startAtEpochMs } = s;
  const log = f.json ? io.stderr : io.stdout;
  const progress: ProgressSink = progressSink(log, plan.durationSec);
  const warnings: string[] = [];
  const stop = new AbortController();
  const warn = (message: string): void => {
    warnings.push(message);
    progress.end();
    io.stderr.write(`warning: ${message}\n`);
  };
  const sinks = await openRunSinks({
    outputs: gates.outputs,
    cwd: io.cwd,
    run: { id, name: profile.name },
    thresholds: gates.thresholds,
    ...(gates.abortGraceSec !== undefined ? { abortOnFail: { graceSec: gates.abortGraceSec } } : {}),
    onAbort: (failing) => {
      progress.end();
      io.stderr.write(`\nthreshold failed after ${gates.abortGraceSec} s grace, stopping the run (--abort-on-fail):\n${failing.map((r) => `  ${r.line}\n`).join("")}`);
      stop.abort();
    },
    onWarning: warn,
  });
  if (segment) manifest.distributed = { segment: formatSegment([segment]), ...(startAtEpochMs !== undefined ? { plannedStartEpochMs: startAtEpochMs } : {}) };
  // Connected before the run directory is made: an unreachable Redis stops the run before it starts.
  const stream = s.streamTarget ? await (await import("../k8s/redis-stream.js")).openStreamPublisher(s.streamTarget, formatSegment([segment!]), warn) : undefined;
  const store = createRunStore(dir, manifest);
  const unhook = io.onInterrupt(() => {
    if (!stop.signal.aborted) io.stderr.write("\nstopping: finishing requests in flight and writing the summary (Ctrl-C again to quit at once)\n");
    stop.abort();
  });
  if (!f.json) io.stdout.write(`running ${profile.executor} test for ${plan.durationSec} s with ${workers} worker${workers > 1 ? "s" : ""}; run directory ${dir}\n`);
  try {
    const onInterval: RunTestOptions["onInterval"] = (line) => {
      progress.line(line);
      sinks.line(line);
      stream?.line(line);
    };
    const onStart = (startEpochMs: number): void => {
      if (manifest.distributed) store.updateManifest({ distributed: { ...manifest.distributed, startEpochMs } });
      stream?.manifest(readRunStore(dir).manifest);
    };
    const summary = await runTest(testOptions(s, store, stop.signal, onInterval, warn, onStart));
    progress.end();
    const written = await sinks.finish();
    const aborted = sinks.abortedBy;
    if (aborted) warnings.push(`stopped early by --abort-on-fail: ${aborted.map((r) => r.line).join("; ")}`);
    // The manifest is final by now; the warnings join it as notes.
    if (warnings.length > 0) store.updateManifest({ notes: [...(notes ?? []), ...warnings] });
    if (f.json) io.stdout.write(JSON.stringify(summary) + "\n");
    else io.stdout.write("\n" + formatSummaryTable(summary));
    const verdict = await finishRun({ dir, gates, thresholds: sinks.judge(), writeReport: f.report, written, io, log });
    if (summary.runStatus === "interrupted" && !aborted) return EXIT.INTERRUPTED;
    return aborted || verdict.failed ? EXIT.TARGETS_FAILED : EXIT.OK;
  } finally {
    progress.end();
    unhook();
    if (stream) {
      stream.manifest(readRunStore(dir).manifest);
      await stream.close();
    }
  }
}
