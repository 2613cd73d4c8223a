// The generator watches itself: CPU of the process (all threads) over each second, the P99 of
// this thread's event-loop delay, and RSS. A result limited by the generator says so.
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { GeneratorInterval } from "../core/types.js";

export interface GeneratorSampler {
  /** Figures since the previous sample; resets the window. */
  sample(): GeneratorInterval;
  stop(): void;
}

export function generatorSampler(opts: { cpu: boolean } = { cpu: true }): GeneratorSampler {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let lastCpu = process.cpuUsage();
  let lastMs = performance.now();
  return {
    sample() {
      const nowMs = performance.now();
      let cpuPct = 0;
      if (opts.cpu) {
        const cpu = process.cpuUsage();
        const usedUs = cpu.user - lastCpu.user + (cpu.system - lastCpu.system);
        cpuPct = nowMs > lastMs ? Math.round((usedUs / 1000 / (nowMs - lastMs)) * 1000) / 10 : 0;
        lastCpu = cpu;
      }
      lastMs = nowMs;
      // The histogram is in ns; an idle loop reports the resolution (10 ms) as its delay, so subtract it.
      const p99Ms = lag.count > 0 ? Math.max(0, lag.percentile(99) / 1e6 - 10) : 0;
      lag.reset();
      return { cpuPct, eventLoopLagMsP99: Math.round(p99Ms * 10) / 10, rssBytes: opts.cpu ? process.memoryUsage.rss() : 0 };
    },
    stop() {
      lag.disable();
    },
  };
}
