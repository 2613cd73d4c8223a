// Runs a test on N worker threads, one segment each. Workers load and get ready, then start at
// one shared time; their partial lines for second t are merged exactly (histograms add) once
// every worker has sent t, and written in order. The main thread measures the process's CPU and
// RSS (shared by all threads); each worker reports its own event-loop lag.
import { Worker } from "node:worker_threads";
import { ERRORS, HeadroomError, type ErrorCode } from "../core/errors.js";
import { mergeSameSecond } from "../metrics/interval-merge.js";
import type { Profile } from "../plan/profile.js";
import type { IntervalLine } from "../core/types.js";
import { generatorSampler } from "./generator-sampler.js";
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

export async function runWorkers(opts: {
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
}): Promise<"completed" | "interrupted"> {
  const n = opts.workers;
  const segments = equalSegments(n, opts.segment);
  const sampler = generatorSampler();
  const pending = new Map<number, IntervalLine[]>();
  let nextT = 0;
  let alive = n;
  let failure: Error | undefined;
  let interrupted = false;
  let ready = 0;
  const workers: Worker[] = [];
  const send = (w: Worker, m: ToWorker): void => w.postMessage(m);

  const emitMerged = (t: number): void => {
    const group = pending.get(t)!;
    pending.delete(t);
    const merged = mergeSameSecond(group);
    const g = sampler.sample();
    merged.generator = { cpuPct: g.cpuPct, eventLoopLagMsP99: Math.max(g.eventLoopLagMsP99, merged.generator.eventLoopLagMsP99), rssBytes: g.rssBytes };
    opts.emit(merged);
  };
  /** Emits every complete second in order; with `all`, whatever is left too. */
  const drain = (all: boolean): void => {
    for (;;) {
      const ts = [...pending.keys()].sort((a, b) => a - b);
      if (ts.length === 0) return;
      const t = ts[0]!;
      if (!all && (pending.get(t)!.length < alive || t < nextT)) return;
      nextT = t + 1;
      emitMerged(t);
    }
  };

  const stopAll = (): void => {
    for (const w of workers) send(w, { type: "stop" });
  };
  const onAbort = (): void => {
    interrupted = true;
    stopAll();
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  const allReady = new Promise<void>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
  const finished: Promise<void>[] = [];

  for (let i = 0; i < n; i++) {
    const data: WorkerData = {
      workerIndex: i,
      workers: n,
      segment: segments[i]!,
      profile: opts.profile,
      vars: opts.vars,
      ...(opts.scenarioPath ? { scenarioPath: opts.scenarioPath } : {}),
      ...(opts.request ? { request: opts.request } : {}),
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    };
    const w = new Worker(BOOTSTRAP, { workerData: data });
    workers.push(w);
    let sawDone = false;
    finished.push(
      new Promise<void>((resolve) => {
        w.on("message", (m: FromWorker) => {
          switch (m.type) {
            case "ready":
              if (++ready === n) resolveReady();
              break;
            case "line": {
              const group = pending.get(m.line.t);
              if (group) group.push(m.line);
              else pending.set(m.line.t, [m.line]);
              drain(false);
              break;
            }
            case "warning":
              opts.onWarning?.(m.message);
              break;
            case "fatal":
              failure ??= fromWire(m.error);
              rejectReady(failure);
              stopAll();
              break;
            case "done":
              sawDone = true;
              if (m.outcome === "interrupted") interrupted = true;
              // Every line was posted before "done"; the worker only idles now.
              void w.terminate();
              break;
          }
        });
        w.on("error", (e) => {
          failure ??= e;
          rejectReady(e);
          stopAll();
        });
        w.on("exit", () => {
          if (!sawDone && !failure) failure = new Error(`worker ${i} exited before finishing its segment`);
          alive--;
          drain(false);
          resolve();
        });
      }),
    );
  }

  const readyTimer = setTimeout(() => rejectReady(new HeadroomError("HR_SCENARIO_LOAD", `workers did not get ready within ${READY_TIMEOUT_MS / 1000} s`, "check that the scenario's setup finishes quickly; run with --workers 1 to see its errors directly")), READY_TIMEOUT_MS);
  try {
    await allReady;
    clearTimeout(readyTimer);
    const startEpochMs = Math.max(Date.now() + START_DELAY_MS, opts.startAtEpochMs ?? 0);
    for (const w of workers) send(w, { type: "start", startEpochMs });
    opts.onStart?.(startEpochMs);
    sampler.sample(); // open the first CPU window at the start
  } catch {
    clearTimeout(readyTimer);
    for (const w of workers) void w.terminate();
  }
  await Promise.all(finished);
  for (const w of workers) void w.terminate();
  opts.signal?.removeEventListener("abort", onAbort);
  drain(true);
  sampler.stop();
  if (failure) throw failure;
  return interrupted ? "interrupted" : "completed";
}
