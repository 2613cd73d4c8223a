// The report model of a whole plan (the suite of `headroom plan`): every test's run report (with
// its analysis), the capacity analysis across load levels, the planning result and the
// environment. The capacity plan, the performance summary and the plan's HTML page render it.
import type { CapacityAnalysis, RunAnalysis, SearchResult, Slo } from "../../analysis/types.js";
import type { FailureScenariosAnalysis } from "../../analysis/failure-scenarios.js";
import type { CapacityPlanning } from "../../planning/types.js";
import type { HostInfo } from "../../core/types.js";
import type { PlanCharts } from "../html/chart-files.js";
import type { PlanHeadline } from "./headline.js";
import type { RunReportModel } from "./run-report-model.js";
import type { SearchStageSettings } from "../../plan/search-stage.js";

export interface SuiteRun {
  /** The profile the run executed: "baseline", "peak", "sustained", "spike", "rate-limiting", "database-stress", "cache-performance", ... */
  profile: string;
  /** The run's report model; its `analysis` should be set (figures without it read "not measured"). */
  report: RunReportModel;
  /** Where the run's own documents are, relative to the plan's output folder (for links). */
  files?: { dir?: string; html?: string; md?: string };
  /** The impact and recovery of each fault injected during the run (the failure-scenarios test). */
  failures?: FailureScenariosAnalysis;
}

export interface EnvironmentInfo {
  /** When the suite ran (ISO). */
  date: string;
  /** In words: "local lab: MueJam API (1 instance) on embedded PostgreSQL 18 and Redis 7, same host as the generator". */
  environment: string;
  /** The load generator's machine. */
  machine: HostInfo;
  /** The platform's machine, when it is not the generator's. */
  targetMachine?: HostInfo;
  /** Versions by name: headroom, node, postgres, redis, os, ... */
  versions: Record<string, string>;
  /** Users and durations were multiplied by this (1 = the seed's real values). */
  scale: number;
  /** The suite file given with --suite, as the user named it; absent: the MueJam suite. */
  suite?: string;
  /** The platform's base URL. */
  target: string;
  /** The command line that produced the documents. */
  command: string;
  /** App instances that served the load during the tests. */
  appInstances?: number;
  notes?: string[];
}

export interface PlanDocuments {
  /** Relative paths of the documents written next to the capacity plan. */
  performanceSummary?: string;
  html?: string;
  summaryJson?: string;
  grafanaDashboard?: string;
  alertRules?: string;
  junit?: string;
}

/**
 * Why the breaking-point search ended: the break was bracketed, the time budget was spent, the
 * user cap was reached without a break, the step count ran out, or the plan was interrupted.
 */
export type PlanSearchOutcome = "bracketed" | "budget" | "cap" | "steps" | "interrupted";

/** The breaking-point stage of a plan: a closed-model search with the suite's user mix, above the peak profile. */
export interface PlanSearch {
  /** The stage's folder relative to the plan's output folder: one run directory per step inside it. */
  dir: string;
  slo: Slo;
  /** The SLO in words ("p95 < 500 ms, p99 < 1000 ms, errors < 1%"). */
  sloText: string;
  startUsers: number;
  /** The cap: no step runs more users. */
  maxUsers: number;
  /** The most users a step ran. */
  maxTestedUsers: number;
  settings: SearchStageSettings;
  elapsedSec: number;
  outcome: PlanSearchOutcome;
  /** The load generator, not the platform, limited the first broken step (or the heaviest one). */
  generatorLimited: boolean;
  generatorReason?: string;
  /** The command that searches further than the stage could. */
  furtherCommand: string;
  notes: string[];
  /** Steps, capacity, stop reason and the bottlenecks of the first broken step. */
  result: SearchResult;
}

export interface PlanReportModel {
  /** The platform's name, as the seed calls it ("MueJam"). */
  platform: string;
  /** When the documents were rendered (ISO); injected so renders are reproducible. */
  generatedAt: string;
  environment: EnvironmentInfo;
  runs: SuiteRun[];
  /** The capacity analysis over the suite's load levels, when analysis made one. */
  capacity?: CapacityAnalysis;
  /** The breaking-point search after the profiles, when it ran. */
  search?: PlanSearch;
  /** Planning's result (growth, cost, autoscaling, budgets), when it ran. */
  planning?: CapacityPlanning;
  documents?: PlanDocuments;
  /** The author column of the changelog (default "headroom plan"). */
  author?: string;
  /** The chart files the capacity plan embeds, when they are written beside it (chart-files.ts). */
  charts?: PlanCharts;
  /** The answer every output prints (headline.ts); built once by the plan's documents, else on demand. */
  headline?: PlanHeadline;
}

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The run of a profile, matching names loosely ("rate-limiting" = "rate_limiting" = "RateLimiting"). */
export function findRun(model: Pick<PlanReportModel, "runs">, ...profiles: string[]): SuiteRun | undefined {
  const wanted = profiles.map(norm);
  return model.runs.find((r) => wanted.includes(norm(r.profile)));
}

/** The run whose analysis best describes the platform at its limit: the peak test, else the most users. */
export function heaviestRun(model: Pick<PlanReportModel, "runs">): SuiteRun | undefined {
  return findRun(model, "peak") ?? [...model.runs].sort((a, b) => b.report.summary.peakUsers - a.report.summary.peakUsers)[0];
}

/** Every run's analysis, in suite order. */
export function analyses(model: Pick<PlanReportModel, "runs">): { run: SuiteRun; analysis: RunAnalysis }[] {
  return model.runs.flatMap((run) => (run.report.analysis ? [{ run, analysis: run.report.analysis }] : []));
}
