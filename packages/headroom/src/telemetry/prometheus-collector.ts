// Scrapes a Prometheus /metrics endpoint. Every finite sample is written under its series key
// (`name` or `name{k="v",...}`); samples whose value is NaN or ±Inf cannot be JSON numbers, so
// they go into the `non_finite` label instead ({"key":"NaN"}). Derived values over the interval
// since the previous scrape:
//   rate(<series>)                         per-second increase of every counter (and of the
//                                          _count/_sum of histograms and summaries); a counter
//                                          that went down was reset and counts from zero
//   mean(<family>{labels})                 Δ_sum / Δ_count of a histogram or summary
//   histogram_quantile(<q>, <family>{...}) p50/p95/p99 of the observations of the interval,
//                                          interpolated in the bucket deltas as Prometheus does
// plus scrape_duration_seconds, scrape_samples_scraped and scrape_parse_errors.
import { request } from "undici";
import { familyOf, parsePrometheusText, seriesKey, type PromExposition } from "./prometheus-text.js";
import { errorMessage, round, type Collector, type CollectorReading } from "./types.js";

export interface PrometheusCollectorOptions {
  url: string;
  /** Whole-scrape timeout (connect, headers, body). Default 3000. */
  timeoutMs?: number;
  /** Quantiles derived from histogram bucket deltas. Default [0.5, 0.95, 0.99]. */
  quantiles?: number[];
}

interface Bucket {
  le: number;
  count: number;
}

interface HistogramSeries {
  /** Series key of the family with the labels other than `le`. */
  key: string;
  buckets: Bucket[];
  sum?: number;
  count?: number;
}

interface Snapshot {
  nowMs: number;
  counters: Map<string, number>;
  histograms: Map<string, HistogramSeries>;
  /** Summary series (no buckets) for mean(). */
  summaries: Map<string, { sum?: number; count?: number }>;
}

/** The value of quantile q (0..1) of cumulative buckets, interpolated linearly inside the bucket (as PromQL histogram_quantile). */
export function bucketQuantile(q: number, buckets: readonly Bucket[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const last = sorted.at(-1);
  if (!last || last.le !== Infinity || last.count <= 0) return undefined;
  // Non-atomic scrapes can leave a bucket below its predecessor; cumulative counts never decrease.
  for (let i = 1; i < sorted.length; i++) sorted[i] = { le: sorted[i].le, count: Math.max(sorted[i].count, sorted[i - 1].count) };
  const rank = q * last.count;
  const i = sorted.findIndex((b) => b.count >= rank);
  const b = sorted[i];
  if (b.le === Infinity) return i > 0 ? sorted[i - 1].le : undefined;
  if (i === 0 && b.le <= 0) return b.le;
  const lower = i === 0 ? 0 : sorted[i - 1].le;
  const below = i === 0 ? 0 : sorted[i - 1].count;
  const inBucket = b.count - below;
  return inBucket <= 0 ? b.le : lower + ((b.le - lower) * (rank - below)) / inBucket;
}

function isCounterSeries(name: string, expo: PromExposition): boolean {
  const { type, suffix } = familyOf(name, expo.types);
  if (type === "counter") return suffix === "" || suffix === "_total";
  if (type === "histogram" || type === "summary") return suffix === "_count" || suffix === "_sum";
  // Without a # TYPE line, the _total naming convention is the best evidence of a counter.
  return type === "untyped" && name.endsWith("_total");
}

function snapshot(expo: PromExposition, nowMs: number): Snapshot {
  const counters = new Map<string, number>();
  const histograms = new Map<string, HistogramSeries>();
  const summaries = new Map<string, { sum?: number; count?: number }>();
  for (const s of expo.samples) {
    if (!Number.isFinite(s.value)) continue;
    const { family, type, suffix } = familyOf(s.name, expo.types);
    if (isCounterSeries(s.name, expo)) counters.set(seriesKey(s.name, s.labels), s.value);
    if (type === "histogram" && (suffix === "_bucket" || suffix === "_sum" || suffix === "_count")) {
      const key = seriesKey(family, s.labels.filter(([k]) => k !== "le"));
      const h = histograms.get(key) ?? { key, buckets: [] };
      histograms.set(key, h);
      if (suffix === "_bucket") {
        const le = s.labels.find(([k]) => k === "le")?.[1];
        if (le !== undefined) h.buckets.push({ le: le === "+Inf" ? Infinity : Number(le), count: s.value });
      } else if (suffix === "_sum") h.sum = s.value;
      else h.count = s.value;
    } else if (type === "summary" && (suffix === "_sum" || suffix === "_count")) {
      const key = seriesKey(family, s.labels);
      const m = summaries.get(key) ?? {};
      summaries.set(key, m);
      if (suffix === "_sum") m.sum = s.value;
      else m.count = s.value;
    }
  }
  return { nowMs, counters, histograms, summaries };
}

function increase(now: number, before: number | undefined): number | undefined {
  if (before === undefined) return undefined;
  return now >= before ? now - before : now; // a reset counts from zero
}

function deriveValues(cur: Snapshot, prev: Snapshot | undefined, quantiles: readonly number[], out: Record<string, number>): void {
  if (!prev) return;
  const dtSec = (cur.nowMs - prev.nowMs) / 1000;
  if (dtSec <= 0) return;
  for (const [key, v] of cur.counters) {
    const d = increase(v, prev.counters.get(key));
    if (d !== undefined) out[`rate(${key})`] = round(d / dtSec, 6);
  }
  const mean = (key: string, sum?: number, count?: number, before?: { sum?: number; count?: number }): void => {
    if (sum === undefined || count === undefined || !before) return;
    const dc = increase(count, before.count);
    const ds = increase(sum, before.sum);
    if (dc !== undefined && ds !== undefined && dc > 0) out[`mean(${key})`] = round(ds / dc, 9);
  };
  for (const [key, h] of cur.histograms) {
    const before = prev.histograms.get(key);
    if (!before) continue;
    mean(key, h.sum, h.count, before);
    const deltas = h.buckets.map((b) => ({ le: b.le, count: increase(b.count, before.buckets.find((x) => x.le === b.le)?.count) ?? 0 }));
    for (const q of quantiles) {
      const v = bucketQuantile(q, deltas);
      if (v !== undefined) out[`histogram_quantile(${q}, ${key})`] = round(v, 9);
    }
  }
  for (const [key, s] of cur.summaries) mean(key, s.sum, s.count, prev.summaries.get(key));
}

export function createPrometheusCollector(opts: PrometheusCollectorOptions): Collector {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const quantiles = opts.quantiles ?? [0.5, 0.95, 0.99];
  let prev: Snapshot | undefined;

  async function scrape(): Promise<string> {
    const res = await request(opts.url, {
      method: "GET",
      headers: { accept: "text/plain;version=0.0.4;q=1,*/*;q=0.1" },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`HTTP ${res.statusCode} from ${opts.url}: ${body.slice(0, 200)}`);
    return body;
  }

  return {
    source: "prometheus",
    async sample(nowMs) {
      const started = performance.now();
      let text: string;
      try {
        text = await scrape();
      } catch (e) {
        return [{ ok: false, error: `scrape ${opts.url}: ${errorMessage(e)}`, values: {} }];
      }
      const expo = parsePrometheusText(text);
      const values: Record<string, number> = {};
      const nonFinite: Record<string, string> = {};
      for (const s of expo.samples) {
        const key = seriesKey(s.name, s.labels);
        if (Number.isFinite(s.value)) values[key] = s.value;
        else nonFinite[key] = Number.isNaN(s.value) ? "NaN" : s.value > 0 ? "+Inf" : "-Inf";
      }
      const cur = snapshot(expo, nowMs);
      deriveValues(cur, prev, quantiles, values);
      prev = cur;
      values.scrape_duration_seconds = round((performance.now() - started) / 1000, 6);
      values.scrape_samples_scraped = expo.samples.length;
      values.scrape_parse_errors = expo.errors.length;
      const labels: Record<string, string> = { url: opts.url };
      if (Object.keys(nonFinite).length > 0) labels.non_finite = JSON.stringify(nonFinite);
      if (expo.errors.length > 0) labels.parse_errors = JSON.stringify(expo.errors.slice(0, 5));
      const reading: CollectorReading = { ok: true, values, labels };
      return [reading];
    },
    async close() {
      prev = undefined;
    },
  };
}
