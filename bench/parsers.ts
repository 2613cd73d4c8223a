// Pure parsers of each tool's output into one shape, so the harness compares like with like.
// RPS is always completed requests divided by the tool's own measured duration.

/** "autocannon-uncorrected" is autocannon with -C: its raw closed-loop latencies, no correction. */
export type ToolName = "headroom" | "autocannon" | "autocannon-uncorrected" | "wrk";

export interface ToolResult {
  tool: ToolName;
  requests: number;
  durationSec: number;
  rps: number;
  /** Latency percentiles in milliseconds, as the tool reported them. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Transport errors plus non-2xx/3xx responses. */
  errors: number;
  /** Open-model work that could not start on time (headroom only). */
  dropped?: number;
  /** headroom's own verdict that the generator, not the target, was the limit. */
  generatorLimited?: boolean;
}

export class ParseError extends Error {
  constructor(tool: ToolName, what: string, excerpt: string) {
    super(`${tool}: ${what} (output began: ${JSON.stringify(excerpt.slice(0, 200))})`);
    this.name = "ParseError";
  }
}

type Json = Record<string, unknown>;

function parseJsonObject(tool: ToolName, text: string): Json {
  // A tool may log before its JSON; take the last line that parses as an object.
  const lines = text.trim().split("\n").reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith("{")) continue;
    try {
      const v: unknown = JSON.parse(t);
      if (v && typeof v === "object" && !Array.isArray(v)) return v as Json;
    } catch (_e) {
      /* not this line */
    }
  }
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Json;
  } catch (_e) {
    /* fall through */
  }
  throw new ParseError(tool, "no JSON object found", text);
}

function num(tool: ToolName, obj: Json, path: string, text: string): number {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (!cur || typeof cur !== "object") throw new ParseError(tool, `missing ${path}`, text);
    cur = (cur as Json)[key];
  }
  if (typeof cur !== "number" || !Number.isFinite(cur)) throw new ParseError(tool, `${path} is not a number`, text);
  return cur;
}

/** `autocannon -j` output. Its latencies are integer milliseconds. */
export function parseAutocannonJson(text: string, tool: "autocannon" | "autocannon-uncorrected" = "autocannon"): ToolResult {
  const o = parseJsonObject(tool, text);
  const requests = num("autocannon", o, "requests.total", text);
  const durationSec = num("autocannon", o, "duration", text);
  const errors = num("autocannon", o, "errors", text) + num("autocannon", o, "non2xx", text);
  return {
    tool,
    requests,
    durationSec,
    rps: durationSec > 0 ? requests / durationSec : 0,
    p50Ms: num("autocannon", o, "latency.p50", text),
    p90Ms: num("autocannon", o, "latency.p90", text),
    p99Ms: num("autocannon", o, "latency.p99", text),
    errors,
  };
}

/** `headroom run --json` output (issue 2's documented fields). */
export function parseHeadroomJson(text: string): ToolResult {
  const o = parseJsonObject("headroom", text);
  const requests = num("headroom", o, "requests.total", text);
  const rps = num("headroom", o, "requests.ratePerSec", text);
  const gen = o.generator as Json | undefined;
  const dropped = typeof o.dropped === "number" ? o.dropped : undefined;
  return {
    tool: "headroom",
    requests,
    durationSec: rps > 0 ? requests / rps : 0,
    rps,
    p50Ms: num("headroom", o, "latencyMs.p50", text),
    p90Ms: num("headroom", o, "latencyMs.p90", text),
    p99Ms: num("headroom", o, "latencyMs.p99", text),
    errors: num("headroom", o, "requests.failed", text),
    ...(dropped !== undefined ? { dropped } : {}),
    ...(gen && typeof gen.limited === "boolean" ? { generatorLimited: gen.limited } : {}),
  };
}

// [multiplier, divisor] to milliseconds; dividing microseconds keeps "414.00us" exactly 0.414.
const WRK_TIME_MS: Record<string, [number, number]> = { us: [1, 1000], ms: [1, 1], s: [1000, 1], m: [60_000, 1], h: [3_600_000, 1] };

/** "258.37us", "4.20ms", "1.02s", "2.00m" → milliseconds. */
export function wrkTimeToMs(token: string): number {
  const m = /^([0-9]*\.?[0-9]+)(us|ms|s|m|h)$/.exec(token.trim());
  if (!m) throw new ParseError("wrk", `unrecognised time ${JSON.stringify(token)}`, token);
  const [mul, div] = WRK_TIME_MS[m[2]!]!;
  return (Number(m[1]) * mul) / div;
}

/** `wrk --latency` text output. */
export function parseWrkText(text: string): ToolResult {
  const total = /^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m|h),/m.exec(text);
  if (!total) throw new ParseError("wrk", "no 'N requests in Ts' line", text);
  const requests = Number(total[1]);
  const durationSec = wrkTimeToMs(`${total[2]}${total[3]}`) / 1000;
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(text);
    if (!m) throw new ParseError("wrk", `no ${p}% line (run wrk with --latency)`, text);
    return wrkTimeToMs(m[1]!);
  };
  let errors = 0;
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  if (sock) errors += Number(sock[1]) + Number(sock[2]) + Number(sock[3]) + Number(sock[4]);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (non2xx) errors += Number(non2xx[1]);
  return {
    tool: "wrk",
    requests,
    durationSec,
    rps: durationSec > 0 ? requests / durationSec : 0,
    p50Ms: pct("50"),
    p90Ms: pct("90"),
    p99Ms: pct("99"),
    errors,
  };
}

export function parseToolOutput(tool: ToolName, text: string): ToolResult {
  switch (tool) {
    case "headroom":
      return parseHeadroomJson(text);
    case "autocannon":
    case "autocannon-uncorrected":
      return parseAutocannonJson(text, tool);
    case "wrk":
      return parseWrkText(text);
  }
}

/** The peak resident set (VmHWM) in KiB from a /proc/<pid>/status text, if present. */
export function parseVmHwmKb(status: string): number | undefined {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

/** Child pids listed in /proc/<pid>/task/<tid>/children (space-separated). */
export function parseChildPids(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((s) => s.length > 0)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** nginx stub_status text (the stall and hello servers answer in the same format). */
export function parseStubStatus(text: string): { active: number; requests: number } | undefined {
  const active = /Active connections:\s*(\d+)/.exec(text);
  const counts = /server accepts handled requests\s*\n\s*(\d+)\s+(\d+)\s+(\d+)/.exec(text);
  if (!active || !counts) return undefined;
  return { active: Number(active[1]), requests: Number(counts[3]) };
}
