// Time series out of telemetry lines: one reading of one collector over the run, and the
// samples of a scraped Prometheus endpoint (keys `name{k="v",...}` exactly as exposed).
import type { TelemetryLine } from "../core/types.js";

/** One reading at `t` seconds since the run started. */
export interface Point {
  t: number;
  v: number;
}

export type Combine = "sum" | "max" | "avg";

function combine(values: number[], how: Combine): number {
  if (how === "max") return Math.max(...values);
  const s = values.reduce((a, b) => a + b, 0);
  return how === "sum" ? s : s / values.length;
}

/**
 * The readings of `key` from the successful samples of `source`, one point per sample time.
 * Sources that write one line per process (several PIDs sampled at once) are combined per
 * timestamp with `how` (sum for memory, max for the busiest process's CPU).
 */
export function telemetrySeries(lines: readonly TelemetryLine[], source: string, key: string, how: Combine = "sum"): Point[] {
  const byTs = new Map<number, { t: number; values: number[] }>();
  for (const l of lines) {
    if (l.source !== source || !l.ok) continue;
    const v = l.values[key];
    if (v === undefined || !Number.isFinite(v)) continue;
    const slot = byTs.get(l.ts);
    if (slot) slot.values.push(v);
    else byTs.set(l.ts, { t: l.t, values: [v] });
  }
  return [...byTs.values()].sort((a, b) => a.t - b.t).map((s) => ({ t: s.t, v: combine(s.values, how) }));
}

/** Per-process series: one per `pid` label (process collector). */
export function perProcessSeries(lines: readonly TelemetryLine[], key: string): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  for (const l of lines) {
    if (l.source !== "process" || !l.ok) continue;
    const v = l.values[key];
    if (v === undefined || !Number.isFinite(v)) continue;
    const pid = l.labels?.pid ?? "?";
    let s = out.get(pid);
    if (!s) out.set(pid, (s = []));
    s.push({ t: l.t, v });
  }
  return out;
}

/** Samples attempted, failed, and the distinct failure messages, per source. */
export function telemetryGaps(lines: readonly TelemetryLine[]): { source: string; samples: number; failed: number; errors: string[] }[] {
  const by = new Map<string, { samples: number; failed: number; errors: Set<string> }>();
  for (const l of lines) {
    let g = by.get(l.source);
    if (!g) by.set(l.source, (g = { samples: 0, failed: 0, errors: new Set() }));
    g.samples++;
    if (!l.ok) {
      g.failed++;
      if (l.error) g.errors.add(l.error);
    }
  }
  return [...by.entries()].map(([source, g]) => ({ source, samples: g.samples, failed: g.failed, errors: [...g.errors] }));
}

/** The last textual label a source reported (e.g. redis maxmemory_policy). */
export function lastLabel(lines: readonly TelemetryLine[], source: string, label: string): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.source === source && l.ok && l.labels?.[label] !== undefined) return l.labels[label];
  }
  return undefined;
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const KEY = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Splits `name{a="x",b="y"}` into its name and labels. */
export function parsePromKey(key: string): { name: string; labels: Record<string, string> } | undefined {
  const m = KEY.exec(key);
  if (!m) return undefined;
  const labels: Record<string, string> = {};
  if (m[2]) for (const lm of m[2].matchAll(LABEL)) labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, "$1");
  return { name: m[1]!, labels };
}

/** A Prometheus scrape sample at time t. */
export interface PromScrape {
  t: number;
  ts: number;
  samples: PromSample[];
}

/** Every successful scrape of the "prometheus" source, parsed once. */
export function promScrapes(lines: readonly TelemetryLine[]): PromScrape[] {
  const out: PromScrape[] = [];
  for (const l of lines) {
    if (l.source !== "prometheus" || !l.ok) continue;
    const samples: PromSample[] = [];
    for (const [key, value] of Object.entries(l.values)) {
      const p = parsePromKey(key);
      if (p && Number.isFinite(value)) samples.push({ ...p, value });
    }
    out.push({ t: l.t, ts: l.ts, samples });
  }
  return out.sort((a, b) => a.t - b.t);
}

export type LabelFilter = Record<string, string | RegExp>;

function matches(s: PromSample, name: string, filter?: LabelFilter): boolean {
  if (s.name !== name) return false;
  if (!filter) return true;
  for (const [k, want] of Object.entries(filter)) {
    const got = s.labels[k];
    if (got === undefined) return false;
    if (typeof want === "string" ? got !== want : !want.test(got)) return false;
  }
  return true;
}

/** The first of `candidates` (names or patterns) that any scrape carries. */
export function findPromName(scrapes: readonly PromScrape[], candidates: readonly (string | RegExp)[]): string | undefined {
  const names = new Set<string>();
  for (const s of scrapes) for (const x of s.samples) names.add(x.name);
  for (const c of candidates) {
    if (typeof c === "string") {
      if (names.has(c)) return c;
    } else {
      const hit = [...names].sort().find((n) => c.test(n));
      if (hit) return hit;
    }
  }
  return undefined;
}

/** A gauge over time: per scrape, the matching series combined with `how`. */
export function promGauge(scrapes: readonly PromScrape[], name: string, filter?: LabelFilter, how: Combine = "sum"): Point[] {
  const out: Point[] = [];
  for (const s of scrapes) {
    const vals = s.samples.filter((x) => matches(x, name, filter)).map((x) => x.value);
    if (vals.length > 0) out.push({ t: s.t, v: combine(vals, how) });
  }
  return out;
}

function seriesKey(s: PromSample): string {
  return Object.entries(s.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/**
 * How much a counter grew between scrapes (summed over matching series), counting a drop as a
 * reset (the process restarted), grouped by one label when `groupBy` is given.
 */
export function promCounterIncrease(scrapes: readonly PromScrape[], name: string, filter?: LabelFilter, groupBy?: string): Map<string, number> {
  const last = new Map<string, number>();
  const total = new Map<string, number>();
  let seenBefore = false;
  for (const s of scrapes) {
    let seenNow = false;
    for (const x of s.samples) {
      if (!matches(x, name, filter)) continue;
      seenNow = true;
      const key = seriesKey(x);
      const group = groupBy ? (x.labels[groupBy] ?? "") : "";
      const prev = last.get(key);
      if (!total.has(group)) total.set(group, 0);
      // A series that appears after the first scrape (a label set's first event) started from 0.
      const inc = prev !== undefined ? (x.value >= prev ? x.value - prev : x.value) : seenBefore ? x.value : 0;
      total.set(group, total.get(group)! + inc);
      last.set(key, x.value);
    }
    seenBefore ||= seenNow;
  }
  return total;
}

/** Per-second rate of a counter between successive scrapes (summed over matching series). */
export function promCounterRate(scrapes: readonly PromScrape[], name: string, filter?: LabelFilter): Point[] {
  const out: Point[] = [];
  let prev: { t: number; byKey: Map<string, number> } | undefined;
  for (const s of scrapes) {
    const byKey = new Map<string, number>();
    for (const x of s.samples) if (matches(x, name, filter)) byKey.set(seriesKey(x), x.value);
    if (byKey.size === 0) continue;
    if (prev && s.t > prev.t) {
      let inc = 0;
      for (const [k, v] of byKey) {
        const p = prev.byKey.get(k);
        if (p !== undefined) inc += v >= p ? v - p : v;
      }
      out.push({ t: s.t, v: inc / (s.t - prev.t) });
    }
    prev = { t: s.t, byKey };
  }
  return out;
}

export function values(points: readonly Point[]): number[] {
  return points.map((p) => p.v);
}

/** Points with from <= t <= to. */
export function within(points: readonly Point[], from: number, to: number): Point[] {
  return points.filter((p) => p.t >= from && p.t <= to);
}

/**
 * A per-second rate sampled now and then, added up over time: each point's rate times the gap to
 * the point before it (points in time order); the first point, which has none, counts `firstGapSec`.
 */
export function integrateRate(points: readonly Point[], firstGapSec = 0): number {
  return points.reduce((sum, p, i) => sum + p.v * (i > 0 ? p.t - points[i - 1]!.t : firstGapSec), 0);
}
