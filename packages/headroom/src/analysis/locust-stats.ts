// Locust's figures of a run, as `locust --csv PREFIX --csv-full-history` would count them
// (locust/stats.py, StatsCSV), accumulated second by second from interval lines:
// report/data/locust-csv.ts writes them as Locust's CSV files. Response times are in ms, the
// total row is named "Aggregated" with an empty method, percentiles are Locust's defaults.
// The content size is the bytes received per request, headers included (Locust: the body only).
import { createHistogram, decodeHistogram, type Histogram } from "../metrics/histogram.js";
import type { IntervalLine } from "../core/types.js";

/** Locust's PERCENTILES_TO_REPORT. */
export const LOCUST_PERCENTILES = [0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0] as const;

/** Locust's name for the row of all requests. */
export const AGGREGATED = "Aggregated";

/** An entry's figures so far (Locust's "Total ..." columns). */
export interface LocustTotals {
  requests: number;
  failed: number;
  medianMs: number;
  avgMs: number;
  minMs: number;
  maxMs: number;
  avgContentBytes: number;
}

export interface LocustRow {
  method: string;
  name: string;
  /** Requests and failures per second. */
  requestsPerSec: number;
  failuresPerSec: number;
  /** Whole ms at LOCUST_PERCENTILES; undefined for an entry without requests (Locust writes N/A). */
  percentilesMs: number[] | undefined;
  totals: LocustTotals;
}

/** A row of the history: one second of one request name (or Aggregated), with the run-so-far totals. */
export interface LocustHistoryRow extends LocustRow {
  /** Unix seconds at the end of the second. */
  timestamp: number;
  users: number;
}

export interface LocustFailureRow {
  method: string;
  name: string;
  error: string;
  occurrences: number;
}

interface Entry {
  method: string;
  requests: number;
  failed: number;
  bytesIn: number;
  hist: Histogram;
  /** Failures by error text ("timeout", "HTTP 500"). */
  errors: Map<string, number>;
}

const ms = (us: number): number => Math.round(us) / 1000;
const intMs = (us: number): number => Math.round(us / 1000);
const newEntry = (method: string): Entry => ({ method, requests: 0, failed: 0, bytesIn: 0, hist: createHistogram(), errors: new Map() });

function percentiles(h: Histogram): number[] | undefined {
  return h.totalCount === 0 ? undefined : LOCUST_PERCENTILES.map((p) => intMs(h.getValueAtPercentile(p * 100)));
}

function totals(e: Entry): LocustTotals {
  const h = e.hist;
  const n = h.totalCount;
  return {
    requests: e.requests,
    failed: e.failed,
    medianMs: n ? intMs(h.getValueAtPercentile(50)) : 0,
    avgMs: n ? ms(h.mean) : 0,
    minMs: n ? ms(h.minNonZeroValue) : 0,
    maxMs: n ? ms(h.maxValue) : 0,
    avgContentBytes: e.requests ? Math.round(e.bytesIn / e.requests) : 0,
  };
}

function addCounts(e: { requests: number; failed: number; bytesIn: number }, ep: { requests: number; failed: number; bytesIn: number }): void {
  e.requests += ep.requests;
  e.failed += ep.failed;
  e.bytesIn += ep.bytesIn;
}

/** Accumulates a run's lines; each call to `addSecond` returns that second's history rows. */
export class LocustStats {
  private readonly entries = new Map<string, Entry>();
  private readonly total: Entry = newEntry("");
  private seconds = new Set<number>();

  private entry(name: string, method: string): Entry {
    let e = this.entries.get(name);
    if (!e) this.entries.set(name, (e = newEntry(method)));
    return e;
  }

  /** Adds a second; returns its history rows (per name, then Aggregated). */
  addSecond(line: IntervalLine): LocustHistoryRow[] {
    this.seconds.add(line.t);
    const at = { timestamp: Math.floor(line.ts / 1000) + 1, users: line.users };
    const current = createHistogram();
    const second = { requests: 0, failed: 0, bytesIn: 0 };
    const rows: LocustHistoryRow[] = [];
    for (const [name, ep] of Object.entries(line.endpoints).sort(([a], [b]) => a.localeCompare(b))) {
      const e = this.entry(name, ep.method);
      const h = ep.hist ? decodeHistogram(ep.hist) : createHistogram();
      e.hist.add(h);
      this.total.hist.add(h);
      current.add(h);
      addCounts(e, ep);
      addCounts(this.total, ep);
      addCounts(second, ep);
      for (const [text, count] of failureTexts(ep.errors, ep.status)) e.errors.set(text, (e.errors.get(text) ?? 0) + count);
      rows.push({ ...at, method: ep.method, name, requestsPerSec: ep.requests, failuresPerSec: ep.failed, percentilesMs: percentiles(h), totals: totals(e) });
      h.destroy();
    }
    const aggregated = { method: "", name: AGGREGATED, requestsPerSec: second.requests, failuresPerSec: second.failed };
    rows.push({ ...at, ...aggregated, percentilesMs: percentiles(current), totals: totals(this.total) });
    current.destroy();
    return rows;
  }

  /** The whole run: one row per request name, then Aggregated. */
  statsRows(): LocustRow[] {
    const seconds = Math.max(1, this.seconds.size);
    const row = (method: string, name: string, e: Entry): LocustRow => ({
      method,
      name,
      requestsPerSec: e.requests / seconds,
      failuresPerSec: e.failed / seconds,
      percentilesMs: percentiles(e.hist),
      totals: totals(e),
    });
    const rows = [...this.entries].sort(([a], [b]) => a.localeCompare(b)).map(([name, e]) => row(e.method, name, e));
    return [...rows, row("", AGGREGATED, this.total)];
  }

  /** One row per request name and kind of failure. */
  failureRows(): LocustFailureRow[] {
    const rows: LocustFailureRow[] = [];
    for (const [name, e] of [...this.entries].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [error, occurrences] of e.errors) rows.push({ method: e.method, name, error, occurrences });
    }
    return rows;
  }

  destroy(): void {
    for (const e of this.entries.values()) e.hist.destroy();
    this.total.hist.destroy();
  }
}

/** A second's failures as Locust-like error texts: "HTTP 500" per status, the error class otherwise. */
function failureTexts(errors: Partial<Record<string, number>>, status: Record<string, number>): [string, number][] {
  const out: [string, number][] = [];
  for (const [cls, count] of Object.entries(errors)) {
    if (!count) continue;
    if (cls !== "status") {
      out.push([cls, count]);
      continue;
    }
    // Failed statuses: those >= 400 (a check that accepted a 4xx counts it as a success, not here).
    let left = count;
    for (const [code, n] of Object.entries(status)) {
      if (Number(code) < 400 || left <= 0) continue;
      const k = Math.min(n, left);
      out.push([`HTTP ${code}`, k]);
      left -= k;
    }
    if (left > 0) out.push(["HTTP status", left]);
  }
  return out;
}
