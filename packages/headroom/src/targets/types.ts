// The seam between headroom and the platform it measures. A Target starts (or finds) the platform
// under test and says where everything is: the base URL the load goes to, what telemetry samples,
// what the failure-scenarios test may touch, the variables the scenario reads (the tokens file),
// and the service versions for the documents' environment table. `stop()` ends only what the
// target itself started. headroom's own target is the external one (targets/external.ts, built
// from --target and its flags); a platform that headroom may start ships an adapter module
// exporting `createTarget` (targets/load-target-module.ts loads it by path; the MueJam API's is
// apps/backend/src/headroom-target.ts).
import type { FaultTargets } from "../plan/faults.js";
import type { TelemetryConfig } from "../telemetry/types.js";

/** What the plan tells a target as it starts it. */
export interface TargetStartContext {
  /** The plan's report folder (a target may keep a file there when asked to, e.g. --keep-tokens). */
  outDir: string;
  /** The most virtual users any stage of the plan runs: how many user credentials (tokens) would serve each one its own. */
  maxUsers: number;
  /** A progress line for the console (the target's own startup messages). */
  log(line: string): void;
}

/** A platform ready for load: what headroom measures, and how to end it. */
export interface RunningTarget {
  /** The base URL the load goes to. */
  url: string;
  /** App instances serving it (the per-instance figures divide by it). */
  instances: number;
  /** The sources telemetry samples while the load runs. */
  telemetry: TelemetryConfig;
  /** What the failure-scenarios test may break: only what the target started or was given. */
  faultTargets: FaultTargets;
  /** Variables for the scenario (e.g. `tokens`: the path of a JSON file of bearer tokens). */
  vars: Record<string, string>;
  /** What the documents should know about a search up to `maxUsers` users (e.g. that users above some count share a token); absent: nothing. */
  searchNotes?(maxUsers: number): string[];
  /** One line for the environment table, e.g. "target http://staging:8000". */
  environment: string;
  /** Said in the documents (what was not measured, what was enabled). */
  notes: string[];
  /** The platform's service versions for the environment table (e.g. { postgresql: "16.4" }); {} when unknown. */
  versions(): Promise<Record<string, string>>;
  /** Ends what the target started (nothing for a platform it only found). `graceMs`: how long in-flight requests may drain. */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

export interface Target {
  /** The platform in messages: "the MueJam API", "target http://127.0.0.1:3000". */
  name: string;
  start(ctx: TargetStartContext): Promise<RunningTarget>;
}

/** The options `headroom plan` hands an adapter module's `createTarget` (from --instances, --dataset, --lab, ...). */
export interface TargetOptions {
  /** App instances to start (--instances). */
  instances: number;
  /** The environment headroom runs in (DATABASE_URL, REDIS_URL...). */
  env: Record<string, string | undefined>;
  /** The data an empty database is seeded with (--dataset). */
  dataset: { users: number; stories: number };
  /** Start the platform with lab faults enabled (--lab), and which (--fault). */
  lab: boolean;
  faults: string[];
  /** Keep the minted tokens in the report folder instead of a private temporary one (--keep-tokens). */
  keepTokens: boolean;
}

/** What an adapter module exports: `export function createTarget(options: TargetOptions): Target`. */
export type CreateTarget = (options: TargetOptions) => Target;
