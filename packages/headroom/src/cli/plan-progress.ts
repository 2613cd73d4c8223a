// The live view of `headroom plan`: which test runs, how far along it is, and a line per
// finished test. Built on the run command's per-second progress sink.
import type { SuiteEvent } from "../suite/run-suite.js";
import { progressSink, type ProgressSink } from "./progress.js";

export function planProgress(out: { write(s: string): unknown; isTTY?: boolean }): (e: SuiteEvent) => void {
  let sink: ProgressSink | undefined;
  return (e) => {
    switch (e.kind) {
      case "test-start":
        out.write(`\n[${e.index + 1}/${e.total}] ${e.test.name} (${e.test.loadLevel} level, ${e.test.profile.durationSec} s)\n`);
        sink = progressSink(out, e.test.profile.durationSec, 5);
        break;
      case "interval":
        sink?.line(e.line);
        break;
      case "warning":
        sink?.end();
        out.write(`  warning: ${e.message}\n`);
        break;
      case "test-end": {
        sink?.end();
        sink = undefined;
        const s = e.summary;
        const errPct = s.requests.total > 0 ? (s.requests.failed / s.requests.total) * 100 : 0;
        out.write(`  done: ${s.requests.total} requests, ${s.requests.ratePerSec} rps, p95 ${s.latencyMs.p95} ms, errors ${errPct.toFixed(2)}% -> ${e.analysis.verdict}\n`);
        break;
      }
    }
  };
}
