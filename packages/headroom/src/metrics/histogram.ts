// Latency histograms: HDR histograms of microseconds, encoded so that worker and host results
// merge exactly. Percentiles only ever come from (merged) histograms, never from averages.
import * as hdr from "hdr-histogram-js";

export type Histogram = hdr.Histogram;

/** Highest latency a histogram tracks: one hour, in microseconds (auto-resize covers the rest). */
const HIGHEST_US = 3_600_000_000;

/**
 * The WebAssembly build of hdr-histogram-js (4-6x faster) is loaded once, when this module loads,
 * so every importer (worker threads included: they import the recorder, which imports this) builds
 * WebAssembly histograms without an init call first. Should it fail to load, histograms fall back
 * to the JavaScript build: the same numbers, slower.
 */
async function loadWasm(): Promise<boolean> {
  try {
    await hdr.initWebAssembly();
    return true;
  } catch {
    return false;
  }
}
const wasmReady = await loadWasm();

/** Kept for callers of the earlier API: the histograms are ready at load, so there is nothing left to wait for. */
export async function initHistograms(): Promise<void> {}

export function histogramsUseWasm(): boolean {
  return wasmReady;
}

/** A new latency histogram (values in microseconds, 3 significant digits). Call `destroy()` when done. */
export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: wasmReady,
  });
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, wasmReady);
}

/** Adds every value of each encoded histogram into one new histogram. */
export function mergeEncoded(encoded: Iterable<string>): Histogram {
  const total = createHistogram();
  for (const e of encoded) {
    if (!e) continue;
    const h = decodeHistogram(e);
    total.add(h);
    h.destroy();
  }
  return total;
}

export interface LatencyStatsMs {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Percentiles of a microsecond histogram, in milliseconds (rounded to the microsecond). */
export function latencyStatsMs(h: Histogram): LatencyStatsMs {
  const count = h.totalCount;
  if (count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const at = (p: number): number => round3(h.getValueAtPercentile(p) / 1000);
  return {
    count,
    min: round3(h.minNonZeroValue / 1000),
    mean: round3(h.mean / 1000),
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: round3(h.maxValue / 1000),
  };
}
