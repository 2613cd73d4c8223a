// Runs a suite: each profile in turn against one target, with telemetry sampling the platform
// into the same run store, then analyses every run against its load level's targets. Progress
// flows out through `onEvent`; nothing here prints.
import { join } from "node:path";
import { analyzeRun } from "../analysis/analyze-run.js";
import { analyzeFailureScenarios, faultVerdicts, type FailureScenariosAnalysis } from "../analysis/failure-scenarios.js";
import type { RunAnalysis } from "../analysis/types.js";
import { describeProfile, type Profile } from "../plan/profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import type { Targets } from "../plan/targets.js";
import { newRunManifest } from "../engine/manifest.js";
import { runTest } from "../engine/run-test.js";
import { describeClasses } from "../engine/scenario-workload.js";
import { createRunStore, readRunStore, type RunStore } from "../store/run-store.js";
import type { IntervalLine, LoadLevel, RunSummary } from "../core/types.js";
import { startTelemetry, type TelemetryHandle } from "../telemetry/index.js";
import type { TelemetryConfig } from "../telemetry/types.js";
import { startFaultInjector, type FaultInjector } from "../faults/fault-injector.js";
import { scheduleFaults, type FaultTargets } from "../plan/faults.js";

export interface SuiteTest {
  /** Profile name; also the run directory's name inside the suite's output folder. */
  name: string;
  profile: Profile;
  loadLevel: LoadLevel;
}

export type SuiteEvent =
  | { kind: "test-start"; index: number; total: number; test: SuiteTest; dir: string }
  | { kind: "interval"; index: number; test: SuiteTest; line: IntervalLine }
  | { kind: "warning"; test: SuiteTest; message: string }
  | { kind: "test-end"; index: number; test: SuiteTest; summary: RunSummary; analysis: RunAnalysis };

export interface RunSuiteOptions {
  tests: SuiteTest[];
  scenario: Scenario;
  baseUrl: string;
  vars: Record<string, string>;
  /** The suite's output folder: one run directory per test inside it. */
  outDir: string;
  targets: Targets;
  telemetry: TelemetryConfig;
  telemetryIntervalMs: number;
  workers: number;
  /** Recorded in every manifest. */
  userScale: number;
  notes?: string[];
  signal?: AbortSignal;
  onEvent?: (e: SuiteEvent) => void;
  seed?: number;
  /** What the faults of a profile with `faults` may act on; without it, every fault reads "not measured". */
  faultTargets?: FaultTargets;
}

export interface SuiteRunResult {
  test: SuiteTest;
  dir: string;
  store: RunStore;
  summary: RunSummary;
  analysis: RunAnalysis;
  /** The impact and recovery of each injected fault (profiles with `faults`). */
  failures?: FailureScenariosAnalysis;
}

export interface SuiteResult {
  runs: SuiteRunResult[];
  /** The suite stopped early (Ctrl-C); the runs finished so far are complete and analysed. */
  interrupted: boolean;
}

export async function runSuite(opts: RunSuiteOptions): Promise<SuiteResult> {
  const runs: SuiteRunResult[] = [];
  const total = opts.tests.length;
  for (const [index, test] of opts.tests.entries()) {
    if (opts.signal?.aborted) return { runs, interrupted: true };
    const dir = join(opts.outDir, test.name);
    opts.onEvent?.({ kind: "test-start", index, total, test, dir });
    const manifest = newRunManifest({
      name: test.name,
      plan: describeProfile(test.profile, { scenario: opts.scenario.sourcePath, workers: opts.workers, classes: describeClasses(opts.scenario, test.profile) }),
      target: { url: opts.baseUrl, scenario: opts.scenario.sourcePath },
      loadLevel: test.loadLevel,
      scale: opts.userScale,
      notes: opts.notes,
      ...(test.profile.untestable ? { untestable: test.profile.untestable } : {}),
    });
    const store = createRunStore(dir, manifest);
    // Telemetry starts at the load's t = 0 (after worker threads are ready), so its samples line
    // up second for second with the interval lines.
    let telemetry: TelemetryHandle | undefined;
    const faults = scheduleFaults(test.profile.faults, test.profile.durationSec, test.name);
    let injector: FaultInjector | undefined;
    const startTelemetryAt = (startedAtMs: number): void => {
      telemetry = startTelemetry(opts.telemetry, (line) => store.appendTelemetry(line), { startedAtMs, intervalMs: opts.telemetryIntervalMs, diskPath: dir });
      const targets = opts.faultTargets ?? { baseUrl: opts.baseUrl };
      if (faults.length > 0) injector = startFaultInjector({ faults, targets, startedAtMs, emit: (line) => store.appendTelemetry(line) });
    };
    let summary: RunSummary;
    try {
      summary = await runTest({
        profile: test.profile,
        scenario: opts.scenario,
        store,
        workers: opts.workers,
        signal: opts.signal,
        baseUrl: opts.baseUrl,
        vars: opts.vars,
        seed: opts.seed,
        onInterval: (line) => opts.onEvent?.({ kind: "interval", index, test, line }),
        onWarning: (message) => opts.onEvent?.({ kind: "warning", test, message }),
        onStart: startTelemetryAt,
      });
    } finally {
      // runTest has finished the store; the telemetry's final sample still lands in the file.
      await injector?.stop();
      await telemetry?.stop();
    }
    const stored = readRunStore(dir);
    const analysis = analyzeRun(stored, opts.targets, { level: test.loadLevel });
    let failures: FailureScenariosAnalysis | undefined;
    if (faults.length > 0) {
      // A run with faults is judged on its recoveries: its whole-run latency and errors include
      // the faults by design.
      failures = analyzeFailureScenarios(stored.intervals, stored.telemetry, { planned: faults, targets: opts.targets, level: test.loadLevel });
      analysis.verdicts = faultVerdicts(failures);
      if (analysis.verdict !== "INCOMPLETE") analysis.verdict = failures.verdict;
      analysis.notes.push("judged on the recovery of each injected fault (faultRecoverySec); whole-run latency and error rate include the faults by design and are not judged");
    }
    runs.push({ test, dir, store: stored, summary, analysis, ...(failures ? { failures } : {}) });
    opts.onEvent?.({ kind: "test-end", index, test, summary, analysis });
    if (summary.runStatus === "interrupted") return { runs, interrupted: true };
  }
  return { runs, interrupted: false };
}
