// A profile says how much load, for how long: closed model (users, spawn rate, stages), open
// model (arrival rate, constant or ramping) or throughput (C connections, no think time). It is
// plain data, validated before anything runs, and describes itself for the manifest and --dry-run.
import { HeadroomError } from "../core/errors.js";
import type { LoadLevel, PlanDescription, StageSpec } from "../core/types.js";
import type { FaultSpec } from "./faults.js";
import { TARGET_METRICS } from "./targets.js";
import { describeWait, waitProblem, type WaitSpec } from "./wait.js";

export type ExecutorKind = "closed" | "open" | "throughput";

export interface ClassOverride {
  /** Replaces the class's wait strategy (the rate-limiting profile's 0.1-0.5 s). */
  wait?: WaitSpec;
  /** Replaces task weights by task name; tasks not named keep theirs. */
  taskWeights?: Record<string, number>;
}

export interface Profile {
  /** "baseline", "peak", ...; "run" for ad-hoc runs. */
  name: string;
  description?: string;
  /** The load level results are judged at (the targets differ by level). */
  loadLevel?: LoadLevel;
  executor: ExecutorKind;
  /** Total duration; with stages, the sum of the stage durations. */
  durationSec: number;
  /** Closed model: users to reach, started at `spawnRate` per second (all at once when absent). */
  users?: number;
  spawnRate?: number;
  /**
   * Closed model (scenarios): each user begins with one pause drawn from its class's wait, times a
   * uniform fraction, before its first task: users started together then send their first requests
   * spread over a think time, as a steady load does, instead of in one burst.
   */
  staggerStart?: boolean;
  /**
   * Closed model: successive targets of users, each reached at its own spawn rate then held.
   * Open model: successive arrival rates, each reached by a linear ramp over the stage.
   */
  stages?: StageSpec[];
  /** Open model: constant arrivals per second (when no stages). */
  rate?: number;
  /** Open model: arrivals that find this many requests in flight are dropped. */
  maxInFlight?: number;
  /** Throughput: connections kept busy with no think time. */
  connections?: number;
  /** Per-request timeout (default 30 s, MueJam's request timeout). */
  timeoutMs?: number;
  /** Closed model with a single URL: pause between a user's requests (default none). */
  thinkTime?: WaitSpec;
  /** Replaces the scenario's class weights: classes not listed get weight 0. */
  classWeights?: Record<string, number>;
  classOverrides?: Record<string, ClassOverride>;
  /**
   * Faults injected while the profile runs (the failure-scenarios test of `headroom plan`; see
   * plan/faults.ts). The engine ignores them; the suite runner injects them at their second.
   */
  faults?: FaultSpec[];
  /**
   * Targets this profile's traffic cannot test by design, by metric id ("cacheHitPct"), with the
   * reason: judged NOT_TESTABLE instead of FAIL or PASS (a focused test that opens the cache's
   * long tail is not the place to judge a hit-rate target meant for the normal mix).
   */
  untestable?: Record<string, string>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

function bad(message: string, hint: string): never {
  throw new HeadroomError("HR_CONFIG_INVALID", message, hint);
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;
const isPositive = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n > 0;

/** Checks a profile; throws HR_CONFIG_INVALID naming the field, the value and the expected form. */
export function validateProfile(p: Profile): Profile {
  const where = `profile "${p.name}"`;
  if (!isPositive(p.durationSec)) bad(`${where}: durationSec ${p.durationSec} must be a positive number of seconds`, "set a duration such as --duration 5m");
  if (p.timeoutMs !== undefined && !isPositive(p.timeoutMs)) bad(`${where}: timeoutMs ${p.timeoutMs} must be positive`, "set a timeout such as --timeout 30s");
  if (p.thinkTime) {
    const problem = waitProblem(p.thinkTime);
    if (problem) bad(`${where}: ${problem}`, "use between(a, b), constant(s) or constantPacing(s) with seconds >= 0");
  }
  for (const [name, o] of Object.entries(p.classOverrides ?? {})) {
    const problem = o.wait && waitProblem(o.wait);
    if (problem) bad(`${where}: class ${name}: ${problem}`, "use between(a, b), constant(s) or constantPacing(s) with seconds >= 0");
  }
  for (const [name, w] of Object.entries(p.classWeights ?? {})) {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) bad(`${where}: class weight ${name}=${w} must be a number >= 0`, "give each class a non-negative weight");
  }
  for (const [metric, reason] of Object.entries(p.untestable ?? {})) {
    if (!(metric in TARGET_METRICS)) bad(`${where}: untestable names "${metric}", which is not a target metric; expected one of ${Object.keys(TARGET_METRICS).join(", ")}`, "name the metric as config/targets.default.json does, e.g. untestable: { cacheHitPct: \"why this profile cannot test it\" }");
    if (typeof reason !== "string" || reason.trim() === "") bad(`${where}: untestable.${metric} has no reason`, "say in a sentence why this profile's traffic cannot test the target; the documents print it");
  }
  switch (p.executor) {
    case "closed": {
      if (p.stages && p.stages.length > 0) {
        p.stages.forEach((s, i) => {
          if (!isPositive(s.durationSec)) bad(`${where}: stage ${i + 1} durationSec ${s.durationSec} must be positive`, "give every stage a positive duration");
          if (!isCount(s.users)) bad(`${where}: stage ${i + 1} users ${s.users} must be a whole number >= 0`, "give every closed-model stage a users target");
          if (s.spawnRate !== undefined && !isPositive(s.spawnRate)) bad(`${where}: stage ${i + 1} spawnRate ${s.spawnRate} must be positive`, "give a spawn rate in users per second, or omit it to start all users at once");
        });
      } else {
        if (!isCount(p.users) || p.users === 0) bad(`${where}: users ${p.users} must be a whole number >= 1`, "set --users N");
        if (p.spawnRate !== undefined && !isPositive(p.spawnRate)) bad(`${where}: spawnRate ${p.spawnRate} must be positive`, "set --spawn-rate R (users per second), or omit it to start all users at once");
      }
      break;
    }
    case "open": {
      if (p.stages && p.stages.length > 0) {
        p.stages.forEach((s, i) => {
          if (!isPositive(s.durationSec)) bad(`${where}: stage ${i + 1} durationSec ${s.durationSec} must be positive`, "give every stage a positive duration");
          if (typeof s.rate !== "number" || !(s.rate >= 0)) bad(`${where}: stage ${i + 1} rate ${s.rate} must be >= 0 arrivals per second`, "give every open-model stage a rate");
        });
      } else if (!isPositive(p.rate)) bad(`${where}: rate ${p.rate} must be a positive number of requests per second`, "set --rate R");
      if (p.maxInFlight !== undefined && (!isCount(p.maxInFlight) || p.maxInFlight < 1)) bad(`${where}: maxInFlight ${p.maxInFlight} must be a whole number >= 1`, "set --max-in-flight N");
      break;
    }
    case "throughput":
      if (!isCount(p.connections) || p.connections < 1) bad(`${where}: connections ${p.connections} must be a whole number >= 1`, "set --connections C");
      break;
    default:
      bad(`${where}: executor "${String((p as { executor: unknown }).executor)}" is unknown; expected closed, open or throughput`, "set executor to closed, open or throughput");
  }
  return p;
}

/** Stages with a defined duration, as the closed executor runs them (a plain profile is one stage). */
export function closedStages(p: Profile): (StageSpec & { users: number })[] {
  if (p.stages && p.stages.length > 0) return p.stages.map((s) => ({ ...s, users: s.users ?? 0 }));
  return [{ durationSec: p.durationSec, users: p.users ?? 0, ...(p.spawnRate !== undefined ? { spawnRate: p.spawnRate } : {}) }];
}

export interface OpenStage {
  name?: string;
  durationSec: number;
  /** Arrivals per second at the start of the stage (the previous stage's end rate). */
  fromRate: number;
  /** Arrivals per second at the end of the stage (linear in between). */
  toRate: number;
}

/**
 * Open-model stages. A constant rate is one flat stage. With stages, each ramps linearly from the
 * previous stage's rate to its own; the first starts from `rate` (0 when absent), as k6's startRate.
 */
export function openStages(p: Profile): OpenStage[] {
  if (!p.stages || p.stages.length === 0) return [{ durationSec: p.durationSec, fromRate: p.rate ?? 0, toRate: p.rate ?? 0 }];
  let prev = p.rate ?? 0;
  return p.stages.map((s) => {
    const st: OpenStage = { durationSec: s.durationSec, fromRate: prev, toRate: s.rate ?? 0, ...(s.name ? { name: s.name } : {}) };
    prev = st.toRate;
    return st;
  });
}

export function peakRate(p: Profile): number {
  return Math.max(0, ...openStages(p).flatMap((s) => [s.fromRate, s.toRate]));
}

/** Default capacity of the open model: enough for the peak rate at 5 s of latency, at least 100. */
export function defaultMaxInFlight(p: Profile): number {
  return Math.max(100, Math.ceil(peakRate(p) * 5));
}

/** The total duration: the sum of the stages when there are stages. */
export function profileDurationSec(p: Profile): number {
  if (p.executor !== "throughput" && p.stages && p.stages.length > 0) return p.stages.reduce((s, st) => s + st.durationSec, 0);
  return p.durationSec;
}

/** The profile as plain data for the manifest and --dry-run. */
export function describeProfile(p: Profile, extra: Partial<PlanDescription> = {}): PlanDescription {
  const d: PlanDescription = { executor: p.executor, durationSec: profileDurationSec(p), timeoutMs: p.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  if (p.executor === "closed") {
    const stages = closedStages(p);
    d.users = Math.max(...stages.map((s) => s.users));
    if (p.stages && p.stages.length > 0) d.stages = p.stages.map((s) => ({ ...s }));
    else if (p.spawnRate !== undefined) d.spawnRate = p.spawnRate;
  } else if (p.executor === "open") {
    if (p.stages && p.stages.length > 0) d.stages = p.stages.map((s) => ({ ...s }));
    else d.rate = p.rate;
    d.maxInFlight = p.maxInFlight ?? defaultMaxInFlight(p);
  } else {
    d.connections = p.connections;
  }
  if (p.thinkTime) d.classes = [{ name: "url", weight: 1, wait: describeWait(p.thinkTime) }];
  return { ...d, ...extra };
}
