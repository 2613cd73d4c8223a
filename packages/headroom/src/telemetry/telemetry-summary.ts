// Per-source sample counts (ok, failed, skipped: the gaps) and min/mean/max/last of each value
// over a list of telemetry lines, and a compact text table of both (what `headroom telemetry`
// prints). Process lines are told apart by their pid label ("instance").
import type { TelemetryLine } from "../core/types.js";

export interface TelemetrySourceStats {
  source: string;
  /** The process's pid (process lines), else absent. */
  instance?: string;
  samples: number;
  ok: number;
  /** ok=false lines, skipped ticks included. */
  failed: number;
  /** Ticks skipped because the previous sample was still running. */
  skipped: number;
  lastError?: string;
  firstT?: number;
  lastT?: number;
  /** Labels of the last ok line (e.g. maxmemory_policy, query_source, command). */
  labels?: Record<string, string>;
}

export interface TelemetrySeriesStats {
  source: string;
  instance?: string;
  key: string;
  samples: number;
  min: number;
  mean: number;
  max: number;
  last: number;
}

export interface TelemetrySummary {
  sources: TelemetrySourceStats[];
  series: TelemetrySeriesStats[];
}

function instanceOf(line: TelemetryLine): string | undefined {
  if (line.labels?.pid) return line.labels.pid;
  if (line.source === "process" && line.labels?.port) return `port ${line.labels.port}`;
  return undefined;
}

export function summarizeTelemetry(lines: readonly TelemetryLine[], opts: { includeKey?: (source: string, key: string) => boolean } = {}): TelemetrySummary {
  const sources = new Map<string, TelemetrySourceStats>();
  const series = new Map<string, TelemetrySeriesStats & { sum: number }>();
  for (const line of lines) {
    const instance = instanceOf(line);
    const id = `${line.source}\u0000${instance ?? ""}`;
    let s = sources.get(id);
    if (!s) {
      s = { source: line.source, ...(instance !== undefined ? { instance } : {}), samples: 0, ok: 0, failed: 0, skipped: 0 };
      sources.set(id, s);
    }
    s.samples++;
    s.firstT = Math.min(s.firstT ?? line.t, line.t);
    s.lastT = Math.max(s.lastT ?? line.t, line.t);
    if (line.ok) {
      s.ok++;
      if (line.labels) s.labels = line.labels;
    } else {
      s.failed++;
      if (line.labels?.skipped === "true") s.skipped++;
      if (line.error) s.lastError = line.error;
    }
    for (const [key, v] of Object.entries(line.values)) {
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      if (opts.includeKey && !opts.includeKey(line.source, key)) continue;
      const sid = `${id}\u0000${key}`;
      const st = series.get(sid);
      if (!st) {
        series.set(sid, { source: line.source, ...(instance !== undefined ? { instance } : {}), key, samples: 1, min: v, mean: v, max: v, last: v, sum: v });
      } else {
        st.samples++;
        st.min = Math.min(st.min, v);
        st.max = Math.max(st.max, v);
        st.sum += v;
        st.mean = st.sum / st.samples;
        st.last = v;
      }
    }
  }
  // Series grouped by source (in the order sources first appeared), keys in first-seen order.
  const order = new Map([...sources.keys()].map((id, i) => [id, i]));
  const rank = (s: TelemetrySeriesStats): number => order.get(`${s.source}\u0000${s.instance ?? ""}`) ?? 0;
  return {
    sources: [...sources.values()],
    series: [...series.values()].map(({ sum: _sum, ...rest }) => rest).sort((a, b) => rank(a) - rank(b)),
  };
}

/** 1234 → "1234", 0.4567 → "0.457", 12345678 → "12.3M". */
export function formatCompact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e12) return `${(v / 1e12).toFixed(1)}T`;
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (Number.isInteger(v)) return String(v);
  return a >= 100 ? v.toFixed(1) : String(Number(v.toPrecision(3)));
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd()).join("\n");
}

export function formatTelemetryTable(summary: TelemetrySummary): string {
  const name = (source: string, instance?: string): string => (instance === undefined ? source : `${source} ${instance}`);
  const srcRows = [["source", "samples", "ok", "failed", "skipped", "note"]];
  for (const s of summary.sources) {
    const note = s.lastError ? `last error: ${s.lastError}` : s.labels?.command ? s.labels.command : s.labels?.query_source ? `query source: ${s.labels.query_source}` : s.labels?.maxmemory_policy ? `policy: ${s.labels.maxmemory_policy}` : "";
    srcRows.push([name(s.source, s.instance), String(s.samples), String(s.ok), String(s.failed), String(s.skipped), note.length > 100 ? note.slice(0, 99) + "…" : note]);
  }
  const out = [table(srcRows)];
  if (summary.series.length > 0) {
    const rows = [["source", "value", "min", "mean", "max", "last"]];
    for (const s of summary.series) {
      rows.push([name(s.source, s.instance), s.key, formatCompact(s.min), formatCompact(s.mean), formatCompact(s.max), formatCompact(s.last)]);
    }
    out.push(table(rows));
  }
  return out.join("\n\n") + "\n";
}
