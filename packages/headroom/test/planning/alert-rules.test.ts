// The generated alert rules and dashboard: thresholds, structure, `promtool check rules`, and
// `promtool test rules` unit tests that feed synthetic series and check which alerts fire.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { MUEJAM_METRICS } from "../../src/core/app-metric-names.js";
import { DEFAULT_ALERT_THRESHOLDS, alertQueries, alertRules, alertThresholdsFromTargets, prometheusRulesYaml, type AlertRulesOptions } from "../../src/report/ops/alert-rules.js";
import { grafanaDashboard } from "../../src/report/ops/grafana-dashboard.js";

const PROMTOOL = "/usr/bin/promtool";
const hasPromtool = existsSync(PROMTOOL);
const skipPromtool = hasPromtool ? false : `promtool not found at ${PROMTOOL} (Debian package "prometheus"); the rules were not checked`;
const BACKEND_METRICS = new URL("../../../../apps/backend/src/metrics.ts", import.meta.url);

const opts: AlertRulesOptions = { coresPerInstance: 2, memoryBytesPerInstance: 4 * 2 ** 30, maxConnections: 100 };
const dir = mkdtempSync(join(tmpdir(), "headroom-alerts-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function promtool(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(PROMTOOL, args, { encoding: "utf8", cwd: dir, timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test("the seed's thresholds: a warning and a critical rule per alert", () => {
  const rules = alertRules(opts);
  assert.equal(rules.length, 12);
  const by = (name: string, severity: string) => rules.find((r) => r.alert === name && r.labels.severity === severity)!;
  assert.match(by("MueJamHighP95Latency", "warning").expr, /histogram_quantile\(0\.95, sum by \(le\) \(rate\(muejam_http_request_duration_seconds_bucket\{job="muejam-api",route!~"\/health\.\*"\}\[5m\]\)\)\) \* 1000 > 500$/);
  assert.match(by("MueJamHighP95Latency", "critical").expr, / > 1000$/);
  assert.match(by("MueJamHighErrorRate", "warning").expr, /status=~"5\.\."/);
  assert.match(by("MueJamHighErrorRate", "critical").expr, / > 5$/);
  assert.match(by("MueJamHighCpu", "warning").expr, /^sum by \(instance\) \(rate\(process_cpu_seconds_total\{job="muejam-api"\}\[5m\]\)\) \/ 2 \* 100 > 70$/);
  assert.match(by("MueJamHighCpu", "critical").expr, / > 85$/);
  assert.match(by("MueJamHighMemory", "warning").expr, new RegExp(`/ ${4 * 2 ** 30} \\* 100 > 80$`));
  assert.match(by("MueJamHighMemory", "critical").expr, / > 90$/);
  assert.match(by("MueJamDbConnectionsHigh", "warning").expr, /^sum\(muejam_db_pool_total_connections\{job="muejam-api",pool="primary"\}\) \/ 100 \* 100 > 70$/);
  assert.match(by("MueJamDbConnectionsHigh", "critical").expr, / > 85$/);
  assert.match(by("MueJamCacheHitRateLow", "warning").expr, / < 80$/);
  assert.match(by("MueJamCacheHitRateLow", "critical").expr, / < 60$/);
  for (const r of rules) {
    assert.match(r.for, /^\d+m$/);
    assert.match(r.annotations.runbook_url!, /^docs\/operations\/runbooks\/[a-z-]+\.md$/);
    assert.ok(r.annotations.summary && r.annotations.description);
  }
});

test("a targets file overrides the metrics it sets (warning = target, critical = acceptable)", () => {
  const t = alertThresholdsFromTargets({ levels: { peak: { p95Ms: { target: 300, acceptable: 800 }, cacheHitPct: { target: 70, acceptable: 70 }, appCpuPct: { target: 65, acceptable: 65, unacceptable: 90 } } } }, "peak", "t.json");
  assert.deepEqual([t.p95Latency.warning, t.p95Latency.critical], [300, 800]);
  assert.equal(t.p95Latency.source, "t.json levels.peak.p95Ms");
  assert.deepEqual([t.cpu.warning, t.cpu.critical], [65, 90]);
  assert.deepEqual(t.errorRate, DEFAULT_ALERT_THRESHOLDS.errorRate);
  // Equal bounds: one (critical) rule.
  const cache = alertRules({ ...opts, thresholds: t }).filter((r) => r.alert === "MueJamCacheHitRateLow");
  assert.deepEqual(cache.map((r) => [r.labels.severity, r.expr.slice(-4)]), [["critical", "< 70"]]);
  // Another level of the file leaves the seed's values.
  assert.deepEqual(alertThresholdsFromTargets({ levels: { peak: { p95Ms: { target: 300, acceptable: 800 } } } }, "normal", "t.json"), DEFAULT_ALERT_THRESHOLDS);
});

test("promtool check rules accepts the generated file", { skip: skipPromtool }, () => {
  const file = join(dir, "rules.yml");
  writeFileSync(file, prometheusRulesYaml({ ...opts, header: ["test"] }));
  const r = promtool(["check", "rules", file]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /SUCCESS: 12 rules found/);
});

test("promtool test rules: the alerts fire on synthetic series exactly where the thresholds say", { skip: skipPromtool }, () => {
  writeFileSync(join(dir, "rules.yml"), prometheusRulesYaml(opts));
  const rules = alertRules(opts);
  const ann = (name: string, severity: string, value: string, instance?: string) => {
    const a = rules.find((r) => r.alert === name && r.labels.severity === severity)!.annotations;
    const fill = (s: string) => s.replace('{{ $value | printf "%.1f" }}', value).replace("{{ $labels.instance }}", instance ?? "");
    return { summary: fill(a.summary!), description: fill(a.description!), runbook_url: a.runbook_url! };
  };
  const exp = (name: string, severity: string, value: string, instance?: string) => ({ exp_labels: { severity, team: "platform", ...(instance ? { instance } : {}) }, exp_annotations: ann(name, severity, value, instance) });
  const J = "job=\"muejam-api\"";
  const tests = {
    rule_files: ["rules.yml"],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: [
          // CPU: instance a burns 1.5 cores of 2 (75 %: warning), b 1.8 cores (90 %: warning and critical).
          { series: `${MUEJAM_METRICS.processCpu}{${J},instance="a"}`, values: "0+90x40" },
          { series: `${MUEJAM_METRICS.processCpu}{${J},instance="b"}`, values: "0+108x40" },
          // Latency: per minute 60 requests <= 0.5 s and 60 more <= 1 s: P95 = 0.5 + (114 - 60) / 60 x 0.5 = 0.95 s.
          { series: `${MUEJAM_METRICS.httpRequestDuration}_bucket{${J},route="/api/x",le="0.5"}`, values: "0+60x40" },
          { series: `${MUEJAM_METRICS.httpRequestDuration}_bucket{${J},route="/api/x",le="1"}`, values: "0+120x40" },
          { series: `${MUEJAM_METRICS.httpRequestDuration}_bucket{${J},route="/api/x",le="+Inf"}`, values: "0+120x40" },
          // Health checks are slow but excluded.
          { series: `${MUEJAM_METRICS.httpRequestDuration}_bucket{${J},route="/health",le="+Inf"}`, values: "0+600x40" },
          // Errors: 0.5 % 5xx (below 1 %): no alert.
          { series: `${MUEJAM_METRICS.httpRequestDuration}_count{${J},route="/api/x",status="200"}`, values: "0+995x40" },
          { series: `${MUEJAM_METRICS.httpRequestDuration}_count{${J},route="/api/x",status="500"}`, values: "0+5x40" },
          // DB: 90 connections open of max_connections 100: warning and critical.
          { series: `${MUEJAM_METRICS.dbPoolTotal}{${J},pool="primary"}`, values: "90x40" },
          // Cache: 75 % hits: below 80 (warning), above 60.
          { series: `${MUEJAM_METRICS.cacheHits}{${J},family="story"}`, values: "0+75x40" },
          { series: `${MUEJAM_METRICS.cacheMisses}{${J},family="story"}`, values: "0+25x40" },
          // Memory: 3 GiB of 4 (75 %): no alert.
          { series: `${MUEJAM_METRICS.processResidentMemory}{${J},instance="a"}`, values: `${3 * 2 ** 30}x40` },
        ],
        alert_rule_test: [
          { eval_time: "30m", alertname: "MueJamHighCpu", exp_alerts: [exp("MueJamHighCpu", "warning", "75.0", "a"), exp("MueJamHighCpu", "warning", "90.0", "b"), exp("MueJamHighCpu", "critical", "90.0", "b")] },
          { eval_time: "30m", alertname: "MueJamHighP95Latency", exp_alerts: [exp("MueJamHighP95Latency", "warning", "950.0")] },
          { eval_time: "30m", alertname: "MueJamHighErrorRate", exp_alerts: [] },
          { eval_time: "30m", alertname: "MueJamDbConnectionsHigh", exp_alerts: [exp("MueJamDbConnectionsHigh", "warning", "90.0"), exp("MueJamDbConnectionsHigh", "critical", "90.0")] },
          { eval_time: "30m", alertname: "MueJamCacheHitRateLow", exp_alerts: [exp("MueJamCacheHitRateLow", "warning", "75.0")] },
          { eval_time: "30m", alertname: "MueJamHighMemory", exp_alerts: [] },
          // `for:` holds: 4 minutes in, nothing has fired yet.
          { eval_time: "4m", alertname: "MueJamHighCpu", exp_alerts: [] },
        ],
      },
    ],
  };
  // JSON is valid YAML.
  writeFileSync(join(dir, "rules.test.yml"), JSON.stringify(tests, null, 2));
  const r = promtool(["test", "rules", "rules.test.yml"]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /SUCCESS/);
});

test("dashboard: the key panels, the alerts' queries and thresholds, valid PromQL", { skip: skipPromtool }, () => {
  const d = grafanaDashboard(opts);
  assert.deepEqual(d.panels.map((p) => p.title), ["Latency percentiles", "Requests per second", "Error rate", "CPU per instance", "Memory per instance", "DB connections and pool", "Cache hit rate", "Event-loop lag (P99)", "headroom run: requests and failures per second", "headroom run: latency per second", "headroom run: P95 per request name", "headroom run: virtual users and error rate"]);
  const q = alertQueries(opts);
  const panel = (title: string) => d.panels.find((p) => p.title === title)!;
  assert.ok(panel("Latency percentiles").targets.some((t) => t.expr === q.p95Latency));
  assert.deepEqual(panel("Latency percentiles").fieldConfig.defaults.thresholds.steps.map((s) => s.value), [null, 500, 1000]);
  assert.deepEqual(panel("Cache hit rate").fieldConfig.defaults.thresholds.steps, [{ color: "red", value: null }, { color: "orange", value: 60 }, { color: "green", value: 80 }]);
  assert.ok(panel("CPU per instance").targets.some((t) => t.expr === q.cpu));
  assert.equal(new Set(d.panels.map((p) => p.id)).size, d.panels.length);
  assert.equal(d.templating.list[0]!.type, "datasource");
  // Every panel query parses: wrap them as recording rules and let promtool check them.
  const exprs = d.panels.flatMap((p) => p.targets.map((t) => t.expr));
  const yaml = ["groups:", "  - name: panels", "    rules:", ...exprs.flatMap((e, i) => [`      - record: panel_query_${i}`, `        expr: ${JSON.stringify(e)}`])].join("\n") + "\n";
  writeFileSync(join(dir, "panels.yml"), yaml);
  const r = promtool(["check", "rules", "panels.yml"]);
  assert.equal(r.status, 0, r.out);
});

test("the metric names match the MueJam API's (apps/backend/src/metrics.ts)", { skip: existsSync(BACKEND_METRICS) ? false : "apps/backend/src/metrics.ts not present" }, async () => {
  const { METRIC } = (await import(BACKEND_METRICS.href)) as { METRIC: Record<string, string> };
  for (const [key, name] of Object.entries(MUEJAM_METRICS)) assert.equal(METRIC[key], name, `MUEJAM_METRICS.${key}`);
});
