// What executors drive. An executor decides when users start and stop (closed model) or when
// arrivals are due (open model); a workload decides what a user or an arrival does: send the one
// URL, or run a scenario's tasks. Executors are tested with a fake workload on a fake clock.

export interface UserHandle {
  /** Ask the user to stop after what it is doing (a wait is cut short). */
  stop(): void;
  /** Settles when the user has stopped. */
  readonly done: Promise<void>;
}

export interface Workload {
  /** Closed model: starts the user with this global index (0-based, in start order). */
  startUser(index: number): UserHandle;
  /** Open model: runs one iteration due at `dueMs` (latency counts from then); `done` when it ends. */
  startIteration(dueMs: number, done: () => void): void;
  /** Requests (or iterations) in flight now. */
  inFlight(): number;
  /** Called every second before the interval line is written: per-class user counts and the like. */
  beforeFlush?(): void;
  /** Ends what is still in flight (recorded as timeouts) and releases connections. */
  close(): Promise<void>;
}
