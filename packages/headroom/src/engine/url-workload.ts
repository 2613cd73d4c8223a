// The single-URL workload on the raw client: a user sends the request, waits its think time
// (none by default), and sends again; an arrival sends it once. Nothing is allocated per request.
import { nextWaitMs, type WaitSpec } from "../plan/wait.js";
import type { Profile } from "../plan/profile.js";
import { constant, NO_WAIT } from "../plan/wait.js";
import { scenario, task, userClass } from "../plan/scenario-api.js";
import type { Rng } from "../core/rng.js";
import type { Clock } from "../core/clock.js";
import { encodeRequest, RawClient } from "./raw-http.js";
import type { Recorder } from "./recorder.js";
import type { SingleRequest } from "./single-request.js";
import { scenarioWorkload } from "./scenario-workload.js";
import { WakeHeap, type Sleeper } from "./wake-heap.js";
import type { UserHandle, Workload } from "./workload.js";

/** With no think time, a user whose request got no response at all pauses this long before retrying, so a dead target is not hammered in a tight loop. */
export const NO_RESPONSE_BACKOFF_MS = 10;

export function urlWorkload(opts: { request: SingleRequest; timeoutMs: number; recorder: Recorder; clock: Clock; rng: Rng; thinkTime?: WaitSpec }): Workload {
  const { request, clock, rng, thinkTime } = opts;
  const url = new URL(request.url);
  const method = (request.method ?? "GET").toUpperCase();
  const name = request.name ?? (url.pathname || "/");
  const client = new RawClient({
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || 80),
    request: encodeRequest({ url, method, headers: request.headers ?? {}, ...(request.body !== undefined ? { body: Buffer.from(request.body) } : {}) }),
    isHead: method === "HEAD",
    timeoutMs: opts.timeoutMs,
    acc: opts.recorder.endpoint(name, method),
    now: () => clock.now(),
  });
  const think = thinkTime && !(thinkTime.kind === "constant" && thinkTime.sec === 0) ? thinkTime : undefined;
  const heap = new WakeHeap(clock);

  return {
    startUser(): UserHandle {
      let stopped = false;
      let resolveDone!: () => void;
      const done = new Promise<void>((r) => (resolveDone = r));
      let sentAt = 0;
      const next = (): void => {
        if (stopped) return resolveDone();
        sentAt = clock.now();
        client.send(sentAt, after);
      };
      // A waiting user sits in the wake heap: no timer per wait.
      const sleeper: Sleeper = { wakeAtMs: 0, heapIndex: -1, onWake: next };
      const after = (_ok: boolean, status: number): void => {
        if (stopped) return resolveDone();
        const waitMs = think ? nextWaitMs(think, rng, clock.now() - sentAt) : status === 0 ? NO_RESPONSE_BACKOFF_MS : 0;
        if (waitMs <= 0) next();
        else heap.sleep(sleeper, waitMs);
      };
      next();
      return {
        stop() {
          stopped = true;
          if (sleeper.heapIndex >= 0) {
            heap.cancel(sleeper);
            resolveDone();
          }
        },
        done,
      };
    },
    startIteration(dueMs, done) {
      client.send(dueMs, () => done());
    },
    inFlight: () => client.inFlight,
    async close() {
      heap.stop();
      // Requests still in flight after the grace period are cut off, not recorded: they are
      // about the end of the run, not the target.
      client.close(false);
    },
  };
}

/**
 * The workload of a single-URL test: the raw client for http, undici (through a one-request
 * scenario built in memory) for https, where TLS is needed.
 */
export async function singleUrlWorkload(opts: {
  request: SingleRequest;
  profile: Profile;
  timeoutMs: number;
  recorder: Recorder;
  clock: Clock;
  rng: Rng;
}): Promise<Workload> {
  const { request, profile } = opts;
  const url = new URL(request.url);
  if (url.protocol === "http:") return urlWorkload({ ...opts, ...(profile.thinkTime ? { thinkTime: profile.thinkTime } : {}) });
  const method = (request.method ?? "GET").toUpperCase();
  const name = request.name ?? (url.pathname || "/");
  const path = url.pathname + url.search;
  const requestOptions = { name, ...(request.headers ? { headers: request.headers } : {}), ...(request.body !== undefined ? { body: request.body } : {}) };
  const s = scenario({
    name: "url",
    classes: [
      userClass({
        name: "url",
        weight: 1,
        wait: profile.thinkTime ?? NO_WAIT,
        tasks: [
          task("request", 1, async (u) => {
            await u.request(method, path, requestOptions);
          }),
        ],
      }),
    ],
  });
  return scenarioWorkload({
    scenario: s,
    profile: { ...profile, thinkTime: profile.thinkTime ?? constant(0) },
    recorder: opts.recorder,
    clock: opts.clock,
    rng: opts.rng,
    timeoutMs: opts.timeoutMs,
    vars: {},
    baseUrl: url.origin,
    onWarning: undefined,
  });
}
