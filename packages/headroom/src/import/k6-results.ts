// k6 results as a run directory. Three forms:
//   --out json=FILE   NDJSON, one Point per sample: every http_req_duration with its tags (name,
//                     method, status, expected_response): per-second histograms rebuilt exactly.
//   --summary-export  one JSON object, metrics with flat stats ({"avg","med","p(95)",...}).
//   handleSummary     one JSON object, metrics with {"type","values":{...}} and state.testRunDurationMs.
// The two summaries have no time series: the requests are spread evenly over the run, and every
// second gets the run's distribution rebuilt from its quantiles; the notes say so.
import { readFileSync, statSync } from "node:fs";
import { HeadroomError } from "../core/errors.js";
import { createHistogram, encodeHistogram, type Histogram } from "../metrics/histogram.js";
import type { ErrorClass, IntervalLine } from "../core/types.js";
import { apportion, emptyLine, endpointInterval, histogramOfMs, spreadRunValues, valuesFromQuantiles, writeImportedRun, type ImportResult, type QuantilesMs } from "./imported-run.js";

interface K6Point {
  type: string;
  metric: string;
  data: { time?: string; value?: number; tags?: Record<string, string> | null };
}

/** k6 writes nanosecond timestamps with an offset; Date.parse wants at most milliseconds. */
export function k6TimeMs(time: string): number {
  return Date.parse(time.replace(/(\.\d{3})\d+/, "$1"));
}

/** The error class of a failed k6 request from its status and error_code tag. */
function k6ErrorClass(status: number, errorCode: string | undefined): ErrorClass {
  if (status >= 400) return "status";
  const code = Number(errorCode);
  if (code === 1050) return "timeout";
  if (code >= 1100 && code < 1200) return "dns";
  if (code === 1212 || code === 1210) return "refused";
  if (code >= 1220 && code < 1230) return "reset";
  if (code >= 1300 && code < 1400) return "protocol";
  return status === 0 ? "other" : "status";
}

function invalid(file: string, why: string): HeadroomError {
  return new HeadroomError("HR_INPUT_INVALID", `"${file}" is not a k6 result: ${why}`, "give k6's --out json=FILE output (NDJSON), its --summary-export=FILE JSON, or the JSON a handleSummary wrote (JSON.stringify(data))");
}

function fromPoints(text: string, file: string, name: string): Parameters<typeof writeImportedRun>[1] {
  type Acc = { method: string; req: number; failed: number; status: Record<string, number>; errors: Partial<Record<ErrorClass, number>>; h: Histogram };
  const seconds = new Map<number, { users: number; eps: Map<string, Acc> }>();
  let t0: number | undefined;
  let bad = 0;
  const points: K6Point[] = [];
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    try {
      const p = JSON.parse(raw) as K6Point;
      if (p.type === "Point" && typeof p.data?.time === "string") {
        points.push(p);
        const ms = k6TimeMs(p.data.time);
        if (Number.isFinite(ms)) t0 = t0 === undefined ? ms : Math.min(t0, ms);
      }
    } catch {
      bad++;
    }
  }
  if (t0 === undefined) throw invalid(file, "no Point lines");
  const start = Math.floor(t0 / 1000) * 1000;
  const sec = (p: K6Point): { users: number; eps: Map<string, Acc> } => {
    const t = Math.floor((k6TimeMs(p.data.time!) - start) / 1000);
    const s = seconds.get(t) ?? { users: 0, eps: new Map() };
    seconds.set(t, s);
    return s;
  };
  let durations = 0;
  for (const p of points) {
    if (p.metric === "vus") sec(p).users = Math.max(sec(p).users, p.data.value ?? 0);
    if (p.metric !== "http_req_duration") continue;
    durations++;
    const tags = p.data.tags ?? {};
    const key = tags.name ?? tags.url ?? "request";
    const s = sec(p);
    const acc = s.eps.get(key) ?? { method: tags.method ?? "GET", req: 0, failed: 0, status: {}, errors: {}, h: createHistogram() };
    s.eps.set(key, acc);
    acc.req++;
    acc.h.recordValue(Math.max(1, Math.round((p.data.value ?? 0) * 1000)));
    const status = Number(tags.status ?? 0);
    if (status > 0) acc.status[String(status)] = (acc.status[String(status)] ?? 0) + 1;
    // expected_response is k6's own success verdict (since v0.31); without it, a status >= 400 or none fails.
    const failed = tags.expected_response !== undefined ? tags.expected_response === "false" : status === 0 || status >= 400;
    if (failed) {
      acc.failed++;
      const cls = k6ErrorClass(status, tags.error_code);
      acc.errors[cls] = (acc.errors[cls] ?? 0) + 1;
    }
  }
  if (durations === 0) throw invalid(file, "no http_req_duration points (was it run with --out json=FILE and did it send HTTP requests?)");
  const last = Math.max(...seconds.keys());
  const lines: IntervalLine[] = [];
  let users = 0;
  for (let t = 0; t <= last; t++) {
    const s = seconds.get(t);
    users = s && s.users > 0 ? s.users : users;
    const line = emptyLine(t, start + t * 1000, users);
    for (const [k, a] of s?.eps ?? []) {
      line.endpoints[k] = endpointInterval(a.method, a.req, a.failed, encodeHistogram(a.h), { status: a.status, errors: a.errors });
      a.h.destroy();
    }
    lines.push(line);
  }
  const notes = ["imported from k6 --out json: per-second histograms are rebuilt exactly from each request's http_req_duration point (k6 measures from when the request was sent)"];
  if (bad > 0) notes.push(`${bad} line(s) of the file were not JSON and were skipped`);
  return { name, source: "k6", startedAt: new Date(start), lines, plan: { executor: "closed", durationSec: lines.length, users: Math.max(0, ...lines.map((l) => l.users)) }, target: {}, notes };
}

type Stats = Record<string, number | undefined>;

/** The flat stats of a metric in either summary form. */
function metricStats(metrics: Record<string, unknown>, key: string): Stats | undefined {
  const m = metrics[key] as Record<string, unknown> | undefined;
  if (!m || typeof m !== "object") return undefined;
  return (typeof m.values === "object" && m.values !== null ? m.values : m) as Stats;
}

function quantilesOf(s: Stats): QuantilesMs {
  const q: QuantilesMs = [];
  for (const [k, v] of Object.entries(s)) {
    if (typeof v !== "number") continue;
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(k);
    if (p) q.push([Number(p[1]) / 100, v]);
    else if (k === "min") q.push([0, v]);
    else if (k === "med") q.push([0.5, v]);
    else if (k === "max") q.push([1, v]);
  }
  return q;
}

function fromSummary(doc: Record<string, unknown>, file: string, name: string): Parameters<typeof writeImportedRun>[1] {
  const metrics = doc.metrics as Record<string, unknown>;
  const reqs = metricStats(metrics, "http_reqs");
  const dur = metricStats(metrics, "http_req_duration");
  if (!reqs?.count || !dur) throw invalid(file, "a summary without http_reqs.count or http_req_duration (did the test send HTTP requests?)");
  const handle = typeof (metrics.http_reqs as { values?: unknown }).values === "object";
  const stateMs = (doc.state as { testRunDurationMs?: number } | undefined)?.testRunDurationMs;
  const durationSec = Math.max(1, Math.round(stateMs !== undefined ? stateMs / 1000 : reqs.rate ? reqs.count / reqs.rate : 1));
  // http_req_failed is a rate: its "passes" count the requests that failed (value 1).
  const failedStats = metricStats(metrics, "http_req_failed");
  const failed = failedStats?.passes ?? Math.round((failedStats?.value ?? failedStats?.rate ?? 0) * reqs.count);
  const vus = metricStats(metrics, "vus_max");
  const users = vus?.max ?? vus?.value ?? 0;
  // Per-name figures exist only for submetrics a threshold created, e.g. http_req_duration{name:/login}.
  const endpoints: { key: string; count: number; failed: number; q: QuantilesMs }[] = [];
  for (const key of Object.keys(metrics)) {
    const m = /^http_req_duration\{name:(.+)\}$/.exec(key);
    const count = m ? metricStats(metrics, `http_reqs{name:${m[1]}}`)?.count : undefined;
    if (m && count) endpoints.push({ key: m[1]!, count, failed: metricStats(metrics, `http_req_failed{name:${m[1]}}`)?.passes ?? 0, q: quantilesOf(metricStats(metrics, key)!) });
  }
  const namedCount = endpoints.reduce((s, e) => s + e.count, 0);
  if (namedCount < reqs.count) endpoints.push({ key: endpoints.length ? "other requests" : "all requests", count: reqs.count - namedCount, failed: Math.max(0, failed - endpoints.reduce((s, e) => s + e.failed, 0)), q: quantilesOf(dur) });
  const start = Date.now() - durationSec * 1000;
  const ones = Array(durationSec).fill(1) as number[];
  const perSec = endpoints.map((e) => {
    const req = apportion(e.count, ones);
    // The run's distribution, dealt out evenly: every second gets the same shape.
    const values = spreadRunValues(valuesFromQuantiles(e.count, e.q), req.map((count) => ({ count, quantiles: e.q })));
    return { req, fail: apportion(e.failed, ones), values };
  });
  const lines: IntervalLine[] = ones.map((_, t) => {
    const line = emptyLine(t, start + t * 1000, users);
    endpoints.forEach((e, i) => {
      const n = perSec[i]!.req[t]!;
      if (n > 0) line.endpoints[e.key] = endpointInterval("GET", n, Math.min(n, perSec[i]!.fail[t]!), histogramOfMs(perSec[i]!.values[t]!));
    });
    return line;
  });
  const form = handle ? "handleSummary JSON" : "--summary-export";
  const notes = [
    `imported from k6's ${form}: a summary has no time series, so the ${reqs.count} requests are spread evenly over the run's ${durationSec} s and every second has the run's latency distribution rebuilt from its quantiles (${quantilesOf(dur).sort((a, b) => a[0] - b[0]).map(([p]) => (p === 0 ? "min" : p === 1 ? "max" : `p${p * 100}`)).join(", ")}); per-second trends, and the start time, are not real`,
    endpoints.length > 1 ? "per-name figures come from the summary's submetrics (http_req_duration{name:...} with http_reqs{name:...}); methods are unknown and shown as GET" : "k6's summary has no per-request-name figures (only submetrics that thresholds create): all requests are one endpoint; methods are unknown",
    "failed requests are k6's http_req_failed; their error classes and status codes are not in a summary",
  ];
  return { name, source: "k6", startedAt: new Date(start), lines, plan: { executor: "closed", durationSec, users }, target: {}, notes };
}

export function importK6(file: string, dir: string, name: string): ImportResult {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw invalid(file, "it is a directory");
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof HeadroomError) throw e;
    throw new HeadroomError("HR_INPUT_INVALID", `k6 result "${file}" cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "give the path of the file k6 wrote (--out json=FILE, --summary-export=FILE, or handleSummary's JSON)");
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    const firstLine = trimmed.split("\n", 1)[0]!;
    let one: unknown;
    try {
      one = JSON.parse(firstLine);
    } catch {
      one = undefined;
    }
    const isPoint = typeof one === "object" && one !== null && ((one as K6Point).type === "Metric" || (one as K6Point).type === "Point");
    if (!isPoint) {
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(text) as Record<string, unknown>;
      } catch (e) {
        throw invalid(file, `not JSON (${(e as Error).message})`);
      }
      if (typeof doc.metrics !== "object" || doc.metrics === null) throw invalid(file, 'a JSON object without "metrics"');
      return writeImportedRun(dir, fromSummary(doc, file, name));
    }
    return writeImportedRun(dir, fromPoints(text, file, name));
  }
  throw invalid(file, "neither NDJSON points nor a JSON summary");
}
