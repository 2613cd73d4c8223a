// Exact merge of interval lines: counts add, histograms add. Used to combine worker segments
// within one process, and segment streams written by separate hosts.
import type { ClassInterval, EndpointInterval, IntervalLine } from "../core/types.js";
import { createHistogram, decodeHistogram, encodeHistogram, type Histogram } from "./histogram.js";

/** Adds each count of `src` into `target` (status codes, error classes). */
export function addCounts(target: Record<string, number>, src: Record<string, number | undefined>): void {
  for (const [k, v] of Object.entries(src)) if (v) target[k] = (target[k] ?? 0) + v;
}

/** Merges lines that cover the same second (same t) into one. */
export function mergeSameSecond(lines: IntervalLine[]): IntervalLine {
  if (lines.length === 0) throw new Error("mergeSameSecond needs at least one line");
  if (lines.length === 1) {
    const { segment: _segment, ...rest } = lines[0]!;
    return rest;
  }
  const first = lines[0]!;
  const hists = new Map<string, Histogram>();
  const endpoints: Record<string, EndpointInterval> = {};
  const classes: Record<string, ClassInterval> = {};
  let users = 0;
  let inFlight = 0;
  let dropped = 0;
  let targetRate: number | undefined;
  let cpuPct = 0;
  let lag = 0;
  let rss = 0;
  for (const line of lines) {
    users += line.users;
    inFlight += line.inFlight ?? 0;
    dropped += line.dropped;
    if (line.targetRate !== undefined) targetRate = (targetRate ?? 0) + line.targetRate;
    cpuPct += line.generator.cpuPct;
    lag = Math.max(lag, line.generator.eventLoopLagMsP99);
    rss = Math.max(rss, line.generator.rssBytes);
    for (const [name, ep] of Object.entries(line.endpoints)) {
      const into = (endpoints[name] ??= { method: ep.method, requests: 0, ok: 0, failed: 0, status: {}, errors: {}, bytesIn: 0, bytesOut: 0, hist: "" });
      into.requests += ep.requests;
      into.ok += ep.ok;
      into.failed += ep.failed;
      into.bytesIn += ep.bytesIn;
      into.bytesOut += ep.bytesOut;
      addCounts(into.status, ep.status);
      addCounts(into.errors as Record<string, number>, ep.errors);
      if (ep.hist) {
        let h = hists.get(name);
        if (!h) hists.set(name, (h = createHistogram()));
        const d = decodeHistogram(ep.hist);
        h.add(d);
        d.destroy();
      }
    }
    for (const [name, c] of Object.entries(line.classes ?? {})) {
      const into = (classes[name] ??= { requests: 0, failed: 0, rateLimited: 0, users: 0 });
      into.requests += c.requests;
      into.failed += c.failed;
      into.rateLimited += c.rateLimited;
      into.users += c.users;
    }
  }
  for (const [name, h] of hists) {
    endpoints[name]!.hist = encodeHistogram(h);
    h.destroy();
  }
  const merged: IntervalLine = {
    t: first.t,
    ts: Math.min(...lines.map((l) => l.ts)),
    users,
    dropped,
    endpoints,
    generator: { cpuPct, eventLoopLagMsP99: lag, rssBytes: rss },
  };
  if (targetRate !== undefined) merged.targetRate = targetRate;
  if (lines.some((l) => l.inFlight !== undefined)) merged.inFlight = inFlight;
  const phase = lines.find((l) => l.phase)?.phase;
  if (phase) merged.phase = phase;
  if (Object.keys(classes).length > 0) merged.classes = classes;
  return merged;
}

/** Groups lines by second and merges each group; the result is sorted by t. */
export function mergeSegments(lines: IntervalLine[]): IntervalLine[] {
  const byT = new Map<number, IntervalLine[]>();
  for (const l of lines) {
    const group = byT.get(l.t);
    if (group) group.push(l);
    else byT.set(l.t, [l]);
  }
  return [...byT.keys()].sort((a, b) => a - b).map((t) => mergeSameSecond(byT.get(t)!));
}
