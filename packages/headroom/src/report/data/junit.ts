// JUnit XML for CI systems: one <testsuite> per run, one <testcase> per target verdict.
//   FAIL         → <failure> (the build goes red)
//   WARN         → passes, with the measured value and bound in <system-out> (visible, not red)
//   NOT_MEASURED → <skipped> with the reason (absent data is never a silent pass)
//   NOT_TESTABLE → <skipped> with the reason (the load design cannot produce what the target asks)
//   INCOMPLETE   → a "run completed its profile" test case with <failure>: a killed or interrupted
//                  run is never green, whatever its metrics show
import type { MetricVerdict } from "../../analysis/types.js";
import { escapeXml as x } from "../escape.js";
import type { RunReportModel } from "../model/run-report-model.js";
import { describeBound, describeMeasured, notMeasuredText } from "../verdict-text.js";

export interface JunitSuite {
  /** The run's name ("baseline", "peak"). */
  name: string;
  /** ISO start time of the run. */
  timestamp: string;
  durationSec: number;
  verdicts: MetricVerdict[];
  /** Printed in the suite's <system-out> (run directory, notes). */
  notes: string[];
  /** Why the run is INCOMPLETE (it did not finish); absent for a finished run. */
  incomplete?: string;
}

export function junitSuiteOf(m: RunReportModel): JunitSuite {
  const notes = [`run directory: ${m.summary.runDir}`, ...m.notes];
  if (m.verdicts.length === 0) notes.push("no targets were judged for this run (no analysis with targets), so the suite has no test cases");
  const incomplete = m.analysis?.incomplete;
  const suite = { name: m.manifest.name, timestamp: m.manifest.startedAt, durationSec: m.summary.durationSec, verdicts: m.verdicts, notes };
  return { ...suite, ...(incomplete ? { incomplete } : {}) };
}

const measured = (v: MetricVerdict): string => describeMeasured(v, 6);

function testcase(suite: string, v: MetricVerdict): string {
  const head = `    <testcase classname="${x(`headroom.${suite}`)}" name="${x(`${v.label} ${describeBound(v.bound)}`)}" time="0">`;
  const detail = `${v.label}: measured ${measured(v)}, bound ${describeBound(v.bound)}${v.tier ? `, tier ${v.tier}` : ""}; source: ${v.source}${v.note ? `; ${v.note}` : ""}`;
  switch (v.verdict) {
    case "FAIL":
      return `${head}\n      <failure type="FAIL" message="${x(`${v.label} ${measured(v)} is beyond the acceptable bound ${describeBound(v.bound)}`)}">${x(detail)}</failure>\n    </testcase>`;
    case "WARN":
      return `${head}\n      <system-out>${x(`WARN: ${detail}`)}</system-out>\n    </testcase>`;
    case "NOT_MEASURED":
    case "NOT_TESTABLE":
      return `${head}\n      <skipped message="${x(notMeasuredText(v))}"/>\n    </testcase>`;
    default:
      return `${head}</testcase>`;
  }
}

function incompleteCase(suite: string, reason: string): string {
  return `    <testcase classname="${x(`headroom.${suite}`)}" name="run completed its profile" time="0">\n      <failure type="INCOMPLETE" message="${x(`INCOMPLETE: ${reason}`)}">${x(reason)}</failure>\n    </testcase>`;
}

/** `extraSuites`: testsuite elements rendered elsewhere (the plan's "capacity" suite, headline-render.ts), each counted as one passing test. */
export function renderJunit(suites: JunitSuite[], extraSuites: string[] = []): string {
  const count = (vs: MetricVerdict[], k: MetricVerdict["verdict"]): number => vs.filter((v) => v.verdict === k).length;
  const skipped = (vs: MetricVerdict[]): number => count(vs, "NOT_MEASURED") + count(vs, "NOT_TESTABLE");
  const all = suites.flatMap((s) => s.verdicts);
  const incomplete = suites.filter((s) => s.incomplete).length;
  const totalTime = suites.reduce((t, s) => t + s.durationSec, 0);
  const body = suites
    .map((s) => {
      const cases = [...(s.incomplete ? [incompleteCase(s.name, s.incomplete)] : []), ...s.verdicts.map((v) => testcase(s.name, v))].join("\n");
      const extra = s.incomplete ? 1 : 0;
      return `  <testsuite name="${x(s.name)}" tests="${s.verdicts.length + extra}" failures="${count(s.verdicts, "FAIL") + extra}" errors="0" skipped="${skipped(s.verdicts)}" timestamp="${x(s.timestamp)}" time="${s.durationSec}">\n${cases ? cases + "\n" : ""}    <system-out>${x(s.notes.join("\n"))}</system-out>\n  </testsuite>`;
    })
    .concat(extraSuites)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="headroom" tests="${all.length + incomplete + extraSuites.length}" failures="${count(all, "FAIL") + incomplete}" errors="0" skipped="${skipped(all)}" time="${totalTime}">\n${body}\n</testsuites>\n`;
}
