// Before a disturbed search step is measured again, wait (a bounded while) for the machine to be
// quiet: other processes' CPU under the disturbance bar in two samples a second apart. A burst of
// noise (a build, a backup, a browser tab) then costs the search a few seconds instead of a
// re-test that is disturbed again; noise that outlasts the wait leaves the re-test to say so.
import { createOthersCollector, OTHERS_KEYS } from "../telemetry/others-collector.js";

export interface QuietWaitOptions {
  /** The platform's processes and port, as the "others" telemetry excludes them. */
  others: { pids?: number[]; port?: number };
  /** Longest wait, in ms (the search's budget left bounds it too). */
  maxWaitMs: number;
  /** Spare time the search has now, in ms: the wait never takes more than this. */
  leftMs?: () => number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Told once a wait starts and when it ends. */
  onWait?: (message: string) => void;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((done) => {
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), done()), { once: true });
  });

/** A waiter the search calls with the bar (cores) of the step it is about to measure again. */
export function quietWaiter(o: QuietWaitOptions): (limitCores: number) => Promise<void> {
  const intervalMs = o.intervalMs ?? 1000;
  return async (limitCores) => {
    const collector = createOthersCollector(o.others);
    const started = Date.now();
    const limitMs = Math.min(o.maxWaitMs, o.leftMs?.() ?? Infinity);
    let quiet = 0;
    let last: number | undefined;
    try {
      await collector.sample(started);
      while (Date.now() - started + intervalMs <= limitMs && !o.signal?.aborted) {
        await sleep(intervalMs, o.signal);
        const [reading] = await collector.sample(Date.now());
        last = reading?.ok ? reading.values[OTHERS_KEYS.cpuCores] : undefined;
        if (last === undefined) return;
        quiet = last <= limitCores ? quiet + 1 : 0;
        if (quiet >= 2) break;
        if (quiet === 0 && Date.now() - started < intervalMs * 1.5) o.onWait?.(`waiting up to ${Math.round(limitMs / 1000)} s for other processes to go quiet (${last.toFixed(2)} cores, bar ${limitCores})`);
      }
    } finally {
      await collector.close();
    }
    const waitedSec = Math.round((Date.now() - started) / 100) / 10;
    if (waitedSec >= 2) o.onWait?.(quiet >= 2 ? `quiet after ${waitedSec} s` : `still ${last?.toFixed(2) ?? "?"} cores after ${waitedSec} s: measuring again anyway`);
  };
}
