// The live view of a run, a sink of interval lines like any other: a progress line redrawn in
// place on a terminal, plain lines every few seconds otherwise.
import { windowStats } from "../analysis/windows.js";
import { formatDurationMs } from "../plan/duration.js";
import type { IntervalLine } from "../core/types.js";

export interface ProgressFigures {
  elapsedSec: number;
  totalSec: number;
  users: number;
  rps: number;
  p95Ms: number;
  errorPct: number;
  dropped: number;
  phase?: string;
}

/** Figures of one merged second. */
export function secondFigures(line: IntervalLine, totalSec: number): ProgressFigures {
  const w = windowStats([line]);
  const phase = line.phase ? { phase: line.phase } : {};
  return { elapsedSec: line.t + 1, totalSec, users: line.users, rps: w.requests, p95Ms: w.latency.p95, errorPct: w.errorPct, dropped: line.dropped, ...phase };
}

const pad = (s: string, n: number): string => (s.length >= n ? s : " ".repeat(n - s.length) + s);

export function formatProgress(f: ProgressFigures): string {
  const elapsed = `${formatDurationMs(Math.min(f.elapsedSec, f.totalSec) * 1000)}/${formatDurationMs(f.totalSec * 1000)}`;
  const parts = [
    `[${pad(elapsed, 11)}]`,
    `users ${pad(String(f.users), 5)}`,
    `rps ${pad(f.rps.toLocaleString("en-US"), 7)}`,
    `p95 ${pad(f.p95Ms < 10 ? f.p95Ms.toFixed(2) : f.p95Ms.toFixed(0), 6)} ms`,
    `errors ${pad(f.errorPct.toFixed(2), 6)}%`,
  ];
  if (f.dropped > 0) parts.push(`dropped ${f.dropped}`);
  if (f.phase) parts.push(f.phase);
  return parts.join("  ");
}

export interface ProgressSink {
  line(line: IntervalLine): void;
  /** Clears the live line before other output. */
  end(): void;
}

/** On a TTY the line is redrawn each second; otherwise a plain line every `everySec` seconds. */
export function progressSink(out: { write(s: string): unknown; isTTY?: boolean }, totalSec: number, everySec = 5): ProgressSink {
  let drawn = false;
  return {
    line(line) {
      const f = secondFigures(line, totalSec);
      if (out.isTTY) {
        out.write(`\r\x1b[2K${formatProgress(f)}`);
        drawn = true;
      } else if ((line.t + 1) % everySec === 0) {
        out.write(formatProgress(f) + "\n");
      }
    },
    end() {
      if (drawn) out.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
