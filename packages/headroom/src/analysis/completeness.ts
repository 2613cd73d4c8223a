// Whether a stored run finished. A run killed with SIGKILL leaves its manifest without an end and
// no summary.json (status still "running"); Ctrl-C or SIGTERM stops it early ("interrupted"); a
// scenario error stops it ("failed"). Such a run covers only part of its profile, so its figures
// cannot be judged as the profile's: it is INCOMPLETE, never PASS, whatever its metrics show.
import { worstVerdict } from "./judge.js";
import type { RunStore } from "../store/run-store.js";
import type { MetricVerdict, RunVerdict } from "./types.js";

/**
 * A run's verdict: FAIL when a target failed on what it recorded (a figure already beyond its
 * bound is a real failure, and --abort-on-fail stops a run for one); else INCOMPLETE when it did
 * not finish (it cannot pass on part of its profile); else the worst of its verdicts.
 */
export function runVerdict(verdicts: Pick<MetricVerdict, "verdict">[], incomplete: string | undefined): RunVerdict {
  const worst = worstVerdict(verdicts.map((v) => v.verdict));
  return worst !== "FAIL" && incomplete ? "INCOMPLETE" : worst;
}

/** Why the run is incomplete, or undefined when it finished (its manifest has its end and status "completed"). */
export function incompleteReason(store: Pick<RunStore, "manifest" | "summary">, recordedSec: number): string | undefined {
  const m = store.manifest;
  const planned = m.plan.durationSec;
  const covered = `it recorded ${recordedSec} s${planned > 0 ? ` of the ${planned} s its profile planned` : ""}`;
  switch (m.status) {
    case "completed":
      // Its end was written (`headroom telemetry` finishes without a summary: that is complete too).
      return undefined;
    case "running":
      return `the run did not finish: its manifest has no end${store.summary ? "" : " and summary.json is missing"} (the process was killed, e.g. SIGKILL or a crash); ${covered}`;
    case "interrupted":
      return `the run was interrupted (Ctrl-C or SIGTERM) before its profile ended; ${covered}`;
    case "failed":
      return `the run stopped on an error before its profile ended; ${covered}`;
  }
}
