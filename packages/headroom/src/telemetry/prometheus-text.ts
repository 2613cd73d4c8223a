// A parser for the Prometheus text exposition format (version 0.0.4, what every /metrics endpoint
// serves by default; the OpenMetrics `# EOF` line and quoted UTF-8 metric names are accepted too).
//
//   # HELP http_requests_total The total number of requests.
//   # TYPE http_requests_total counter
//   http_requests_total{method="post",code="200"} 1027 1395066363000
//
// Label values escape `\\`, `\"` and `\n`; values are Go floats including `+Inf`, `-Inf`, `NaN`.
// A malformed line is reported and skipped: one bad line must not lose the whole scrape.

export type PromType = "counter" | "gauge" | "histogram" | "gaugehistogram" | "summary" | "untyped" | "info" | "stateset" | "unknown";

export interface PromSample {
  name: string;
  /** In exposition order. */
  labels: [string, string][];
  value: number;
  timestampMs?: number;
}

export interface PromParseError {
  /** 1-based line number. */
  line: number;
  reason: string;
  text: string;
}

export interface PromExposition {
  samples: PromSample[];
  /** Family name → declared type (`# TYPE`). */
  types: Map<string, PromType>;
  help: Map<string, string>;
  errors: PromParseError[];
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;

class LineError extends Error {}

/** Parses a float the way Prometheus does (Go strconv.ParseFloat plus Inf/NaN spellings). */
export function parsePromValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "nan") return NaN;
  if (lower === "+inf" || lower === "inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && !/^[+-]?0[xX][0-9a-fA-F]+$/.test(text)) {
    throw new LineError(`"${text}" is not a number`);
  }
  return Number(text);
}

/** A cursor over one line. */
class Cursor {
  pos = 0;
  constructor(readonly s: string) {}
  peek(): string {
    return this.s[this.pos] ?? "";
  }
  done(): boolean {
    return this.pos >= this.s.length;
  }
  skipSpace(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }
  expect(ch: string): void {
    if (this.peek() !== ch) throw new LineError(`expected "${ch}" at column ${this.pos + 1}, found ${this.peek() ? `"${this.peek()}"` : "end of line"}`);
    this.pos++;
  }
  ident(start: RegExp, rest: RegExp, what: string): string {
    const from = this.pos;
    if (!start.test(this.peek())) throw new LineError(`expected a ${what} at column ${this.pos + 1}`);
    this.pos++;
    while (!this.done() && rest.test(this.peek())) this.pos++;
    return this.s.slice(from, this.pos);
  }
  /** A double-quoted string with \\, \" and \n escapes (the cursor is on the opening quote). */
  quoted(): string {
    this.expect('"');
    let out = "";
    for (;;) {
      if (this.done()) throw new LineError("unterminated quoted string");
      const ch = this.s[this.pos++];
      if (ch === '"') return out;
      if (ch === "\\") {
        const esc = this.s[this.pos++];
        if (esc === "n") out += "\n";
        else if (esc === "\\" || esc === '"') out += esc;
        else if (esc === undefined) throw new LineError("unterminated escape");
        // Prometheus keeps an unknown escape as the backslash and the character.
        else out += "\\" + esc;
      } else out += ch;
    }
  }
  token(): string {
    const from = this.pos;
    while (!this.done() && this.peek() !== " " && this.peek() !== "\t") this.pos++;
    return this.s.slice(from, this.pos);
  }
}

function parseSampleLine(line: string): PromSample {
  const c = new Cursor(line);
  let name = "";
  const labels: [string, string][] = [];
  if (c.peek() !== "{") name = c.ident(NAME_START, NAME_CHAR, "metric name");
  c.skipSpace();
  if (c.peek() === "{") {
    c.pos++;
    c.skipSpace();
    while (c.peek() !== "}") {
      // Prometheus 3 allows a quoted metric name as the first item: {"my.metric", a="b"}.
      if (c.peek() === '"') {
        const quotedName = c.quoted();
        c.skipSpace();
        if (c.peek() === "=") {
          c.pos++;
          c.skipSpace();
          labels.push([quotedName, c.quoted()]);
        } else if (name === "") name = quotedName;
        else throw new LineError(`a second metric name "${quotedName}"`);
      } else {
        const label = c.ident(LABEL_START, LABEL_CHAR, "label name");
        c.skipSpace();
        c.expect("=");
        c.skipSpace();
        if (c.peek() !== '"') throw new LineError(`label ${label}: the value must be double-quoted`);
        labels.push([label, c.quoted()]);
      }
      c.skipSpace();
      if (c.peek() === ",") {
        c.pos++;
        c.skipSpace();
      } else if (c.peek() !== "}") throw new LineError(`expected "," or "}" at column ${c.pos + 1}`);
    }
    c.pos++;
  }
  if (name === "") throw new LineError("no metric name");
  c.skipSpace();
  const valueText = c.token();
  if (valueText === "") throw new LineError("no value");
  const value = parsePromValue(valueText);
  c.skipSpace();
  let timestampMs: number | undefined;
  if (!c.done()) {
    const ts = c.token();
    if (!/^-?\d+(\.\d+)?$/.test(ts)) throw new LineError(`"${ts}" is not a timestamp`);
    timestampMs = Number(ts);
    c.skipSpace();
    // OpenMetrics exemplars (" # {...} v") are ignored.
    if (!c.done() && c.peek() !== "#") throw new LineError(`unexpected text after the timestamp: "${line.slice(c.pos)}"`);
  }
  return timestampMs === undefined ? { name, labels, value } : { name, labels, value, timestampMs };
}

export function parsePrometheusText(text: string): PromExposition {
  const samples: PromSample[] = [];
  const types = new Map<string, PromType>();
  const help = new Map<string, string>();
  const errors: PromParseError[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "").replace(/^[ \t]+/, "");
    if (line === "") continue;
    try {
      if (line.startsWith("#")) {
        const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
        if (!m) continue; // a plain comment (or # EOF)
        const family = m[2].replace(/^"(.*)"$/, "$1");
        if (m[1] === "TYPE") {
          const t = (m[3] ?? "").trim().toLowerCase();
          const known: PromType[] = ["counter", "gauge", "histogram", "gaugehistogram", "summary", "untyped", "info", "stateset", "unknown"];
          if (!known.includes(t as PromType)) throw new LineError(`unknown metric type "${m[3] ?? ""}"`);
          types.set(family, t as PromType);
        } else {
          help.set(family, (m[3] ?? "").replace(/\\(\\|n)/g, (_, e: string) => (e === "n" ? "\n" : "\\")));
        }
        continue;
      }
      samples.push(parseSampleLine(line));
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      errors.push({ line: i + 1, reason: e.message, text: line.length > 200 ? line.slice(0, 200) + "…" : line });
    }
  }
  return { samples, types, help, errors };
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** `name` or `name{k="v",...}`, labels in the given order, values escaped as in the exposition. */
export function seriesKey(name: string, labels: readonly (readonly [string, string])[]): string {
  if (labels.length === 0) return name;
  return `${name}{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

const SUFFIXES = ["_bucket", "_count", "_sum", "_total", "_created", "_gcount", "_gsum", "_info"] as const;

/** The family a sample belongs to and its declared type ("untyped" when no # TYPE names it). */
export function familyOf(name: string, types: ReadonlyMap<string, PromType>): { family: string; type: PromType; suffix: string } {
  const direct = types.get(name);
  if (direct) return { family: name, type: direct, suffix: "" };
  for (const suffix of SUFFIXES) {
    if (name.endsWith(suffix)) {
      const family = name.slice(0, -suffix.length);
      const t = types.get(family);
      if (t) return { family, type: t, suffix };
    }
  }
  return { family: name, type: "untyped", suffix: "" };
}
