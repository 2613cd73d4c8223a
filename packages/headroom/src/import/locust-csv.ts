// Locust's --csv results as a run directory. Locust keeps, per request name, counts and
// percentiles (PREFIX_stats.csv), a row per second of cumulative counts and recent percentiles
// (PREFIX_stats_history.csv: the aggregate, or every name with --csv-full-history), and failures by
// message (PREFIX_failures.csv). It keeps no histograms and no status codes: each second's
// histogram is rebuilt from the percentiles, and the notes say so.
import { existsSync, readFileSync } from "node:fs";
import { HeadroomError } from "../core/errors.js";
import type { ErrorClass, IntervalLine } from "../core/types.js";
import { apportion, emptyLine, endpointInterval, histogramOfMs, spreadRunValues, valuesFromQuantiles, writeImportedRun, type ImportResult, type QuantilesMs } from "./imported-run.js";

/** Parses CSV as Python's csv module writes it (quoted fields may hold commas, quotes, newlines). */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = (): void => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endField();
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    endField();
    rows.push(row);
  }
  const [header, ...data] = rows.filter((r) => r.length > 1 || r[0] !== "");
  if (!header) return [];
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

const PERCENTILE_COLUMNS: [string, number][] = [["50%", 0.5], ["66%", 0.66], ["75%", 0.75], ["80%", 0.8], ["90%", 0.9], ["95%", 0.95], ["98%", 0.98], ["99%", 0.99], ["99.9%", 0.999], ["99.99%", 0.9999], ["100%", 1]];

/** The percentiles of a stats row (with its min), or of a history row ("current" ones: no min). */
function quantiles(row: Record<string, string>): QuantilesMs {
  const q: QuantilesMs = PERCENTILE_COLUMNS.map(([col, p]) => [p, Number(row[col])] as [number, number]).filter(([, v]) => Number.isFinite(v));
  // Locust writes 0 (or N/A) for every current percentile until its window has data.
  if (q.length === 0 || q[q.length - 1]![1] === 0) return [];
  const min = Number(row["Min Response Time"]);
  if (Number.isFinite(min)) q.unshift([0, min]);
  return q;
}

/** The error class of a Locust failure message. */
export function locustErrorClass(message: string): { cls: ErrorClass; status?: string } {
  const http = /\b([1-5]\d\d) (?:Client|Server) Error/.exec(message);
  if (http) return { cls: "status", status: http[1] };
  if (/CatchResponseError/.test(message)) return { cls: "check" };
  if (/ConnectionRefused|Connection refused/i.test(message)) return { cls: "refused" };
  if (/timed? ?out|Timeout/i.test(message)) return { cls: "timeout" };
  if (/ConnectionReset|RemoteDisconnected|reset by peer/i.test(message)) return { cls: "reset" };
  if (/NameResolution|getaddrinfo|Name or service not known/i.test(message)) return { cls: "dns" };
  return { cls: "other" };
}

function readCsv(path: string, required: boolean): Record<string, string>[] | undefined {
  if (!existsSync(path)) {
    if (!required) return undefined;
    throw new HeadroomError("HR_INPUT_INVALID", `"${path}" does not exist; expected the files Locust writes with --csv PREFIX (PREFIX_stats.csv, PREFIX_stats_history.csv, ...)`, "pass the same PREFIX you gave locust --csv, e.g. headroom import locust-csv results/run1 for results/run1_stats.csv");
  }
  return parseCsv(readFileSync(path, "utf8"));
}

interface Endpoint {
  key: string;
  method: string;
  name: string;
  requests: number;
  failures: number;
  q: QuantilesMs;
  /** Failures by error class (from the failures file), for apportioning. */
  errors: Map<string, { cls: ErrorClass; status?: string; n: number }>;
}

type Row = Record<string, string>;
type SecondCounts = Map<string, { req: number; fail: number; q?: QuantilesMs }>;
/** The run's seconds (t from Locust's start): users and each name's requests and failures. */
type Seconds = Map<number, { users: number; counts: SecondCounts }>;

/** The names of the stats file, with their failures by error class from the failures file. */
function readEndpoints(stats: readonly Row[], failures: readonly Row[]): Endpoint[] {
  const endpoints: Endpoint[] = stats
    .filter((r) => r.Name !== "Aggregated" && r.Type !== "")
    .map((r) => ({
      key: `${r.Type} ${r.Name}`,
      method: r.Type!,
      name: r.Name!,
      requests: Number(r["Request Count"]),
      failures: Number(r["Failure Count"]),
      q: quantiles(r),
      errors: new Map(),
    }));
  for (const f of failures) {
    const e = endpoints.find((x) => x.method === f.Method && x.name === f.Name);
    if (!e) continue;
    const { cls, status } = locustErrorClass(f.Error ?? "");
    const k = `${cls} ${status ?? ""}`;
    const prev = e.errors.get(k) ?? { cls, status, n: 0 };
    prev.n += Number(f.Occurrences) || 0;
    e.errors.set(k, prev);
  }
  return endpoints;
}

/**
 * Per name and second: the growth of its cumulative counts (--csv-full-history), else the
 * aggregate's growth split by each name's share of the run.
 */
function secondsOfHistory(history: readonly Row[], endpoints: readonly Endpoint[], startSec: number, fullHistory: boolean): Seconds {
  const perSecond: Seconds = new Map();
  const seen = new Map<string, { req: number; fail: number }>();
  const aggSeen = { req: 0, fail: 0 };
  for (const row of history) {
    const t = Number(row.Timestamp) - startSec;
    if (!Number.isFinite(t) || t < 0) continue;
    const sec = perSecond.get(t) ?? { users: Number(row["User Count"]) || 0, counts: new Map() };
    perSecond.set(t, sec);
    const req = Number(row["Total Request Count"]) || 0;
    const fail = Number(row["Total Failure Count"]) || 0;
    if (row.Name === "Aggregated") {
      if (!fullHistory) {
        const dReq = Math.max(0, req - aggSeen.req);
        const dFail = Math.max(0, fail - aggSeen.fail);
        const reqs = apportion(dReq, endpoints.map((e) => e.requests));
        const fails = apportion(dFail, endpoints.map((e) => e.failures));
        endpoints.forEach((e, i) => sec.counts.set(e.key, { req: reqs[i]!, fail: Math.min(fails[i]!, reqs[i]!) }));
      }
      aggSeen.req = Math.max(aggSeen.req, req);
      aggSeen.fail = Math.max(aggSeen.fail, fail);
      continue;
    }
    const key = `${row.Type} ${row.Name}`;
    const prev = seen.get(key) ?? { req: 0, fail: 0 };
    const q = quantiles(row);
    sec.counts.set(key, { req: Math.max(0, req - prev.req), fail: Math.max(0, fail - prev.fail), q: q.length > 0 ? q : undefined });
    seen.set(key, { req: Math.max(prev.req, req), fail: Math.max(prev.fail, fail) });
  }
  return perSecond;
}

/**
 * Requests the history missed (Locust flushes it every 10 s; the last rows may never reach the
 * file) go into more seconds, so the totals match the stats file. Returns the note that says so.
 */
function addMissedSeconds(perSecond: Seconds, endpoints: readonly Endpoint[], total: Row | undefined): string | undefined {
  const counted = new Map<string, { req: number; fail: number }>();
  for (const sec of perSecond.values()) {
    for (const [k, c] of sec.counts) counted.set(k, { req: (counted.get(k)?.req ?? 0) + c.req, fail: (counted.get(k)?.fail ?? 0) + c.fail });
  }
  const missing = endpoints.map((e) => {
    const c = counted.get(e.key);
    return { e, req: Math.max(0, e.requests - (c?.req ?? 0)), fail: Math.max(0, e.failures - (c?.fail ?? 0)) };
  });
  const missed = missing.reduce((s, m) => s + m.req, 0);
  if (missed <= 0) return undefined;
  // The run lasted Request Count / Requests/s seconds (Locust's rate is over the whole run).
  const rps = Number(total?.["Requests/s"]);
  const runSec = rps > 0 ? Math.round(Number(total?.["Request Count"]) / rps) : 0;
  const none = missed === endpoints.reduce((s, e) => s + e.requests, 0);
  if (none) perSecond.clear();
  const lastT = perSecond.size === 0 ? -1 : Math.max(...perSecond.keys());
  const users = perSecond.get(lastT)?.users ?? 0;
  const spanSec = Math.max(1, runSec - (lastT + 1));
  const ones = Array(spanSec).fill(1) as number[];
  const split = missing.map((m) => ({ req: apportion(m.req, ones), fail: apportion(m.fail, ones) }));
  for (let s = 0; s < spanSec; s++) {
    const sec = { users, counts: new Map<string, { req: number; fail: number }>() };
    missing.forEach((m, i) => sec.counts.set(m.e.key, { req: split[i]!.req[s]!, fail: split[i]!.fail[s]! }));
    perSecond.set(lastT + 1 + s, sec);
  }
  return none
    ? `the history has no counts (Locust 2.x writes it in 10 s batches; a shorter run may leave none): the ${missed} requests are spread evenly over the run's ${spanSec} s (Request Count / Requests/s), with whole-run percentiles`
    : `${missed} requests of the stats file are not in the history (Locust writes it in 10 s batches and can lose the last): they are spread over the ${spanSec} s after its last row`;
}

/** A name's failures of one second, given out to its error classes (and statuses) by their share. */
function errorsOf(e: Endpoint, fail: number): { errors: Partial<Record<ErrorClass, number>>; status: Record<string, number> } {
  const kinds = [...e.errors.values()];
  const split = apportion(fail, kinds.map((k) => k.n));
  const errors: Partial<Record<ErrorClass, number>> = {};
  const status: Record<string, number> = {};
  kinds.forEach((k, i) => {
    if (split[i]! === 0) return;
    errors[k.cls] = (errors[k.cls] ?? 0) + split[i]!;
    if (k.status) status[k.status] = (status[k.status] ?? 0) + split[i]!;
  });
  if (kinds.length === 0 && fail > 0) errors.other = fail;
  return { errors, status };
}

/** One interval line per second, each name's latencies drawn from the whole run's distribution. */
function intervalLines(perSecond: Seconds, endpoints: readonly Endpoint[], startSec: number): IntervalLine[] {
  // One name sent with two methods keeps the two apart.
  const dup = new Set(endpoints.filter((e, i) => endpoints.findIndex((x) => x.name === e.name) !== i).map((e) => e.name));
  const ordered = [...perSecond.entries()].sort((a, b) => a[0] - b[0]);
  // Each name's latencies: the whole run's distribution from the stats file, given out to the
  // seconds by their own (current-window) percentiles, so merged percentiles read as Locust's.
  const latencies = new Map<string, number[][]>();
  for (const e of endpoints) {
    const secs = ordered.map(([, sec]) => ({ count: sec.counts.get(e.key)?.req ?? 0, quantiles: sec.counts.get(e.key)?.q ?? e.q }));
    latencies.set(e.key, spreadRunValues(valuesFromQuantiles(secs.reduce((n, x) => n + x.count, 0), e.q), secs));
  }
  return ordered.map(([t, sec], i) => {
    const line = emptyLine(t, (startSec + t) * 1000, sec.users);
    for (const e of endpoints) {
      const c = sec.counts.get(e.key);
      if (!c || c.req === 0) continue;
      const fail = Math.min(c.fail, c.req);
      line.endpoints[dup.has(e.name) ? e.key : e.name] = endpointInterval(e.method, c.req, fail, histogramOfMs(latencies.get(e.key)![i]!), errorsOf(e, fail));
    }
    return line;
  });
}

export function importLocustCsv(prefix: string, dir: string, name: string): ImportResult {
  const stats = readCsv(`${prefix}_stats.csv`, true)!;
  if (stats.length === 0 || !("Request Count" in stats[0]!)) {
    throw new HeadroomError("HR_INPUT_INVALID", `"${prefix}_stats.csv" is not Locust's stats file (no "Request Count" column)`, "give the PREFIX of the files locust --csv PREFIX wrote");
  }
  const history = readCsv(`${prefix}_stats_history.csv`, false) ?? [];
  const failures = readCsv(`${prefix}_failures.csv`, false) ?? [];
  const exceptions = readCsv(`${prefix}_exceptions.csv`, false) ?? [];
  const endpoints = readEndpoints(stats, failures);
  const total = stats.find((r) => r.Name === "Aggregated");
  // Seconds: one per history row of the aggregate; the first row is Locust's start.
  const aggRows = history.filter((r) => r.Name === "Aggregated" && Number.isFinite(Number(r.Timestamp)));
  const startSec = aggRows.length > 0 ? Number(aggRows[0]!.Timestamp) : Math.floor(Date.now() / 1000);
  const notes = [
    "imported from Locust's CSV: latency histograms are rebuilt from Locust's percentiles (Locust keeps no histograms, and rounds them): each name's whole-run percentiles read back as Locust's, other percentiles and per-second ones are approximations",
    "Locust's CSV has no status codes: failures are classed from the failure messages (HTTP errors give their status); successes carry none",
  ];
  const fullHistory = history.some((r) => r.Name !== "Aggregated");
  const perSecond = secondsOfHistory(history, endpoints, startSec, fullHistory);
  if (!fullHistory) notes.push("the history has the aggregate only (run locust with --csv-full-history for per-name seconds): each second's requests are split among the names by their share of the run, with each name's whole-run percentiles");
  else notes.push("each second's count per name is exact; its latencies are the whole run's (rebuilt from the stats file's percentiles) given out by Locust's current percentiles of that second (a window of recent seconds), so a slower second gets slower values");
  const missedNote = addMissedSeconds(perSecond, endpoints, total);
  if (missedNote) notes.push(missedNote);
  if (exceptions.length > 0) notes.push(`Locust recorded ${exceptions.length} exception(s) in the locustfile (PREFIX_exceptions.csv), e.g. ${String(exceptions[0]!.Message).slice(0, 120)}`);
  const lines = intervalLines(perSecond, endpoints, startSec);
  const peakUsers = Math.max(0, ...lines.map((l) => l.users));
  return writeImportedRun(dir, {
    name,
    source: "locust",
    startedAt: new Date(startSec * 1000),
    lines,
    plan: { executor: "closed", durationSec: lines.length, users: peakUsers },
    target: {},
    notes,
  });
}
