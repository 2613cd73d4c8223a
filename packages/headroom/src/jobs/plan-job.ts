// The main job of `headroom plan`, as a library function: start the target, warm it up, run the
// suite's profiles with telemetry, then the breaking-point search, build the documents, and stop
// the target (also on an error or an abort). Progress flows out as events; the documents come
// back as values. The job writes the run directories under outDir; printing, writing the
// documents and the exit code belong to the caller.
import { HeadroomError, isHeadroomError } from "../core/errors.js";
import { stepsFromRuns } from "../analysis/load-steps.js";
import type { Slo } from "../analysis/types.js";
import { peakUsers, type SuiteScale } from "../plan/scale-profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import type { Targets } from "../plan/targets.js";
import type { InfrastructureModel } from "../planning/types.js";
import type { PlanSearch } from "../report/model/plan-report-model.js";
import type { AlertThresholds } from "../report/ops/alert-rules.js";
import type { RunningTarget, Target } from "../targets/types.js";
import { runBreakingPoint, type BreakingPointEvent, type SearchStageSettings } from "./breaking-point.js";
import { planSearchStart } from "./search-start.js";
import { planEnvironment } from "./plan-environment.js";
import { buildPlanDocuments, runsTheStandardMix, type PlanDocuments } from "./plan-documents.js";
import { runSuite, type SuiteEvent, type SuiteResult, type SuiteRunResult, type SuiteTest } from "./run-suite.js";
import { warmUp } from "./warm-up.js";

/** The breaking-point stage after the profiles. */
export interface PlanSearchStage {
  settings: SearchStageSettings;
  /** Where the search starts when the profiles give no estimate of the break. */
  startUsers: number;
  maxUsers: number;
  slo: Slo;
  /** Generator processes each step's users are split over (`--segment i/N` each); default 1. */
  hosts?: number;
  /** The command a user runs to search further than the stage did, from the most users it ran. */
  furtherCommand: (fromUsers: number) => string;
}

export interface PlanJobOptions {
  /** The platform (not started yet: the job starts it, and stops it at the end). */
  target: Target;
  scenario: Scenario;
  tests: SuiteTest[];
  scale: SuiteScale;
  /** Absent: no breaking-point stage. */
  search?: PlanSearchStage;
  targets: Targets;
  /** Limits a load step must meet to count as within capacity. */
  slo: Slo;
  alertThresholds: AlertThresholds;
  infrastructure: InfrastructureModel;
  /** The user's variables for the scenario (over the target's own, such as tokens). */
  vars: Record<string, string>;
  /** The plan's output folder (it exists): one run directory per test, warm-up/ and breaking-point/. */
  outDir: string;
  workers: number;
  telemetryIntervalMs: number;
  seed?: number;
  /** Unmeasured warm-up before the suite (0: none). */
  warmupSec: number;
  startedAt: Date;
  /** The command line as the documents show it (redacted). */
  command: string;
  /** The suite as the user named it, when not the default one. */
  suite?: string;
  /** Aborting stops the job after the current second; what completed is reported. */
  signal?: AbortSignal;
}

export type PlanJobEvent =
  | { kind: "target-log"; line: string }
  | { kind: "target-ready"; url: string }
  | { kind: "warm-up"; seconds: number }
  | SuiteEvent
  | BreakingPointEvent
  | { kind: "target-stopped" };

export interface PlanJobResult {
  runs: SuiteRunResult[];
  /** The suite stopped early (abort); the runs finished so far are complete and analysed. */
  interrupted: boolean;
  search?: PlanSearch;
  /** Absent when nothing completed (no test, no search): there is nothing to report. */
  documents?: PlanDocuments;
}

type OnEvent = (e: PlanJobEvent) => void;

/** A platform that headroom started drains this long at the end: the documents are built, nothing waits for its in-flight requests. */
const PLATFORM_STOP_GRACE_MS = 5_000;

async function startTarget(o: PlanJobOptions, onEvent: OnEvent): Promise<RunningTarget> {
  const maxUsers = Math.max(...o.tests.map((t) => peakUsers(t.profile)), o.search?.maxUsers ?? 0, 1);
  try {
    return await o.target.start({ outDir: o.outDir, maxUsers, log: (line) => onEvent({ kind: "target-log", line }) });
  } catch (e) {
    if (isHeadroomError(e)) throw e;
    const hint = (e as { hint?: unknown }).hint;
    const fix = typeof hint === "string" ? hint : "see the lines above; run with --verbose for detail";
    throw new HeadroomError("HR_SERVICE_START", `${o.target.name} did not start: ${(e as Error).message}`, fix, { cause: e });
  }
}

async function searchStage(o: PlanJobOptions, stage: PlanSearchStage, t: RunningTarget, suite: SuiteResult, onEvent: OnEvent): Promise<PlanSearch> {
  const notes = [...(t.searchNotes?.(stage.maxUsers) ?? [])];
  // Start from an estimate of the break, from what the profiles measured.
  const mix = suite.runs.filter(runsTheStandardMix).map((r) => r.store);
  const start = planSearchStart(stepsFromRuns(mix), mix, stage.slo, stage.startUsers, stage.maxUsers);
  notes.push(`the search started at ${start.startUsers} users: ${start.how}`);
  return runBreakingPoint({
    scenario: o.scenario,
    baseUrl: t.url,
    vars: { ...t.vars, ...o.vars },
    outDir: o.outDir,
    slo: stage.slo,
    targets: o.targets,
    telemetry: t.telemetry,
    telemetryIntervalMs: o.telemetryIntervalMs,
    workers: o.workers,
    ...(stage.hosts !== undefined ? { hosts: stage.hosts } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    startUsers: start.startUsers,
    ...(start.thinkSec !== undefined ? { thinkSec: start.thinkSec } : {}),
    priorSteps: start.priorSteps,
    maxUsers: stage.maxUsers,
    settings: stage.settings,
    notes,
    furtherCommand: stage.furtherCommand,
    ...(o.signal ? { signal: o.signal } : {}),
    onEvent,
  });
}

function runTheSuite(o: PlanJobOptions, t: RunningTarget, onEvent: OnEvent): Promise<SuiteResult> {
  return runSuite({
    tests: o.tests,
    scenario: o.scenario,
    baseUrl: t.url,
    vars: { ...t.vars, ...o.vars },
    outDir: o.outDir,
    targets: o.targets,
    telemetry: t.telemetry,
    telemetryIntervalMs: o.telemetryIntervalMs,
    workers: o.workers,
    userScale: o.scale.users,
    notes: t.notes,
    ...(o.signal ? { signal: o.signal } : {}),
    onEvent,
    faultTargets: t.faultTargets,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  });
}

/** Warm-up, suite, search and documents on a started target. */
async function measure(o: PlanJobOptions, t: RunningTarget, onEvent: OnEvent): Promise<PlanJobResult> {
  const serviceVersions = await t.versions();
  if (o.warmupSec > 0) {
    onEvent({ kind: "warm-up", seconds: o.warmupSec });
    const vars = { ...t.vars, ...o.vars };
    const { scenario, outDir, workers, signal } = o;
    await warmUp({ scenario, baseUrl: t.url, vars, outDir, seconds: o.warmupSec, workers, ...(signal ? { signal } : {}) });
  }
  const suite = await runTheSuite(o, t, onEvent);
  const search = o.search && !suite.interrupted && !o.signal?.aborted ? await searchStage(o, o.search, t, suite, onEvent) : undefined;
  const result: PlanJobResult = { runs: suite.runs, interrupted: suite.interrupted, ...(search ? { search } : {}) };
  if (suite.runs.length === 0 && !search) return result;
  const environment = planEnvironment({
    startedAt: o.startedAt,
    target: t,
    serviceVersions,
    scale: o.scale,
    command: o.command,
    ...(o.suite !== undefined ? { suite: o.suite } : {}),
    telemetryIntervalMs: o.telemetryIntervalMs,
    workers: o.workers,
    testCount: o.tests.length,
    searchPlanned: o.search !== undefined,
    result: suite,
    ...(search ? { search } : {}),
  });
  const { infrastructure, slo, targets, alertThresholds } = o;
  const documents = await buildPlanDocuments({
    runs: suite.runs,
    outDir: o.outDir,
    environment,
    infrastructure,
    slo,
    targets,
    alertThresholds,
    instances: t.instances,
    generatedAt: new Date().toISOString(),
    ...(search ? { search } : {}),
  });
  return { ...result, documents };
}

export async function runPlanJob(o: PlanJobOptions, onEvent: (e: PlanJobEvent) => void = () => {}): Promise<PlanJobResult> {
  const t = await startTarget(o, onEvent);
  onEvent({ kind: "target-ready", url: t.url });
  try {
    return await measure(o, t, onEvent);
  } finally {
    await t.stop({ graceMs: PLATFORM_STOP_GRACE_MS });
    onEvent({ kind: "target-stopped" });
  }
}
