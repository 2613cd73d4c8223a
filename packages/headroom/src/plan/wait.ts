// Wait strategies (Locust's wait_time): plain data, so profiles can override them and plans can
// print them, plus the one function that turns a strategy into the next pause.
import type { Rng } from "../core/rng.js";

/**
 * between: uniform pause in [minSec, maxSec] after each task.
 * constant: the same pause after each task.
 * pacing: start tasks every `sec` seconds (the pause is what is left after the task ran).
 */
export type WaitSpec = { kind: "between"; minSec: number; maxSec: number } | { kind: "constant"; sec: number } | { kind: "pacing"; sec: number };

/** Uniform random pause between `minSec` and `maxSec` seconds after each task. */
export function between(minSec: number, maxSec: number): WaitSpec {
  return { kind: "between", minSec: Math.min(minSec, maxSec), maxSec: Math.max(minSec, maxSec) };
}

/** The same pause after each task. */
export function constant(sec: number): WaitSpec {
  return { kind: "constant", sec };
}

/** One task every `sec` seconds, whatever the task took (no pause when it took longer). */
export function constantPacing(sec: number): WaitSpec {
  return { kind: "pacing", sec };
}

export const NO_WAIT: WaitSpec = { kind: "constant", sec: 0 };

/** The pause before the next task, in ms, given how long the last task took. */
export function nextWaitMs(spec: WaitSpec, rng: Rng, taskElapsedMs: number): number {
  switch (spec.kind) {
    case "between":
      return (spec.minSec + (spec.maxSec - spec.minSec) * rng.next()) * 1000;
    case "constant":
      return spec.sec * 1000;
    case "pacing":
      return Math.max(0, spec.sec * 1000 - taskElapsedMs);
  }
}

export function describeWait(spec: WaitSpec): string {
  switch (spec.kind) {
    case "between":
      return `between ${spec.minSec}-${spec.maxSec} s`;
    case "constant":
      return spec.sec === 0 ? "no wait" : `constant ${spec.sec} s`;
    case "pacing":
      return `one task every ${spec.sec} s`;
  }
}

/** Rejects negative or non-finite pauses; returns a problem description or undefined. */
export function waitProblem(spec: WaitSpec): string | undefined {
  const nums = spec.kind === "between" ? [spec.minSec, spec.maxSec] : [spec.sec];
  if (nums.some((n) => typeof n !== "number" || !Number.isFinite(n) || n < 0)) return `wait ${JSON.stringify(spec)} needs finite, non-negative seconds`;
  return undefined;
}
