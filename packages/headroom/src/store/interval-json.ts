// `--out json=FILE`: one JSON object per line, per second per request name, as the run goes
// (k6's --out json writes a line per sample; a line per second per name keeps an hour's run to
// thousands of lines, not millions). Latency in ms from that second's histogram.
import { createHistogram, decodeHistogram, latencyStatsMs } from "../metrics/histogram.js";
import type { IntervalLine } from "../core/types.js";

export interface SecondJson {
  /** ISO time of the start of the second. */
  time: string;
  /** Seconds since the run started. */
  t: number;
  name: string;
  method: string;
  users: number;
  requests: number;
  failures: number;
  latencyMs: { min: number; mean: number; p50: number; p90: number; p95: number; p99: number; max: number };
  status: Record<string, number>;
  errors: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  phase?: string;
}

/** The second's lines as NDJSON text (empty when nothing completed in it). */
export function intervalJsonLines(line: IntervalLine, run: { id: string; name: string }): string {
  let out = "";
  for (const [name, ep] of Object.entries(line.endpoints)) {
    const h = ep.hist ? decodeHistogram(ep.hist) : createHistogram();
    const s = latencyStatsMs(h);
    h.destroy();
    const row: SecondJson & { run: string; test: string } = {
      run: run.id,
      test: run.name,
      time: new Date(line.ts).toISOString(),
      t: line.t,
      name,
      method: ep.method,
      users: line.users,
      requests: ep.requests,
      failures: ep.failed,
      latencyMs: { min: s.min, mean: s.mean, p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, max: s.max },
      status: ep.status,
      errors: ep.errors as Record<string, number>,
      bytesIn: ep.bytesIn,
      bytesOut: ep.bytesOut,
      ...(line.phase ? { phase: line.phase } : {}),
    };
    out += JSON.stringify(row) + "\n";
  }
  return out;
}
