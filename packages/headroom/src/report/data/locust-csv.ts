// Locust's CSV files (`locust --csv PREFIX`: PREFIX_stats.csv, PREFIX_stats_history.csv,
// PREFIX_failures.csv) from interval lines, with Locust's column names (locust/stats.py,
// StatsCSV), so the scripts and sheets a Locust user already has read a headroom run. Where the
// figures overlap they mean the same: response times in ms, "Type" is the HTTP method, the total
// row is named "Aggregated" with an empty type, percentile columns are Locust's defaults.
// History is written as Locust's --csv-full-history does: a row per request name per second
// (its current rate and percentiles), then the Aggregated row, with the run-so-far totals.
// Headroom writes a history row per second of load (Locust: every 2 s). "Average Content Size" is
// the bytes received per request, headers included (Locust: the body only).
import { createHistogram, decodeHistogram, type Histogram } from "../../metrics/histogram.js";
import type { IntervalLine } from "../../core/types.js";

/** Locust's PERCENTILES_TO_REPORT. */
export const LOCUST_PERCENTILES = [0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0] as const;

/** "50%", "99.9%", "100%", as Locust's get_readable_percentiles writes them. */
export const PERCENTILE_COLUMNS = LOCUST_PERCENTILES.map((p) => `${Math.round(p * 1e6) / 1e4}%`);

export const STATS_COLUMNS = ["Type", "Name", "Request Count", "Failure Count", "Median Response Time", "Average Response Time", "Min Response Time", "Max Response Time", "Average Content Size", "Requests/s", "Failures/s", ...PERCENTILE_COLUMNS];

export const HISTORY_COLUMNS = [
  "Timestamp",
  "User Count",
  "Type",
  "Name",
  "Requests/s",
  "Failures/s",
  ...PERCENTILE_COLUMNS,
  "Total Request Count",
  "Total Failure Count",
  "Total Median Response Time",
  "Total Average Response Time",
  "Total Min Response Time",
  "Total Max Response Time",
  "Total Average Content Size",
];

export const FAILURES_COLUMNS = ["Method", "Name", "Error", "Occurrences"];

const AGGREGATED = "Aggregated";

interface Entry {
  method: string;
  requests: number;
  failed: number;
  bytesIn: number;
  hist: Histogram;
  /** Failures by error text ("timeout", "HTTP 500"). */
  errors: Map<string, number>;
}

/** One CSV field, quoted when it holds a comma, a quote or a line break (as Python's csv does). */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (fields: (string | number)[]): string => fields.map(csvField).join(",") + "\n";

const ms = (us: number): number => Math.round(us) / 1000;
const intMs = (us: number): number => Math.round(us / 1000);
const fixed2 = (v: number): string => v.toFixed(2);

function percentiles(h: Histogram): (number | string)[] {
  // Locust writes N/A for an entry without requests, whole milliseconds otherwise.
  return h.totalCount === 0 ? PERCENTILE_COLUMNS.map(() => "N/A") : LOCUST_PERCENTILES.map((p) => intMs(h.getValueAtPercentile(p * 100)));
}

function totals(e: Entry): (number | string)[] {
  const h = e.hist;
  const n = h.totalCount;
  return [e.requests, e.failed, n ? intMs(h.getValueAtPercentile(50)) : 0, n ? ms(h.mean) : 0, n ? ms(h.minNonZeroValue) : 0, n ? ms(h.maxValue) : 0, e.requests ? Math.round(e.bytesIn / e.requests) : 0];
}

/** Accumulates a run's lines; each call to `historyRows` returns that second's rows. */
export class LocustCsv {
  private readonly entries = new Map<string, Entry>();
  private readonly total: Entry = { method: "", requests: 0, failed: 0, bytesIn: 0, hist: createHistogram(), errors: new Map() };
  private seconds = new Set<number>();

  private entry(name: string, method: string): Entry {
    let e = this.entries.get(name);
    if (!e) this.entries.set(name, (e = { method, requests: 0, failed: 0, bytesIn: 0, hist: createHistogram(), errors: new Map() }));
    return e;
  }

  /** Adds a second; returns its history rows (per name, then Aggregated). */
  historyRows(line: IntervalLine): string {
    this.seconds.add(line.t);
    const timestamp = Math.floor(line.ts / 1000) + 1;
    const current = createHistogram();
    let requests = 0;
    let failed = 0;
    let out = "";
    for (const [name, ep] of Object.entries(line.endpoints).sort(([a], [b]) => a.localeCompare(b))) {
      const e = this.entry(name, ep.method);
      const h = ep.hist ? decodeHistogram(ep.hist) : createHistogram();
      e.hist.add(h);
      this.total.hist.add(h);
      current.add(h);
      e.requests += ep.requests;
      e.failed += ep.failed;
      e.bytesIn += ep.bytesIn;
      this.total.requests += ep.requests;
      this.total.failed += ep.failed;
      this.total.bytesIn += ep.bytesIn;
      requests += ep.requests;
      failed += ep.failed;
      for (const [text, count] of failureTexts(ep.errors, ep.status)) {
        e.errors.set(text, (e.errors.get(text) ?? 0) + count);
      }
      out += csvRow([timestamp, line.users, ep.method, name, fixed2(ep.requests), fixed2(ep.failed), ...percentiles(h), ...totals(e)]);
      h.destroy();
    }
    out += csvRow([timestamp, line.users, "", AGGREGATED, fixed2(requests), fixed2(failed), ...percentiles(current), ...totals(this.total)]);
    current.destroy();
    return out;
  }

  /** PREFIX_stats.csv: one row per request name, then Aggregated, over the whole run. */
  statsCsv(): string {
    const seconds = Math.max(1, this.seconds.size);
    const row = (method: string, name: string, e: Entry): string => {
      const [reqs, fails, median, avg, min, max, size] = totals(e);
      return csvRow([method, name, reqs!, fails!, median!, avg!, min!, max!, size!, e.requests / seconds, e.failed / seconds, ...percentiles(e.hist)]);
    };
    let out = csvRow(STATS_COLUMNS);
    for (const [name, e] of [...this.entries].sort(([a], [b]) => a.localeCompare(b))) out += row(e.method, name, e);
    return out + row("", AGGREGATED, this.total);
  }

  /** PREFIX_failures.csv: one row per request name and kind of failure. */
  failuresCsv(): string {
    let out = csvRow(FAILURES_COLUMNS);
    for (const [name, e] of [...this.entries].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [text, count] of e.errors) out += csvRow([e.method, name, text, count]);
    }
    return out;
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

/** The three file names Locust's --csv PREFIX writes (exceptions are Python's; headroom has none). */
export function locustCsvPaths(prefix: string): { stats: string; history: string; failures: string } {
  return { stats: `${prefix}_stats.csv`, history: `${prefix}_stats_history.csv`, failures: `${prefix}_failures.csv` };
}
