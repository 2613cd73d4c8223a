// Live export of a run to Prometheus remote-write (`--out prometheus-rw=URL`), as k6's
// experimental-prometheus-rw output does: each second of load becomes samples stamped with the
// end of that second, sent as soon as the second closes, so a Grafana board over that Prometheus
// shows the run while it goes. The protobuf + snappy encoding is prometheus-remote-write's.
//
// Series (every one labelled run_id and test; per request name also `name` and `method`; the
// run's totals carry no `name`, so `{name=""}` selects them):
//   headroom_requests_total, headroom_failures_total      counters since the run started
//   headroom_requests_per_second, headroom_failures_per_second   that second
//   headroom_latency_p50_ms, _p95_ms, _p99_ms, _max_ms    that second's merged histogram
//   headroom_users, headroom_in_flight, headroom_dropped_total    the run's load (no `name`)
import { pushTimeseries } from "prometheus-remote-write";
import { createHistogram, decodeHistogram, latencyStatsMs, type Histogram } from "../metrics/histogram.js";
import type { IntervalLine } from "../core/types.js";

export interface RemoteWriteOptions {
  url: string;
  runId: string;
  testName: string;
  /** Called once per failed push (the run goes on; a later push may succeed). */
  onError(message: string): void;
  /** Per push (default 5 s). */
  timeoutMs?: number;
}

interface Series {
  labels: { __name__: string; [k: string]: string };
  samples: { value: number; timestamp: number }[];
}

/** Pushes where remote-write is at most this many seconds behind; older seconds are dropped and said so. */
const MAX_BACKLOG = 30;

export class RemoteWriteExporter {
  private readonly totals = new Map<string, { requests: number; failed: number }>();
  private readonly runTotals = { requests: 0, failed: 0 };
  private dropped = 0;
  private queue: Promise<void> = Promise.resolve();
  private backlog = 0;
  pushed = 0;
  failed = 0;

  constructor(private readonly opts: RemoteWriteOptions) {}

  /** The second's series (also what `push` sends); exported for tests. */
  seriesOf(line: IntervalLine): Series[] {
    const ts = line.ts + 1000;
    const base = { run_id: this.opts.runId, test: this.opts.testName };
    const out: Series[] = [];
    const add = (name: string, labels: Record<string, string>, value: number): void => {
      if (Number.isFinite(value)) out.push({ labels: { __name__: name, ...base, ...labels }, samples: [{ value, timestamp: ts }] });
    };
    const all = createHistogram();
    let requests = 0;
    let failed = 0;
    for (const [name, ep] of Object.entries(line.endpoints)) {
      const labels = { name, method: ep.method };
      const t = this.totals.get(name) ?? { requests: 0, failed: 0 };
      t.requests += ep.requests;
      t.failed += ep.failed;
      this.totals.set(name, t);
      requests += ep.requests;
      failed += ep.failed;
      let h: Histogram | undefined;
      if (ep.hist) {
        h = decodeHistogram(ep.hist);
        all.add(h);
      }
      this.secondSeries(add, labels, ep.requests, ep.failed, h);
      h?.destroy();
    }
    // Names that completed nothing this second keep their counters flowing.
    for (const [name, t] of this.totals) {
      add("headroom_requests_total", { name, method: line.endpoints[name]?.method ?? "" }, t.requests);
      add("headroom_failures_total", { name, method: line.endpoints[name]?.method ?? "" }, t.failed);
    }
    const run = this.runTotals;
    run.requests += requests;
    run.failed += failed;
    this.dropped += line.dropped;
    this.secondSeries(add, {}, requests, failed, all);
    all.destroy();
    add("headroom_requests_total", {}, run.requests);
    add("headroom_failures_total", {}, run.failed);
    add("headroom_users", {}, line.users);
    add("headroom_dropped_total", {}, this.dropped);
    if (line.inFlight !== undefined) add("headroom_in_flight", {}, line.inFlight);
    return out;
  }

  private secondSeries(
    add: (n: string, l: Record<string, string>, v: number) => void,
    labels: Record<string, string>,
    requests: number,
    failed: number,
    h: Histogram | undefined,
  ): void {
    add("headroom_requests_per_second", labels, requests);
    add("headroom_failures_per_second", labels, failed);
    if (h && h.totalCount > 0) {
      const s = latencyStatsMs(h);
      add("headroom_latency_p50_ms", labels, s.p50);
      add("headroom_latency_p95_ms", labels, s.p95);
      add("headroom_latency_p99_ms", labels, s.p99);
      add("headroom_latency_max_ms", labels, s.max);
    }
  }

  /** Queues the second's samples; pushes go one at a time, in order. Never throws. */
  push(line: IntervalLine): void {
    const series = this.seriesOf(line);
    if (this.backlog >= MAX_BACKLOG) {
      this.failed++;
      this.opts.onError(`remote-write ${this.opts.url} is ${this.backlog} s behind: second ${line.t} was not sent`);
      return;
    }
    this.backlog++;
    this.queue = this.queue.then(async () => {
      try {
        const res = await pushTimeseries(series, {
          url: this.opts.url,
          headers: { "Content-Encoding": "snappy", "X-Prometheus-Remote-Write-Version": "0.1.0", "User-Agent": "headroom" },
          fetch: (url, init) => fetch(url, { method: init?.method ?? "POST", headers: init?.headers ?? {}, body: new Uint8Array(init!.body as ArrayBuffer), signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000) }),
        });
        if (res.status >= 200 && res.status < 300) this.pushed++;
        else {
          this.failed++;
          this.opts.onError(`remote-write ${this.opts.url} answered ${res.status} ${res.statusText}${res.errorMessage ? `: ${res.errorMessage.trim().slice(0, 200)}` : ""}`);
        }
      } catch (e) {
        this.failed++;
        this.opts.onError(`remote-write ${this.opts.url} failed: ${(e as Error).message}`);
      } finally {
        this.backlog--;
      }
    });
  }

  /** Waits for the queued pushes. */
  async close(): Promise<void> {
    await this.queue;
  }
}
