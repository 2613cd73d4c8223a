// What a scenario's own failures become: a task that throws is a warning (once per distinct
// message), an onStart that throws stops the run (a bug in the scenario); both name where.
import { HeadroomError } from "../core/errors.js";
import type { ScenarioUser } from "./virtual-user.js";

/** Where a scenario error happened: the first stack frame outside headroom's engine. */
export function errorLocation(e: unknown): string {
  const stack = (e as Error)?.stack ?? "";
  for (const line of stack.split("\n").slice(1)) {
    if (line.includes("/headroom/src/engine/") || line.includes("node:") || line.includes("node_modules")) continue;
    const m = /\(?((?:file:\/\/)?\/[^()]+:\d+:\d+)\)?\s*$/.exec(line.trim());
    if (m) return m[1]!.replace(/^file:\/\//, "");
  }
  return "";
}

/** Collects a workload's scenario failures: warnings once per key (20 at most), the first fatal one. */
export class ScenarioFailures {
  fatal: HeadroomError | undefined;
  private readonly warned = new Map<string, number>();

  constructor(
    private readonly scenarioName: string,
    private readonly onWarning: ((message: string) => void) | undefined,
    private readonly onFatal: ((error: HeadroomError) => void) | undefined,
  ) {}

  warn(key: string, message: string): void {
    const n = (this.warned.get(key) ?? 0) + 1;
    this.warned.set(key, n);
    if (n === 1 && this.warned.size <= 20) this.onWarning?.(message);
  }

  startFailed(u: ScenarioUser, e: unknown): void {
    if (this.fatal) return;
    const where = errorLocation(e);
    this.fatal = new HeadroomError(
      "HR_SCENARIO_FAILED",
      `scenario "${this.scenarioName}": onStart of ${u.className} threw for user ${u.index}: ${(e as Error)?.message ?? String(e)}${where ? ` (at ${where})` : ""}`,
      "fix onStart in the scenario file (it runs once per user before its tasks; a failed request there does not throw unless your code throws)",
      { cause: e },
    );
    this.onFatal?.(this.fatal);
  }
}
