// How the breaking-point stage of a plan steps (a plan spec, like a profile): the quick plan's
// short steps in a time budget, or the search command's defaults. The stage runs by it (jobs/) and
// the documents show it (report/).
/** How the stage steps: the quick plan's short steps in a time budget, or the search command's defaults. */
export interface SearchStageSettings {
  /** Longest a step may run while waiting to be steady. */
  stepSec: number;
  /** A step's users start evenly over this many seconds (inside the warm-up). */
  rampSec: number;
  /** Each user begins with a pause drawn from its think time: no synchronized first burst (Profile.staggerStart). */
  staggerStart?: boolean;
  /** A step that met the SLO on a window not steady by its time is measured again, never judged on it. */
  retestUnsteady?: boolean;
  warmupSec: number;
  windowSec: number;
  /** Repeat the best good load once (run-to-run variance). */
  repeat: boolean;
  /** The recovery run after the search (seconds at the break, then at the comfortable load); absent: none. */
  recovery?: { holdSec: number; settleSec: number };
  maxSteps: number;
  tolerance: number;
  growth: number;
  /** Hard time budget of the stage in seconds; absent: none. */
  budgetSec?: number;
}
