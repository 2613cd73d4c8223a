// `headroom search --threshold`: the limits every step must meet, written as `run`'s thresholds.
// A search judges each step's steady window on the overall p50/p95/p99 and error rate (its
// SLO), so only those thresholds apply; the others say why and where they belong.
import { HeadroomError } from "../core/errors.js";
import { parseThreshold } from "../plan/thresholds.js";
import type { Slo } from "./types.js";

/** The SLO that `--slo` gave, with each --threshold's limit set on top of it. */
export function sloWithThresholds(slo: Slo, thresholds: readonly string[]): Slo {
  const out: Slo = { ...slo };
  for (const text of thresholds) {
    const t = parseThreshold(text);
    const why =
      t.name !== undefined || t.userClass !== undefined
        ? "a search judges each step on all its requests, not one request name or user class"
        : !["p50", "p95", "p99", "errors"].includes(t.metric)
          ? `a search judges each step on p50, p95, p99 and errors; ${t.metric} is the figure the search itself finds`
          : t.op === ">" || t.op === ">="
            ? "a step's latency and errors must stay below a limit (< or <=)"
            : undefined;
    if (why) throw new HeadroomError("HR_BAD_SLO", `--threshold "${text}" cannot judge a search step: ${why}`, 'give search thresholds such as --threshold "p95<500ms" --threshold "errors<1%"; per-name and rps thresholds belong to `headroom run`');
    if (t.metric === "errors") out.errorPct = t.value;
    else out[`${t.metric as "p50" | "p95" | "p99"}Ms`] = t.value;
  }
  return out;
}
