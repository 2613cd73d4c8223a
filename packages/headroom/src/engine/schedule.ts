// The planned schedule of each executor as pure functions of a profile and time, so the runtime
// only asks "how many users now?" / "when is arrival n due?" and tests assert the plan exactly.
import type { OpenStage } from "../plan/profile.js";
import type { StageSpec } from "../core/types.js";

export interface ClosedStage extends StageSpec {
  users: number;
}

/**
 * Users the closed model wants at `tMs` after the start. Each stage moves from the previous
 * target toward its own at its spawn rate (one user at once when the stage starts, then one every
 * 1/rate s, as Locust does), or jumps at once without a spawn rate, then holds.
 */
export function targetUsersAt(stages: readonly ClosedStage[], tMs: number): number {
  let prev = 0;
  let startMs = 0;
  for (const s of stages) {
    const endMs = startMs + s.durationSec * 1000;
    if (tMs < endMs) return usersInStage(prev, s, tMs - startMs);
    prev = usersInStage(prev, s, endMs - startMs);
    startMs = endMs;
  }
  return prev;
}

function usersInStage(prev: number, s: ClosedStage, intoMs: number): number {
  if (intoMs < 0) return prev;
  if (s.spawnRate === undefined || s.spawnRate <= 0 || prev === s.users) return s.users;
  const moved = Math.floor((intoMs * s.spawnRate) / 1000 + 1e-9) + 1;
  return s.users > prev ? Math.min(s.users, prev + moved) : Math.max(s.users, prev - moved);
}

/** When the target next changes after `tMs` (Infinity when it never does). */
export function nextUsersChangeMs(stages: readonly ClosedStage[], tMs: number): number {
  let prev = 0;
  let startMs = 0;
  for (const s of stages) {
    const endMs = startMs + s.durationSec * 1000;
    if (tMs < startMs) return startMs;
    if (tMs < endMs && s.spawnRate !== undefined && s.spawnRate > 0 && prev !== s.users) {
      const steps = Math.abs(s.users - prev); // the target changes at k/rate for k = 0 .. steps-1
      const k = Math.floor(((tMs - startMs) * s.spawnRate) / 1000 + 1e-9) + 1;
      if (k <= steps - 1) return startMs + (k * 1000) / s.spawnRate;
    }
    prev = usersInStage(prev, s, endMs - startMs);
    startMs = endMs;
  }
  return Infinity;
}

/** The stage (its index and name) running at `tMs`. */
export function stageAt(stages: readonly { durationSec: number; name?: string }[], tMs: number): { index: number; name?: string } {
  let startMs = 0;
  for (let i = 0; i < stages.length; i++) {
    startMs += stages[i]!.durationSec * 1000;
    if (tMs < startMs) return { index: i, ...(stages[i]!.name ? { name: stages[i]!.name } : {}) };
  }
  const last = stages.length - 1;
  return { index: last, ...(stages[last]?.name ? { name: stages[last]!.name } : {}) };
}

/** Arrivals expected from the start to the end of each stage (cumulative, fractional). */
function cumulativeArrivals(stages: readonly OpenStage[]): number[] {
  let acc = 0;
  return stages.map((s) => (acc += ((s.fromRate + s.toRate) / 2) * s.durationSec));
}

/** How many arrivals the whole open-model plan holds. */
export function totalArrivals(stages: readonly OpenStage[]): number {
  const c = cumulativeArrivals(stages);
  const total = c[c.length - 1] ?? 0;
  return Math.ceil(total - 1e-9);
}

/**
 * When arrival n (0-based) is due, in ms after the start: the time at which the integral of the
 * rate reaches n. Arrival 0 is due at the start when the first rate is above zero. Infinity when
 * the plan has fewer than n + 1 arrivals.
 */
export function arrivalDueMs(stages: readonly OpenStage[], n: number, cumulative = cumulativeArrivals(stages)): number {
  let before = 0;
  let startSec = 0;
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i]!;
    const upTo = cumulative[i]!;
    if (n < upTo - 1e-9) {
      const m = n - before; // arrivals into this stage
      const b = s.fromRate;
      const a = (s.toRate - s.fromRate) / (2 * s.durationSec);
      // Solve a t^2 + b t = m in the stable form t = 2m / (b + sqrt(b^2 + 4am)).
      const disc = Math.max(0, b * b + 4 * a * m);
      const denom = b + Math.sqrt(disc);
      const t = denom > 0 ? (2 * m) / denom : 0;
      return (startSec + Math.min(t, s.durationSec)) * 1000;
    }
    before = upTo;
    startSec += s.durationSec;
  }
  return Infinity;
}

/** The planned arrival rate at `tMs` (linear within a stage). */
export function rateAt(stages: readonly OpenStage[], tMs: number): number {
  let startMs = 0;
  for (const s of stages) {
    const endMs = startMs + s.durationSec * 1000;
    if (tMs < endMs) return s.fromRate + ((s.toRate - s.fromRate) * (tMs - startMs)) / (endMs - startMs);
    startMs = endMs;
  }
  return 0;
}

/** A cursor over arrivals due times, with the cumulative table computed once. */
export function arrivalCursor(stages: readonly OpenStage[]): { dueMs(n: number): number; total: number } {
  const cumulative = cumulativeArrivals(stages);
  return { dueMs: (n) => arrivalDueMs(stages, n, cumulative), total: totalArrivals(stages) };
}
