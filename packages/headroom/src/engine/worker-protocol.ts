// Messages between the main thread and the worker threads that each run one segment.
import type { Profile } from "../plan/profile.js";
import type { IntervalLine } from "../core/types.js";
import type { SegmentPath } from "./segments.js";
import type { SingleRequest } from "./single-request.js";

export interface WorkerData {
  workerIndex: number;
  workers: number;
  segment: SegmentPath;
  profile: Profile;
  scenarioPath?: string;
  request?: SingleRequest;
  vars: Record<string, string>;
  baseUrl?: string;
  seed?: number;
}

/** A HeadroomError (or any error) carried across the thread boundary. */
export interface WireError {
  code?: string;
  message: string;
  hint?: string;
  stack?: string;
}

export type ToWorker = { type: "start"; startEpochMs: number } | { type: "stop" };

export type FromWorker =
  | { type: "ready" }
  | { type: "line"; line: IntervalLine }
  | { type: "warning"; message: string }
  | { type: "fatal"; error: WireError }
  | { type: "done"; outcome: "completed" | "interrupted" };
