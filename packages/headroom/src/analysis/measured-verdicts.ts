// What `analyze` (and the report a plain `run` writes) judges when no targets file was given:
// only the figures the run measured, and not throughput, whose default bound ("> 1 req/s" scaled
// by users) says nothing about a platform the user did not describe. With a targets file every
// target is judged, the unmeasured ones shown as such.
import { runVerdict } from "./completeness.js";
import type { RunAnalysis } from "./types.js";

export function measuredVerdictsOnly(a: RunAnalysis): RunAnalysis {
  const verdicts = a.verdicts.filter((v) => v.verdict !== "NOT_MEASURED" && v.metric !== "rps");
  const dropped = a.verdicts.length - verdicts.length;
  const notes = dropped > 0 ? [...a.notes, `judged only what the run measured (${verdicts.length} of ${a.verdicts.length} targets): give --targets FILE to judge every target, throughput included`] : a.notes;
  return { ...a, verdicts, verdict: runVerdict(verdicts, a.incomplete), notes };
}
