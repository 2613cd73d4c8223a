// Durations as k6 and Locust users write them: "30s", "5m", "1h30m", "250ms", "1.5s".
// A bare number is seconds (Locust's --run-time accepts that too).
import { HeadroomError } from "../core/errors.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Parses a duration into milliseconds; throws HR_BAD_DURATION naming the value and the form. */
export function parseDurationMs(text: string, what = "duration"): number {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  let total = 0;
  let pos = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = PART.lastIndex;
  }
  if (s === "" || pos !== s.length) {
    throw new HeadroomError(
      "HR_BAD_DURATION",
      `${what} "${text}" is not a duration; expected a number with a unit, such as 30s, 5m, 1h30m or 250ms`,
      "write the duration as <number><unit> with units ms, s, m, h (for example --duration 5m)",
    );
  }
  return Math.round(total);
}

/** Like parseDurationMs, in seconds, and refusing zero. */
export function parsePositiveDurationSec(text: string, what = "duration"): number {
  const ms = parseDurationMs(text, what);
  if (ms <= 0) {
    throw new HeadroomError("HR_BAD_DURATION", `${what} "${text}" is zero; expected a positive duration such as 30s`, "give a duration greater than zero");
  }
  return ms / 1000;
}

/** "1h30m", "5m", "30s", "250ms": the shortest exact form, for plans and progress lines. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000 || ms % 1000 !== 0) return ms < 1000 ? `${Math.round(ms)}ms` : `${+(ms / 1000).toFixed(3)}s`;
  let sec = ms / 1000;
  const h = Math.floor(sec / 3600);
  sec -= h * 3600;
  const m = Math.floor(sec / 60);
  sec -= m * 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${sec ? `${sec}s` : ""}`;
}
