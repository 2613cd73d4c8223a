// A Grafana dashboard (JSON model, importable as is) with the capacity plan's key panels: latency
// percentiles, request rate, error rate, CPU, memory, DB pool and connections, cache hit rate and
// event-loop lag, then headroom's own run metrics (live via `headroom run --out prometheus-rw=URL`).
// Each panel that has an alert uses the alert's PromQL and draws its warning and critical
// thresholds, so what the dashboard shows is what the alert watches.
import { MUEJAM_METRICS as M } from "../../core/app-metric-names.js";
import { DEFAULT_ALERT_THRESHOLDS, DEFAULT_SELECTOR, alertQueries, type AlertRulesOptions, type AlertThreshold } from "./alert-rules.js";

export interface GrafanaTarget {
  refId: string;
  expr: string;
  legendFormat: string;
  datasource: { type: "prometheus"; uid: string };
}

export interface GrafanaPanel {
  id: number;
  type: "timeseries";
  title: string;
  description: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: "prometheus"; uid: string };
  targets: GrafanaTarget[];
  fieldConfig: {
    defaults: {
      unit: string;
      min?: number;
      max?: number;
      thresholds: { mode: "absolute"; steps: { color: string; value: number | null }[] };
      custom: { thresholdsStyle: { mode: "off" | "line" | "dashed" } };
    };
    overrides: never[];
  };
  options: { legend: { displayMode: "list"; placement: "bottom"; showLegend: boolean }; tooltip: { mode: "multi"; sort: "none" } };
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: string;
  schemaVersion: number;
  version: number;
  editable: boolean;
  refresh: string;
  time: { from: string; to: string };
  templating: { list: { name: string; label: string; type: "datasource"; query: string; current: Record<string, never>; hide: number }[] };
  panels: GrafanaPanel[];
}

const DS = { type: "prometheus" as const, uid: "${datasource}" };

function thresholdSteps(t: AlertThreshold | undefined): GrafanaPanel["fieldConfig"]["defaults"]["thresholds"]["steps"] {
  if (!t) return [{ color: "green", value: null }];
  // Grafana colours from each step's value upwards; a "min" metric is bad below its bounds.
  return t.direction === "max"
    ? [{ color: "green", value: null }, { color: "orange", value: t.warning }, { color: "red", value: t.critical }]
    : [{ color: "red", value: null }, { color: "orange", value: t.critical }, { color: "green", value: t.warning }];
}

export function grafanaDashboard(o: Omit<AlertRulesOptions, "runbookBase"> & { title?: string; uid?: string }): GrafanaDashboard {
  const t = o.thresholds ?? DEFAULT_ALERT_THRESHOLDS;
  const q = alertQueries(o);
  const sel = o.selector ?? DEFAULT_SELECTOR;
  const api = `{${sel},route!~"/health.*"}`;
  let id = 0;
  type Range = { min?: number; max?: number };
  const panel = (title: string, description: string, unit: string, targets: [string, string][], threshold?: AlertThreshold, range?: Range): GrafanaPanel => {
    const i = id++;
    return {
      id: i + 1,
      type: "timeseries",
      title,
      description,
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      datasource: DS,
      targets: targets.map(([expr, legendFormat], k) => ({ refId: String.fromCharCode(65 + k), expr, legendFormat, datasource: DS })),
      fieldConfig: {
        defaults: { unit, ...(range ?? {}), thresholds: { mode: "absolute", steps: thresholdSteps(threshold) }, custom: { thresholdsStyle: { mode: threshold ? "dashed" : "off" } } },
        overrides: [],
      },
      options: { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "none" } },
    };
  };
  const quantile = (p: number) => `histogram_quantile(${p}, sum by (le) (rate(${M.httpRequestDuration}_bucket${api}[5m]))) * 1000`;
  const panels = [
    panel("Latency percentiles", `P50, P95, P99 of API requests (health checks excluded); alert on P95 at ${t.p95Latency.warning} / ${t.p95Latency.critical} ms`, "ms", [[quantile(0.5), "P50"], [q.p95Latency, "P95"], [quantile(0.99), "P99"]], t.p95Latency, { min: 0 }),
    panel("Requests per second", "API requests per second by status class; 429 is rate limiting (expected), not an error", "reqps", [[`sum(rate(${M.httpRequestDuration}_count${api}[5m]))`, "total"], ...(["2", "4", "5"].map((c) => [`sum(rate(${M.httpRequestDuration}_count{${sel},route!~"/health.*",status=~"${c}.."}[5m]))`, `${c}xx`] as [string, string]))]),
    panel("Error rate", `5xx responses, % of API requests; alert at ${t.errorRate.warning} / ${t.errorRate.critical} %`, "percent", [[q.errorRate, "5xx %"], [`sum(rate(${M.httpRequestDuration}_count{${sel},route!~"/health.*",status="429"}[5m])) / sum(rate(${M.httpRequestDuration}_count${api}[5m])) * 100`, "429 % (rate limited)"]], t.errorRate, { min: 0 }),
    panel("CPU per instance", `App CPU, % of the instance's usable cores (${o.coresPerInstance}); alert at ${t.cpu.warning} / ${t.cpu.critical} %, scale-up rule at 70 % for 5 min`, "percent", [[q.cpu, "{{instance}}"]], t.cpu, { min: 0 }),
    panel("Memory per instance", `App resident memory, % of ${Math.round(o.memoryBytesPerInstance / 2 ** 30)} GiB per instance; alert at ${t.memory.warning} / ${t.memory.critical} %`, "percent", [[q.memory, "{{instance}}"]], t.memory, { min: 0 }),
    panel("DB connections and pool", `App connections as % of max_connections (${o.maxConnections}); alert at ${t.dbConnections.warning} / ${t.dbConnections.critical} %. Waiting clients mean the pool is exhausted`, "percent", [[q.dbConnections, "connections % of max_connections"], [`sum by (pool) (${M.dbPoolTotal}{${sel}} - ${M.dbPoolIdle}{${sel}}) / sum by (pool) (${M.dbPoolMax}{${sel}}) * 100`, "pool in use % ({{pool}})"], [`sum by (pool) (${M.dbPoolWaiting}{${sel}})`, "waiting clients ({{pool}})"]], t.dbConnections, { min: 0 }),
    panel("Cache hit rate", `Cache hits / (hits + misses), 10-minute rate; alert below ${t.cacheHitRate.warning} / ${t.cacheHitRate.critical} %`, "percent", [[q.cacheHitRate, "hit rate %"], [`sum by (family) (rate(${M.cacheHits}{${sel}}[10m])) / (sum by (family) (rate(${M.cacheHits}{${sel}}[10m])) + sum by (family) (rate(${M.cacheMisses}{${sel}}[10m]))) * 100`, "{{family}}"]], t.cacheHitRate, { min: 0, max: 100 }),
    panel("Event-loop lag (P99)", "Node.js event-loop delay per instance: rising lag with flat CPU points at blocking work", "s", [[`max by (instance) (${M.eventLoopLagP99}{${sel}})`, "{{instance}}"]]),
    // headroom's own run, live, from `headroom run --out prometheus-rw=URL` (store/remote-write.ts).
    // The run's totals carry no `name` label: {name=""} selects them, {name!=""} the request names.
    panel("headroom run: requests and failures per second", "What the load generator sent and saw fail, second by second, per test (`headroom run --out prometheus-rw=URL`)", "reqps", [[`headroom_requests_per_second{name=""}`, "requests {{test}}"], [`headroom_failures_per_second{name=""}`, "failures {{test}}"]], undefined, { min: 0 }),
    panel("headroom run: latency per second", `P50, P95 and P99 of each second's requests as the generator measured them; the P95 alert's thresholds (${t.p95Latency.warning} / ${t.p95Latency.critical} ms) drawn in`, "ms", [[`headroom_latency_p50_ms{name=""}`, "P50 {{test}}"], [`headroom_latency_p95_ms{name=""}`, "P95 {{test}}"], [`headroom_latency_p99_ms{name=""}`, "P99 {{test}}"]], t.p95Latency, { min: 0 }),
    panel("headroom run: P95 per request name", "Each named request's P95 second by second: which endpoint slows first", "ms", [[`headroom_latency_p95_ms{name!=""}`, "{{name}}"]], t.p95Latency, { min: 0 }),
    panel("headroom run: virtual users and error rate", "Users (or connections) the run applied, and the share of its requests that failed since it started (%)", "short", [[`headroom_users`, "users {{test}}"], [`headroom_failures_total{name=""} / clamp_min(headroom_requests_total{name=""}, 1) * 100`, "errors % {{test}}"]], undefined, { min: 0 }),
  ];
  return {
    uid: o.uid ?? "muejam-capacity",
    title: o.title ?? "MueJam capacity",
    description: "Generated by `headroom alerts --format grafana`: the capacity plan's key metrics with the alert thresholds drawn in.",
    tags: ["muejam", "capacity", "headroom"],
    timezone: "browser",
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    templating: { list: [{ name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus", current: {}, hide: 0 }] },
    panels,
  };
}
