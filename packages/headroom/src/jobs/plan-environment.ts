// The environment table of a plan's documents: when, where, with what versions and settings the
// suite ran, and what the reader should know about how far it got.
import { platform, release } from "node:os";
import { VERSION } from "../core/version.js";
import { hostInfo } from "../engine/manifest.js";
import type { SuiteScale } from "../plan/scale-profile.js";
import type { EnvironmentInfo, PlanSearch } from "../report/model/plan-report-model.js";
import type { RunningTarget } from "../targets/types.js";
import type { SuiteResult } from "./run-suite.js";

export interface PlanEnvironmentInput {
  startedAt: Date;
  target: RunningTarget;
  /** The platform's service versions (RunningTarget.versions()). */
  serviceVersions: Record<string, string>;
  scale: SuiteScale;
  /** The command line as the documents show it (redacted). */
  command: string;
  /** The suite as the user named it, when not the default one. */
  suite?: string;
  telemetryIntervalMs: number;
  workers: number;
  /** How many tests the suite had, and whether the search stage was planned. */
  testCount: number;
  searchPlanned: boolean;
  result: SuiteResult;
  search?: PlanSearch;
}

/** headroom's, Node's and the OS's versions, then the platform's services. */
export function planVersions(serviceVersions: Record<string, string>): Record<string, string> {
  return { headroom: VERSION, node: process.version, os: `${platform()} ${release()}`, ...serviceVersions };
}

function progressNotes(i: PlanEnvironmentInput): string[] {
  const { result, search } = i;
  return [
    ...(result.interrupted ? [`interrupted after ${result.runs.length} of ${i.testCount} tests: the documents cover the completed tests only`] : []),
    ...(i.searchPlanned && !search ? [`the breaking-point search did not run: the plan was interrupted first`] : []),
    ...(search?.outcome === "interrupted" ? [`the breaking-point search was interrupted after ${search.result.detail.steps.length} steps`] : []),
  ];
}

export function planEnvironment(i: PlanEnvironmentInput): EnvironmentInfo {
  const { scale } = i;
  return {
    date: i.startedAt.toISOString(),
    environment: i.target.environment,
    machine: hostInfo(),
    versions: planVersions(i.serviceVersions),
    scale: scale.users === 1 && scale.time === 1 ? 1 : Math.min(scale.users, scale.time),
    target: i.target.url,
    command: i.command,
    ...(i.suite !== undefined ? { suite: i.suite } : {}),
    appInstances: i.target.instances,
    notes: [
      `users x${scale.users}, durations x${scale.time} (each test at least ${scale.minDurationSec} s; see --full)`,
      `telemetry sampled every ${i.telemetryIntervalMs / 1000} s`,
      `load generator: ${i.workers} worker thread(s) on the same host as the platform`,
      ...i.target.notes,
      ...progressNotes(i),
    ],
  };
}
