// Locust's CSV files (`locust --csv PREFIX`: PREFIX_stats.csv, PREFIX_stats_history.csv,
// PREFIX_failures.csv) from the figures analysis/locust-stats.ts counts, with Locust's column
// names (locust/stats.py, StatsCSV), so the scripts and sheets a Locust user already has read a
// headroom run. "Type" is the HTTP method. History is written as Locust's --csv-full-history
// does: a row per request name per second (its current rate and percentiles), then the
// Aggregated row, with the run-so-far totals. Headroom writes a history row per second of load
// (Locust: every 2 s).
import { LOCUST_PERCENTILES, type LocustFailureRow, type LocustHistoryRow, type LocustRow, type LocustTotals } from "../../analysis/locust-stats.js";

export { LOCUST_PERCENTILES };

/** "50%", "99.9%", "100%", as Locust's get_readable_percentiles writes them. */
export const PERCENTILE_COLUMNS = LOCUST_PERCENTILES.map((p) => `${Math.round(p * 1e6) / 1e4}%`);

export const STATS_COLUMNS = [
  "Type",
  "Name",
  "Request Count",
  "Failure Count",
  "Median Response Time",
  "Average Response Time",
  "Min Response Time",
  "Max Response Time",
  "Average Content Size",
  "Requests/s",
  "Failures/s",
  ...PERCENTILE_COLUMNS,
];

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

/** One CSV field, quoted when it holds a comma, a quote or a line break (as Python's csv does). */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (fields: (string | number)[]): string => fields.map(csvField).join(",") + "\n";

const fixed2 = (v: number): string => v.toFixed(2);

/** Locust writes N/A for an entry without requests, whole milliseconds otherwise. */
const percentileFields = (p: number[] | undefined): (number | string)[] => p ?? PERCENTILE_COLUMNS.map(() => "N/A");

const totalFields = (t: LocustTotals): number[] => [t.requests, t.failed, t.medianMs, t.avgMs, t.minMs, t.maxMs, t.avgContentBytes];

/** A second's rows of PREFIX_stats_history.csv (the header is written once, from HISTORY_COLUMNS). */
export function locustHistoryCsv(rows: LocustHistoryRow[]): string {
  const row = (r: LocustHistoryRow): string => {
    const rates = [fixed2(r.requestsPerSec), fixed2(r.failuresPerSec)];
    return csvRow([r.timestamp, r.users, r.method, r.name, ...rates, ...percentileFields(r.percentilesMs), ...totalFields(r.totals)]);
  };
  return rows.map(row).join("");
}

/** PREFIX_stats.csv: one row per request name, then Aggregated, over the whole run. */
export function locustStatsCsv(rows: LocustRow[]): string {
  const row = (r: LocustRow): string => {
    const [reqs, fails, median, avg, min, max, size] = totalFields(r.totals);
    const rates = [r.requestsPerSec, r.failuresPerSec];
    return csvRow([r.method, r.name, reqs!, fails!, median!, avg!, min!, max!, size!, ...rates, ...percentileFields(r.percentilesMs)]);
  };
  return csvRow(STATS_COLUMNS) + rows.map(row).join("");
}

/** PREFIX_failures.csv: one row per request name and kind of failure. */
export function locustFailuresCsv(rows: LocustFailureRow[]): string {
  return csvRow(FAILURES_COLUMNS) + rows.map((r) => csvRow([r.method, r.name, r.error, r.occurrences])).join("");
}

/** The three file names Locust's --csv PREFIX writes (exceptions are Python's; headroom has none). */
export function locustCsvPaths(prefix: string): { stats: string; history: string; failures: string } {
  return { stats: `${prefix}_stats.csv`, history: `${prefix}_stats_history.csv`, failures: `${prefix}_failures.csv` };
}
