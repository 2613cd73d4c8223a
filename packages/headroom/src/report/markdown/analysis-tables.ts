// The parts of a test's document drawn from its analysis alone: resources, error rate per third,
// stability verdicts, cache, recovery and bottlenecks (test-result.ts puts them in order).
import type { RunAnalysis } from "../../analysis/types.js";
import { formatBytes, formatDuration, formatInt, formatMs, formatNumber, formatPct } from "../format.js";
import { mdTable, orNotMeasured } from "./markdown.js";
import { VERDICT_MARK } from "../verdict-text.js";

export const NOT_ANALYSED = "not measured: no analysis was made for this run (render it through `headroom analyze` or `headroom plan`)";

const ms = (v: number): string => `${formatMs(v)} ms`;

function fmtUnit(v: number, unit: string): string {
  if (unit === "bytes") return formatBytes(v);
  if (unit === "bytes/s") return `${formatBytes(v)}/s`;
  return `${formatNumber(v, 4)}${unit === "%" ? "%" : unit ? ` ${unit}` : ""}`;
}

export function resourceTable(a: RunAnalysis | undefined): string {
  if (!a) return NOT_ANALYSED;
  if (a.resources.length === 0) return "not measured: no telemetry was recorded during this run";
  return mdTable(
    ["Component", "Metric", "Min", "Avg", "Max", "Samples", "Source"],
    a.resources.map((r) => {
      if (r.min === undefined || r.avg === undefined || r.max === undefined) {
        const note = r.note ?? "no sample carried it";
        return [r.component, r.label, note.startsWith("not measured") ? note : `not measured: ${note}`, "—", "—", formatInt(r.samples), r.source];
      }
      return [r.component, r.label, fmtUnit(r.min, r.unit), fmtUnit(r.avg, r.unit), fmtUnit(r.max, r.unit), formatInt(r.samples), r.source];
    }),
    ["left", "left", "right", "right", "right", "right", "left"],
  );
}

export function errorThirdsTable(a: RunAnalysis | undefined): string {
  if (!a) return NOT_ANALYSED;
  if (a.errorThirds.length === 0) return "not measured: the run was too short to split into thirds";
  return mdTable(
    ["Third", "Window", "Requests", "Failures", "Error rate", "Verdict"],
    a.errorThirds.map((t) => [String(t.index), `${formatDuration(t.startSec)} to ${formatDuration(t.endSec)}`, formatInt(t.requests), formatInt(t.failures), `${formatPct(t.errorPct)}%`, VERDICT_MARK[t.verdict]]),
    ["left", "left", "right", "right", "right", "left"],
  );
}

export function stabilitySection(a: RunAnalysis | undefined): string {
  if (!a) return NOT_ANALYSED;
  const leaks = a.leaks.length
    ? mdTable(
        ["Metric", "Verdict", "First", "Last", "Fitted change", "Slope / min", "p (slope)", "p (Mann-Kendall)", "Reason"],
        a.leaks.map((l) => [
          l.label,
          l.verdict,
          l.first !== undefined ? fmtUnit(l.first, l.unit) : "—",
          l.last !== undefined ? fmtUnit(l.last, l.unit) : "—",
          l.trend ? fmtUnit(l.trend.fittedChange, l.unit) : "—",
          l.trend ? fmtUnit(l.trend.slopePerMin, l.unit) : "—",
          l.trend ? formatNumber(l.trend.pValue, 2) : "—",
          l.trend ? formatNumber(l.trend.mannKendall.pValue, 2) : "—",
          l.reason,
        ]),
      )
    : "not measured: no telemetry reading to test for growth";
  const p = a.pool;
  const pool = [
    `- **Verdict**: ${p.verdict}: ${p.reason}`,
    `- **Pool size**: ${orNotMeasured(p.size, (v) => formatInt(v), "the pool size is not exposed by the app's metrics")}`,
    `- **In use**: max ${orNotMeasured(p.maxInUse, (v) => formatInt(v), "no pool telemetry")}, average ${orNotMeasured(p.avgInUse, (v) => formatNumber(v, 3), "no pool telemetry")}`,
    `- **Utilisation**: max ${orNotMeasured(p.maxUtilPct, (v) => `${formatPct(v)}%`, "pool size or usage unknown")}, average ${orNotMeasured(p.avgUtilPct, (v) => `${formatPct(v)}%`, "pool size or usage unknown")}`,
    `- **Waiting clients**: max ${orNotMeasured(p.maxWaiting, (v) => formatInt(v), "the app does not expose waiting clients")}${p.waitingSamplePct !== undefined ? `, in ${formatPct(p.waitingSamplePct)}% of samples` : ""}`,
    `- **Source**: ${p.source}`,
  ].join("\n");
  return `### Memory growth and leak verdicts\n\n${leaks}\n\n### Connection pool stability\n\n${pool}`;
}

export function cacheSection(a: RunAnalysis | undefined): string {
  if (!a) return NOT_ANALYSED;
  const c = a.cache;
  return [
    `- **Verdict**: ${VERDICT_MARK[c.verdict]}: ${c.reason}`,
    `- **Hit rate**: ${orNotMeasured(c.hitPct, (v) => `${formatPct(v)}%`, "no cache telemetry")}; miss rate ${orNotMeasured(c.missPct, (v) => `${formatPct(v)}%`, "no cache telemetry")}`,
    `- **Latency of hits vs misses**: ${orNotMeasured(c.hitLatencyMs, ms, "the app does not label request durations by cache outcome")} vs ${orNotMeasured(c.missLatencyMs, ms, "the app does not label request durations by cache outcome")}${c.latencySource ? ` (${c.latencySource})` : ""}`,
    `- **Evictions**: max ${orNotMeasured(c.maxEvictedPerSec, (v) => `${formatNumber(v, 3)} keys/s`, "no cache telemetry")}; memory max ${orNotMeasured(c.maxMemoryPct, (v) => `${formatPct(v)}%`, "no maxmemory set or no cache telemetry")}; policy ${c.policy ?? "not measured: no cache telemetry"}`,
    `- **Source**: ${c.source}`,
  ].join("\n");
}

export function recoverySection(a: RunAnalysis | undefined): string {
  if (!a) return NOT_ANALYSED;
  const r = a.recovery;
  const time = r.recoverySec !== undefined ? ` in ${formatDuration(r.recoverySec)}` : "";
  return `- **Recovery after load removal**: ${r.status}${time}: ${r.reason} (recovered = P95 < ${formatMs(r.criteria.p95Ms)} ms and errors < ${formatPct(r.criteria.errorPct)}%)`;
}

export function bottleneckList(a: RunAnalysis | undefined): string {
  if (!a) return NOT_ANALYSED;
  if (a.bottlenecks.length === 0) return "No bottleneck found: no component showed saturation in this run's telemetry.";
  return a.bottlenecks
    .map((b, i) => {
      const ev = b.evidence.map((e) => `${e.what} ${typeof e.value === "number" ? formatNumber(e.value, 4) : e.value}${e.unit ? ` ${e.unit}` : ""} (${e.source})`).join("; ");
      return `${i + 1}. **${b.rank[0]!.toUpperCase()}${b.rank.slice(1)}: ${b.componentLabel}**\n   - Symptom: ${b.symptom}\n   - Evidence: ${ev || "—"}\n   - Limit: ${b.limit}\n   - Impact: ${b.impact}\n   - Recommendation: ${b.recommendation}`;
    })
    .join("\n");
}
