// Faults of a failure-scenarios test, as data of the suite's profile: what to break, when (a share
// of the profile's duration, so the schedule scales with the profile, or seconds), for how long.
// Each fault acts on the platform's real processes through their real interfaces:
//   db-connections  pg_terminate_backend of the app's connections (pg_stat_activity, by
//                   application_name on the app's database): the database drops them
//   app-stall       SIGSTOP of the app process(es), SIGCONT after durationSec (a GC pause, VM
//                   steal or a noisy neighbour); only processes headroom started or given by --pid
//   redis-pause     CLIENT PAUSE <ms> ALL on the platform's Redis (it releases itself)
// This file is the pure part: validation, the schedule, and whether a fault can reach its target.
import { HeadroomError } from "../core/errors.js";

export type FaultKind = "db-connections" | "app-stall" | "redis-pause";

export const FAULT_KINDS: readonly FaultKind[] = ["db-connections", "app-stall", "redis-pause"];

export interface FaultSpec {
  /** When, from the load's t = 0: "35%" of the profile's duration, or seconds. */
  at: string | number;
  kind: FaultKind;
  /** How long the fault lasts (app-stall, redis-pause; default 2 s); db-connections is instantaneous. */
  durationSec?: number;
  /** db-connections: the application_name the app's pool sets (default "muejam-api"). */
  applicationName?: string;
}

export interface ScheduledFault {
  /** Position in the profile's list, from 0. */
  index: number;
  kind: FaultKind;
  /** Seconds after the load's t = 0. */
  atSec: number;
  /** 0 for an instantaneous fault. */
  durationSec: number;
  applicationName?: string;
}

export const DEFAULT_FAULT_DURATION_SEC = 2;
export const DEFAULT_APPLICATION_NAME = "muejam-api";

export const FAULT_LABELS: Record<FaultKind, string> = {
  "db-connections": "Database connections dropped",
  "app-stall": "App stall (SIGSTOP)",
  "redis-pause": "Cache/limiter store stall (Redis CLIENT PAUSE)",
};

function bad(where: string, message: string): never {
  throw new HeadroomError(
    "HR_CONFIG_INVALID",
    `${where}: ${message}`,
    `each fault is {at: "35%" or seconds, kind: ${FAULT_KINDS.join(" | ")}, durationSec?: seconds > 0}, e.g. faults: [{ at: "25%", kind: "db-connections" }] in the suite's profile`,
  );
}

/** Seconds after t = 0 for `at` ("35%" of `durationSec`, or a number of seconds). */
export function faultAtSec(at: string | number, durationSec: number, where: string): number {
  let sec: number;
  if (typeof at === "number") sec = at;
  else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(at);
    if (!m) bad(where, `at "${at}" is neither a share of the duration ("35%") nor seconds`);
    sec = (Number(m[1]) / 100) * durationSec;
  }
  if (!Number.isFinite(sec) || sec < 0 || sec >= durationSec) bad(where, `at ${JSON.stringify(at)} falls at ${Number.isFinite(sec) ? sec.toFixed(1) : sec} s, outside the profile's ${durationSec} s`);
  return Math.round(sec * 10) / 10;
}

/** Validates the faults of a profile and places them in its (scaled) duration, in time order. */
export function scheduleFaults(specs: readonly FaultSpec[] | undefined, durationSec: number, profile = "profile"): ScheduledFault[] {
  if (!specs) return [];
  if (!Array.isArray(specs)) bad(`profile "${profile}" faults`, "must be a list");
  const out = specs.map((f, index): ScheduledFault => {
    const where = `profile "${profile}" fault ${index + 1}`;
    if (!FAULT_KINDS.includes(f?.kind)) bad(where, `kind ${JSON.stringify(f?.kind)} is unknown`);
    const d = f.durationSec ?? (f.kind === "db-connections" ? 0 : DEFAULT_FAULT_DURATION_SEC);
    if (typeof d !== "number" || !Number.isFinite(d) || d < 0 || (f.kind !== "db-connections" && d === 0)) bad(where, `durationSec ${JSON.stringify(f.durationSec)} must be a number of seconds above 0`);
    const atSec = faultAtSec(f.at, durationSec, where);
    return { index, kind: f.kind, atSec, durationSec: f.kind === "db-connections" ? 0 : d, ...(f.kind === "db-connections" ? { applicationName: f.applicationName ?? DEFAULT_APPLICATION_NAME } : {}) };
  });
  return out.sort((a, b) => a.atSec - b.atSec);
}

/** What headroom can reach on the platform; a missing part carries the reason. */
export interface FaultTargets {
  /** The platform's base URL (its readiness endpoint is polled during the test). */
  baseUrl: string;
  /** Path of the readiness endpoint (default /health/ready). */
  readinessPath?: string;
  databaseUrl?: string;
  /** App processes headroom started itself or was given by --pid; never any other. */
  pids?: number[];
  redisUrl?: string;
  /** Why a part is missing, e.g. "no --postgres given". */
  missing?: { database?: string; pids?: string; redis?: string };
}

/** Whether the fault can act, or why it cannot ("not measured: <why>"). */
export function faultReach(kind: FaultKind, t: FaultTargets): { ok: true } | { ok: false; reason: string } {
  switch (kind) {
    case "db-connections":
      return t.databaseUrl ? { ok: true } : { ok: false, reason: t.missing?.database ?? "the platform's PostgreSQL is not known to headroom" };
    case "app-stall":
      return t.pids && t.pids.length > 0 ? { ok: true } : { ok: false, reason: t.missing?.pids ?? "no app process that headroom started or was given by --pid" };
    case "redis-pause":
      return t.redisUrl ? { ok: true } : { ok: false, reason: t.missing?.redis ?? "the platform's Redis is not known to headroom" };
  }
}
