// Judging thresholds (plan/thresholds.ts) on interval lines. The tracker takes lines one at a
// time, as a run writes them, and keeps one merged histogram per selection, so judging while a
// run goes (--abort-on-fail) costs one decode per line, not a merge of the whole run each second.
import { createHistogram, decodeHistogram, latencyStatsMs, type Histogram } from "../metrics/histogram.js";
import { meetsThreshold, thresholdUnit, type Threshold } from "../plan/thresholds.js";
import type { IntervalLine } from "../core/types.js";

export interface ThresholdResult {
  threshold: Threshold;
  /** Undefined when the selection saw no request. */
  measured?: number;
  ok: boolean;
  /** "p99<100ms: p99 1503.2 ms (FAIL)", the line CI logs show. */
  line: string;
}

interface Selection {
  requests: number;
  failed: number;
  hist?: Histogram;
}

/** True when an interval line's endpoint key belongs to a threshold's request name. */
export function nameMatches(key: string, name: string): boolean {
  // The same name under two methods is keyed "/api/stories [POST]".
  return key === name || (key.startsWith(name + " [") && key.endsWith("]"));
}

const selectionKey = (t: Threshold): string => (t.name !== undefined ? `name:${t.name}` : t.userClass !== undefined ? `class:${t.userClass}` : "all");

export class ThresholdTracker {
  private readonly selections = new Map<string, Selection>();
  private readonly seen = new Set<number>();
  private readonly names = new Set<string>();
  private readonly classes = new Set<string>();

  constructor(readonly thresholds: readonly Threshold[]) {
    for (const t of thresholds) {
      const key = selectionKey(t);
      const sel = this.selections.get(key) ?? { requests: 0, failed: 0 };
      if (!["errors", "rps", "requests"].includes(t.metric)) sel.hist ??= createHistogram();
      this.selections.set(key, sel);
    }
  }

  add(line: IntervalLine): void {
    this.seen.add(line.t);
    for (const [key, sel] of this.selections) {
      if (key.startsWith("class:")) {
        const c = line.classes?.[key.slice(6)];
        if (c) {
          sel.requests += c.requests;
          sel.failed += c.failed;
        }
        continue;
      }
      for (const [name, ep] of Object.entries(line.endpoints)) {
        if (key !== "all" && !nameMatches(name, key.slice(5))) continue;
        sel.requests += ep.requests;
        sel.failed += ep.failed;
        if (sel.hist && ep.hist) {
          const h = decodeHistogram(ep.hist);
          sel.hist.add(h);
          h.destroy();
        }
      }
    }
    for (const name of Object.keys(line.endpoints)) this.names.add(name);
    for (const name of Object.keys(line.classes ?? {})) this.classes.add(name);
  }

  /** Seconds the lines covered so far. */
  get seconds(): number {
    return this.seen.size;
  }

  /**
   * Every threshold judged on what the lines so far measured. A selection that saw no request
   * fails (a threshold that measured nothing cannot pass CI); the line names what the run had.
   */
  evaluate(): ThresholdResult[] {
    return this.thresholds.map((t) => {
      const sel = this.selections.get(selectionKey(t))!;
      const label = t.name !== undefined ? `${t.metric}{name:${t.name}}` : t.userClass !== undefined ? `${t.metric}{class:${t.userClass}}` : t.metric;
      if (sel.requests === 0) {
        const known = t.name !== undefined ? [...this.names] : t.userClass !== undefined ? [...this.classes] : [];
        const what = t.name !== undefined ? `no request named "${t.name}"` : t.userClass !== undefined ? `no request of user class "${t.userClass}"` : "no request completed";
        const list = known.length > 0 ? ` (the run has: ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", ..." : ""})` : "";
        return { threshold: t, ok: false, line: `${t.text}: ${label} not measured: ${what}${list} (FAIL)` };
      }
      const measured = this.measure(t, sel);
      const ok = meetsThreshold(t, measured);
      return { threshold: t, measured, ok, line: `${t.text}: ${label} ${round2(measured)}${thresholdUnit(t.metric)} (${ok ? "pass" : "FAIL"})` };
    });
  }

  private measure(t: Threshold, sel: Selection): number {
    switch (t.metric) {
      case "errors":
        return (sel.failed / sel.requests) * 100;
      case "rps":
        return this.seconds > 0 ? sel.requests / this.seconds : 0;
      case "requests":
        return sel.requests;
      default: {
        const s = latencyStatsMs(sel.hist!);
        return t.metric === "avg" ? s.mean : s[t.metric];
      }
    }
  }

  destroy(): void {
    for (const sel of this.selections.values()) sel.hist?.destroy();
  }
}

/** Judges thresholds on a finished run's lines. */
export function judgeThresholds(thresholds: readonly Threshold[], lines: readonly IntervalLine[]): ThresholdResult[] {
  const tracker = new ThresholdTracker(thresholds);
  try {
    for (const l of lines) tracker.add(l);
    return tracker.evaluate();
  } finally {
    tracker.destroy();
  }
}

const round2 = (v: number): number => Math.round(v * 100) / 100;
