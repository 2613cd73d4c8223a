// Runs of a simulated queue for compare's tests: c servers each holding a request for a fixed
// service time, Poisson arrivals at a set utilization, FIFO; each request's latency (wait +
// service) lands in the histogram of the second it completes in. Seeded, so deterministic.
import { createHistogram, encodeHistogram } from "../../src/metrics/histogram.js";
import type { CompareInput } from "../../src/analysis/compare.js";
import type { IntervalLine } from "../../src/core/types.js";
import { seededRng } from "../../src/core/rng.js";

export interface QueueRunOptions {
  servers: number;
  serviceMs: number;
  /** Share of the servers' capacity the arrivals ask for (0.63 = 63 % busy). */
  utilization: number;
  seconds: number;
  seed: number;
}

export function queueIntervals(o: QueueRunOptions): IntervalLine[] {
  const rng = seededRng(o.seed);
  const meanGapMs = o.serviceMs / (o.servers * o.utilization);
  const freeAt = new Array<number>(o.servers).fill(0);
  const perSecond: number[][] = Array.from({ length: o.seconds }, () => []);
  for (let t = 0; ; ) {
    t += -Math.log(1 - rng.next()) * meanGapMs;
    if (t >= o.seconds * 1000) break;
    let k = 0;
    for (let i = 1; i < o.servers; i++) if (freeAt[i]! < freeAt[k]!) k = i;
    const done = Math.max(t, freeAt[k]!) + o.serviceMs;
    freeAt[k] = done;
    const sec = Math.floor(done / 1000);
    if (sec < o.seconds) perSecond[sec]!.push(done - t);
  }
  return perSecond.map((lat, t) => {
    const h = createHistogram();
    for (const ms of lat) h.recordValue(Math.max(1, Math.round(ms * 1000)));
    const hist = encodeHistogram(h);
    h.destroy();
    return { t, ts: 1_700_000_000_000 + t * 1000, users: 0, dropped: 0, endpoints: { "/work": { method: "GET", requests: lat.length, ok: lat.length, failed: 0, status: { "200": lat.length }, errors: {}, bytesIn: 0, bytesOut: 0, hist } }, generator: { cpuPct: 1, eventLoopLagMsP99: 1, rssBytes: 0 } };
  });
}

export function queueRun(name: string, o: QueueRunOptions): CompareInput {
  return {
    dir: name,
    manifest: { name: "queue", startedAt: new Date(1_700_000_000_000).toISOString(), target: { url: "http://127.0.0.1:1" }, plan: { executor: "open", durationSec: o.seconds } },
    intervals: queueIntervals(o),
  };
}
