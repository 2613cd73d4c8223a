// Prometheus alerting rules for the seed's alert thresholds (capacity-planning.md, "Alert
// Thresholds"), written against the MueJam API's metric names. Each alert has a warning and a
// critical rule with a `for:` duration, a severity label and summary / description / runbook_url
// annotations. Thresholds default to the seed's table; a targets file overrides the metrics it sets
// (warning = its target bound, critical = its acceptable bound). The PromQL is shared with the
// Grafana dashboard, so a panel shows exactly what its alert watches.
import type { TargetMetric } from "../../analysis/types.js";
import type { LevelTargetsFile, TargetsFile } from "../../plan/targets.js";
import { MUEJAM_METRICS as M } from "../../core/app-metric-names.js";
import type { LoadLevel } from "../../core/types.js";

export type AlertKey = "p95Latency" | "errorRate" | "cpu" | "memory" | "dbConnections" | "cacheHitRate";

export interface AlertThreshold {
  /** "max": alert when the value rises above; "min": when it falls below. */
  direction: "max" | "min";
  warning: number;
  critical: number;
  unit: "ms" | "%";
  /** Where the numbers came from. */
  source: string;
}

export type AlertThresholds = Record<AlertKey, AlertThreshold>;

const SEED = "the capacity plan template's alert table (capacity-planning.md)";

/** The seed's "Alert Thresholds" table. */
export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  p95Latency: { direction: "max", warning: 500, critical: 1000, unit: "ms", source: SEED },
  errorRate: { direction: "max", warning: 1, critical: 5, unit: "%", source: SEED },
  cpu: { direction: "max", warning: 70, critical: 85, unit: "%", source: SEED },
  memory: { direction: "max", warning: 80, critical: 90, unit: "%", source: SEED },
  dbConnections: { direction: "max", warning: 70, critical: 85, unit: "%", source: SEED },
  cacheHitRate: { direction: "min", warning: 80, critical: 60, unit: "%", source: SEED },
};

/** Which target metric sets which alert (the first one the file sets wins). */
const FROM_TARGETS: Record<AlertKey, TargetMetric[]> = {
  p95Latency: ["p95Ms"],
  errorRate: ["errorPct"],
  cpu: ["appCpuPct", "cpuPct"],
  memory: ["appMemoryPct", "memoryPct"],
  dbConnections: ["dbConnectionsPct"],
  cacheHitRate: ["cacheHitPct"],
};

/**
 * Thresholds from a targets file (as written by the user, before defaults are merged): for each
 * alert whose metric the file sets at `level`, warning = target and critical = acceptable (or
 * unacceptable when acceptable equals target). Alerts the file does not set keep the seed's values.
 */
export function alertThresholdsFromTargets(
  file: TargetsFile,
  level: LoadLevel,
  source: string,
  base: AlertThresholds = DEFAULT_ALERT_THRESHOLDS,
): AlertThresholds {
  const levelFile: LevelTargetsFile = file.levels[level] ?? {};
  const out = { ...base };
  for (const key of Object.keys(FROM_TARGETS) as AlertKey[]) {
    const metric = FROM_TARGETS[key].find((m) => levelFile[m]);
    const b = metric ? levelFile[metric] : undefined;
    if (!metric || !b) continue;
    const critical = b.acceptable !== b.target ? b.acceptable : (b.unacceptable ?? b.acceptable);
    out[key] = { ...base[key], warning: b.target, critical, source: `${source} levels.${level}.${metric}` };
  }
  return out;
}

export interface AlertRulesOptions {
  thresholds?: AlertThresholds;
  /** Label matchers selecting the API's series, e.g. `job="muejam-api"`. */
  selector?: string;
  /** Cores one instance can use (CPU % = CPU seconds per second / cores x 100). */
  coresPerInstance: number;
  /** Memory of one instance (memory % = RSS / this x 100). */
  memoryBytesPerInstance: number;
  /** PostgreSQL max_connections (connections % = open app connections / this x 100). */
  maxConnections: number;
  /** Where runbooks live (docs/operations/runbooks or a URL of the same folder). */
  runbookBase?: string;
}

export const DEFAULT_SELECTOR = 'job="muejam-api"';
export const DEFAULT_RUNBOOK_BASE = "docs/operations/runbooks";

const withSel = (selector: string, extra?: string): string => `{${[selector, extra].filter(Boolean).join(",")}}`;

/** The PromQL of each watched value, in the alert's unit (ms or %). */
export function alertQueries(o: Pick<AlertRulesOptions, "selector" | "coresPerInstance" | "memoryBytesPerInstance" | "maxConnections">): Record<AlertKey, string> {
  const sel = o.selector ?? DEFAULT_SELECTOR;
  const api = withSel(sel, 'route!~"/health.*"');
  const primary = withSel(sel, 'pool="primary"');
  return {
    p95Latency: `histogram_quantile(0.95, sum by (le) (rate(${M.httpRequestDuration}_bucket${api}[5m]))) * 1000`,
    errorRate: `sum(rate(${M.httpRequestDuration}_count${withSel(sel, 'route!~"/health.*",status=~"5.."')}[5m])) / sum(rate(${M.httpRequestDuration}_count${api}[5m])) * 100`,
    cpu: `sum by (instance) (rate(${M.processCpu}${withSel(sel)}[5m])) / ${o.coresPerInstance} * 100`,
    memory: `sum by (instance) (${M.processResidentMemory}${withSel(sel)}) / ${o.memoryBytesPerInstance} * 100`,
    dbConnections: `sum(${M.dbPoolTotal}${primary}) / ${o.maxConnections} * 100`,
    cacheHitRate: `sum(rate(${M.cacheHits}${withSel(sel)}[10m])) / (sum(rate(${M.cacheHits}${withSel(sel)}[10m])) + sum(rate(${M.cacheMisses}${withSel(sel)}[10m]))) * 100`,
  };
}

interface AlertSpec {
  name: string;
  what: string;
  /** Minutes the condition must hold: warning, critical. */
  forMin: [number, number];
  runbook: string;
  fix: string;
}

const SPECS: Record<AlertKey, AlertSpec> = {
  p95Latency: { name: "MueJamHighP95Latency", what: "P95 latency", forMin: [5, 5], runbook: "performance-degradation.md", fix: "check the dashboard's DB pool, CPU and cache panels; `headroom analyze` a reproduction to rank the bottleneck" },
  errorRate: { name: "MueJamHighErrorRate", what: "5xx error rate", forMin: [5, 2], runbook: "performance-degradation.md", fix: "look at the failing routes and the DB/Redis health; 429s are rate limiting and are not counted" },
  cpu: { name: "MueJamHighCpu", what: "app CPU per instance", forMin: [10, 5], runbook: "capacity-exceeded.md", fix: "scale out (+1 instance at 70 % for 5 min is the step rule); check the connection budget first" },
  memory: { name: "MueJamHighMemory", what: "app memory per instance", forMin: [10, 5], runbook: "capacity-exceeded.md", fix: "check for a leak (sustained test's memory trend); restart or scale out" },
  dbConnections: { name: "MueJamDbConnectionsHigh", what: "PostgreSQL connections used by the app (of max_connections)", forMin: [5, 2], runbook: "capacity-exceeded.md", fix: "instances x pool is close to max_connections: put pgbouncer (transaction mode) in front before adding instances" },
  cacheHitRate: { name: "MueJamCacheHitRateLow", what: "cache hit rate", forMin: [15, 10], runbook: "performance-degradation.md", fix: "check Redis memory and evictions (allkeys-lru) and recent invalidations; grow the cache node if evictions exceed 1 %" },
};

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function fmtThreshold(v: number, unit: "ms" | "%"): string {
  return unit === "ms" ? `${v} ms` : `${v} %`;
}

/** The rules as data: for each alert a warning and a critical rule (one rule when both bounds are equal). */
export function alertRules(o: AlertRulesOptions): AlertRule[] {
  const t = o.thresholds ?? DEFAULT_ALERT_THRESHOLDS;
  const q = alertQueries(o);
  const base = (o.runbookBase ?? DEFAULT_RUNBOOK_BASE).replace(/\/+$/, "");
  const rules: AlertRule[] = [];
  for (const key of Object.keys(SPECS) as AlertKey[]) {
    const s = SPECS[key];
    const th = t[key];
    const op = th.direction === "max" ? ">" : "<";
    const word = th.direction === "max" ? "above" : "below";
    const levels: ["warning" | "critical", number, number][] = th.warning === th.critical ? [["critical", th.critical, s.forMin[1]]] : [["warning", th.warning, s.forMin[0]], ["critical", th.critical, s.forMin[1]]];
    for (const [severity, value, forMin] of levels) {
      rules.push({
        alert: s.name,
        expr: `${q[key]} ${op} ${value}`,
        for: `${forMin}m`,
        labels: { severity, team: "platform" },
        annotations: {
          summary: `MueJam ${s.what} ${word} ${fmtThreshold(value, th.unit)}${key === "cpu" || key === "memory" ? " on {{ $labels.instance }}" : ""}`,
          description: `${s.what} is {{ $value | printf "%.1f" }}${th.unit === "ms" ? " ms" : " %"}, ${word} the ${severity} threshold of ${fmtThreshold(value, th.unit)} for ${forMin} minutes (thresholds: ${th.source}). ${s.fix[0]!.toUpperCase()}${s.fix.slice(1)}.`,
          runbook_url: `${base}/${s.runbook}`,
        },
      });
    }
  }
  return rules;
}

/** A double-quoted YAML scalar (JSON string syntax is valid YAML). */
const q = (s: string): string => JSON.stringify(s);

/** The rules file Prometheus loads (`rule_files:`), checked by `promtool check rules`. */
export function prometheusRulesYaml(o: AlertRulesOptions & { groupName?: string; header?: string[] }): string {
  const lines: string[] = [];
  for (const h of o.header ?? []) lines.push(`# ${h}`);
  lines.push("groups:", `  - name: ${q(o.groupName ?? "muejam-capacity")}`, "    rules:");
  for (const r of alertRules(o)) {
    lines.push(`      - alert: ${r.alert}`, `        expr: ${q(r.expr)}`, `        for: ${r.for}`, "        labels:");
    for (const [k, v] of Object.entries(r.labels)) lines.push(`          ${k}: ${q(v)}`);
    lines.push("        annotations:");
    for (const [k, v] of Object.entries(r.annotations)) lines.push(`          ${k}: ${q(v)}`);
  }
  return lines.join("\n") + "\n";
}
