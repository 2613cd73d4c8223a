// Runs a test on N worker threads, one segment each. Workers load and get ready, then start at
// one shared time; their partial lines for second t are merged exactly (histograms add) once
// every worker has sent t, and written in order. The main thread measures the process's CPU and
// RSS (shared by all threads); each worker reports its own event-loop lag.
import { Worker } from "node:worker_threads";
import { ERRORS, HeadroomError, type ErrorCode } from "../core/errors.js";
import { mergeSameSecond } from "../metrics/interval-merge.js";
import type { Profile } from "../plan/profile.js";
import type { IntervalLine } from "../core/types.js";
import { generatorSampler, type GeneratorSampler } from "./generator-sampler.js";
import { equalSegments, type SegmentPath } from "./segments.js";
import type { SingleRequest } from "./single-request.js";
import type { FromWorker, ToWorker, WireError, WorkerData } from "./worker-protocol.js";

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);
/** Workers have this long to load the scenario and get ready. */
const READY_TIMEOUT_MS = 60_000;
/** How far ahead of "now" the shared start is set, so every worker gets the message in time. */
const START_DELAY_MS = 100;

export function fromWire(e: WireError): Error {
  if (e.code && e.code in ERRORS) return new HeadroomError(e.code as ErrorCode, e.message, e.hint ?? "");
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

export interface RunWorkersOptions {
  workers: number;
  profile: Profile;
  scenarioPath?: string;
  request?: SingleRequest;
  vars: Record<string, string>;
  baseUrl?: string;
  seed?: number;
  signal?: AbortSignal;
  emit(line: IntervalLine): void;
  onWarning?(message: string): void;
  /** This host's share; the workers split it. */
  segment?: SegmentPath;
  startAtEpochMs?: number;
  onStart?(startEpochMs: number): void;
}

/**
 * The workers' partial lines, merged per second and emitted in order once every live worker has
 * sent that second; the main thread's CPU and RSS go on the merged line.
 */
class SecondMerger {
  private readonly pending = new Map<number, IntervalLine[]>();
  private nextT = 0;

  constructor(
    private alive: number,
    private readonly sampler: GeneratorSampler,
    private readonly emit: (line: IntervalLine) => void,
  ) {}

  add(line: IntervalLine): void {
    const group = this.pending.get(line.t);
    if (group) group.push(line);
    else this.pending.set(line.t, [line]);
    this.drain(false);
  }

  workerExited(): void {
    this.alive--;
    this.drain(false);
  }

  /** Emits every complete second in order; with `all`, whatever is left too. */
  drain(all: boolean): void {
    for (;;) {
      const ts = [...this.pending.keys()].sort((a, b) => a - b);
      if (ts.length === 0) return;
      const t = ts[0]!;
      if (!all && (this.pending.get(t)!.length < this.alive || t < this.nextT)) return;
      this.nextT = t + 1;
      this.emitMerged(t);
    }
  }

  private emitMerged(t: number): void {
    const group = this.pending.get(t)!;
    this.pending.delete(t);
    const merged = mergeSameSecond(group);
    const g = this.sampler.sample();
    merged.generator = { cpuPct: g.cpuPct, eventLoopLagMsP99: Math.max(g.eventLoopLagMsP99, merged.generator.eventLoopLagMsP99), rssBytes: g.rssBytes };
    this.emit(merged);
  }
}

/** What the pool's workers share while they run: the merger, the outcome so far, and the ready latch. */
interface PoolState {
  merger: SecondMerger;
  failure: Error | undefined;
  interrupted: boolean;
  ready: number;
  workers: number;
  resolveReady(): void;
  rejectReady(e: Error): void;
  stopAll(): void;
  onWarning?(message: string): void;
}

function workerDataFor(opts: RunWorkersOptions, i: number, segment: SegmentPath): WorkerData {
  return {
    workerIndex: i,
    workers: opts.workers,
    segment,
    profile: opts.profile,
    vars: opts.vars,
    ...(opts.scenarioPath ? { scenarioPath: opts.scenarioPath } : {}),
    ...(opts.request ? { request: opts.request } : {}),
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  };
}

/** Follows worker i's messages into the pool's state; settles when the worker has exited. */
function watchWorker(w: Worker, i: number, p: PoolState): Promise<void> {
  let sawDone = false;
  return new Promise<void>((resolve) => {
    w.on("message", (m: FromWorker) => {
      switch (m.type) {
        case "ready":
          if (++p.ready === p.workers) p.resolveReady();
          break;
        case "line":
          p.merger.add(m.line);
          break;
        case "warning":
          p.onWarning?.(m.message);
          break;
        case "fatal":
          p.failure ??= fromWire(m.error);
          p.rejectReady(p.failure);
          p.stopAll();
          break;
        case "done":
          sawDone = true;
          if (m.outcome === "interrupted") p.interrupted = true;
          // Every line was posted before "done"; the worker only idles now.
          void w.terminate();
          break;
      }
    });
    w.on("error", (e) => {
      p.failure ??= e;
      p.rejectReady(e);
      p.stopAll();
    });
    w.on("exit", () => {
      if (!sawDone && !p.failure) p.failure = new Error(`worker ${i} exited before finishing its segment`);
      p.merger.workerExited();
      resolve();
    });
  });
}

/** Waits until every worker is ready (or one failed, or the time is up), then starts them all at one time. */
async function startWhenReady(
  opts: RunWorkersOptions,
  workers: readonly Worker[],
  allReady: Promise<void>,
  sampler: GeneratorSampler,
  p: PoolState,
): Promise<void> {
  const hint = "check that the scenario's setup finishes quickly; run with --workers 1 to see its errors directly";
  const tooLate = (): void => p.rejectReady(new HeadroomError("HR_SCENARIO_LOAD", `workers did not get ready within ${READY_TIMEOUT_MS / 1000} s`, hint));
  const readyTimer = setTimeout(tooLate, READY_TIMEOUT_MS);
  try {
    await allReady;
    clearTimeout(readyTimer);
    const startEpochMs = Math.max(Date.now() + START_DELAY_MS, opts.startAtEpochMs ?? 0);
    for (const w of workers) w.postMessage({ type: "start", startEpochMs } satisfies ToWorker);
    opts.onStart?.(startEpochMs);
    sampler.sample(); // open the first CPU window at the start
  } catch {
    clearTimeout(readyTimer);
    for (const w of workers) void w.terminate();
  }
}

export async function runWorkers(opts: RunWorkersOptions): Promise<"completed" | "interrupted"> {
  const n = opts.workers;
  const segments = equalSegments(n, opts.segment);
  const sampler = generatorSampler();
  const workers: Worker[] = [];
  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  const allReady = new Promise<void>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
  const p: PoolState = {
    merger: new SecondMerger(n, sampler, (line) => opts.emit(line)),
    failure: undefined,
    interrupted: false,
    ready: 0,
    workers: n,
    resolveReady: () => resolveReady(),
    rejectReady: (e) => rejectReady(e),
    stopAll: () => {
      for (const w of workers) w.postMessage({ type: "stop" } satisfies ToWorker);
    },
    ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
  };
  const onAbort = (): void => {
    p.interrupted = true;
    p.stopAll();
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  const finished: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const w = new Worker(BOOTSTRAP, { workerData: workerDataFor(opts, i, segments[i]!) });
    workers.push(w);
    finished.push(watchWorker(w, i, p));
  }
  await startWhenReady(opts, workers, allReady, sampler, p);
  await Promise.all(finished);
  for (const w of workers) void w.terminate();
  opts.signal?.removeEventListener("abort", onAbort);
  p.merger.drain(true);
  sampler.stop();
  if (p.failure) throw p.failure;
  return p.interrupted ? "interrupted" : "completed";
}
