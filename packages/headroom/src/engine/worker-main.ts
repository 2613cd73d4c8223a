// A worker thread: loads the scenario (or encodes the single request), runs its segment of the
// profile from the shared start time, and posts one partial interval line per second.
import { parentPort, workerData } from "node:worker_threads";
import { HeadroomError } from "../core/errors.js";
import { loadScenario } from "../plan/load-scenario.js";
import { DEFAULT_TIMEOUT_MS } from "../plan/profile.js";
import { mathRng, seededRng } from "../core/rng.js";
import { realClock } from "../core/clock.js";
import { generatorSampler } from "./generator-sampler.js";
import { scenarioWorkload } from "./scenario-workload.js";
import { runSegment } from "./segment-runner.js";
import { singleUrlWorkload } from "./url-workload.js";
import type { FromWorker, ToWorker, WireError, WorkerData } from "./worker-protocol.js";

const data = workerData as WorkerData;
const port = parentPort!;
const post = (m: FromWorker): void => port.postMessage(m);
const toWire = (e: unknown): WireError => {
  const err = e as Error & { code?: string; hint?: string };
  const codeAndHint = err instanceof HeadroomError ? { code: err.code, hint: err.hint } : {};
  return { ...codeAndHint, message: err?.message ?? String(e), ...(err?.stack ? { stack: err.stack } : {}) };
};

async function main(): Promise<void> {
  const stop = new AbortController();
  let startEpochMs = 0;
  const started = new Promise<void>((resolve) => {
    port.on("message", (m: ToWorker) => {
      if (m.type === "start") {
        startEpochMs = m.startEpochMs;
        resolve();
      } else if (m.type === "stop") {
        stop.abort();
        resolve();
      }
    });
  });
  const profile = data.profile;
  const timeoutMs = profile.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Each worker draws its own stream, still reproducible from the run's seed.
  const rng = data.seed !== undefined ? seededRng(data.seed + data.workerIndex * 7919) : mathRng;
  const scenario = data.scenarioPath ? await loadScenario(data.scenarioPath) : undefined;
  const sampler = generatorSampler({ cpu: false });
  const clock = realClock;
  const workloadReady = new Promise<void>((resolve, reject) => {
    void runSegment({
      profile,
      segment: data.segment,
      clock,
      get startMs() {
        return clock.now() + (startEpochMs - Date.now());
      },
      get startEpochMs() {
        return startEpochMs;
      },
      signal: stop.signal,
      emit: (line) => post({ type: "line", line: { ...line, segment: String(data.workerIndex) } }),
      sampleGenerator: () => sampler.sample(),
      makeWorkload: async (recorder) => {
        try {
          const w = scenario
            ? await scenarioWorkload({
                scenario,
                profile,
                recorder,
                clock,
                rng,
                timeoutMs,
                vars: data.vars,
                baseUrl: data.baseUrl,
                onWarning: (message) => post({ type: "warning", message }),
                onFatal: (error) => {
                  post({ type: "fatal", error: toWire(error) });
                  stop.abort();
                },
                index0: data.workerIndex,
                stride: data.workers,
              })
            : await singleUrlWorkload({ request: data.request!, profile, timeoutMs, recorder, clock, rng });
          resolve();
          post({ type: "ready" });
          await started;
          return w;
        } catch (e) {
          reject(e);
          throw e;
        }
      },
    })
      .then((outcome) => {
        sampler.stop();
        post({ type: "done", outcome });
      })
      .catch((e) => {
        post({ type: "fatal", error: toWire(e) });
      });
  });
  await workloadReady.catch(() => undefined);
}

main().catch((e) => post({ type: "fatal", error: toWire(e) }));
