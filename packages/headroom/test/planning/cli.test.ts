// `headroom scale` and `headroom alerts` in-process, as a user would run them: on a run directory
// written to disk, on a capacity file, with figures on the command line, and with mistakes.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { syntheticRun } from "./fixtures.js";

const root = mkdtempSync(join(tmpdir(), "headroom-scale-cli-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes the synthetic run as a run directory (manifest, intervals, telemetry). */
function writeRun(dir: string): void {
  const run = syntheticRun(dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ storeVersion: 1, id: "synthetic", status: "completed", startedAt: new Date(0).toISOString(), ...run.manifest }));
  writeFileSync(join(dir, "intervals.ndjson"), run.intervals.map((l) => JSON.stringify(l)).join("\n") + "\n");
  writeFileSync(join(dir, "telemetry.ndjson"), run.telemetry.map((l) => JSON.stringify(l)).join("\n") + "\n");
}

async function cli(args: string[], cwd = root): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({}, cwd);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

const runDir = join(root, "runs", "r1");
writeRun(runDir);

test("scale simulate --run: measured capacity, both policies, chart and connection budget", async () => {
  const r = await cli(["scale", "simulate", "--run", runDir, "--period", "6 months"]);
  assert.equal(r.code, 0, r.err);
  // 5 core-ms per request measured; 50 users gave 1.4 req/s each; 6 months = 50000 x 0.045 = 2250 users.
  assert.match(r.out, /one day of "6 months": 50,000 x 0\.045 = 2,250 peak users; 2,250 x 1\.4 = 3,150 req\/s/);
  assert.match(r.out, /5 core-ms per request/);
  assert.match(r.out, /== Step policy: \+1 when CPU > 70 % for 5 min/);
  assert.match(r.out, /== Target tracking: target CPU 60 %/);
  assert.match(r.out, /instance-hours/);
  assert.match(r.out, /\n *\d+ \|█/);
  assert.match(r.out, /Connection budget at the peak of \d+ instances/);
});

test("scale simulate --json carries the replay per policy and the connection budget", async () => {
  const r = await cli(["scale", "simulate", "--run", runDir, "--policy", "step", "--peak-rps", "600", "--json"]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(Object.keys(j.results), ["step"]);
  assert.equal(j.results.step.minutes.length, 1440);
  assert.equal(Math.max(...j.curve.rpsPerMinute), 600);
  assert.equal(j.connectionBudget.available.value, 92);
  assert.equal(j.inputs.cpuMsPerRequest, 5);
});

test("scale simulate --curve run replays the measured minutes", async () => {
  const r = await cli(["scale", "simulate", "--run", runDir, "--curve", "run", "--policy", "target", "--json"]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.curve.rpsPerMinute, [65]);
  assert.equal(j.results.target.minutes[0].instances, 2);
});

test("scale simulate finds the newest run under ./runs when none is named, and says so", async () => {
  const r = await cli(["scale", "simulate", "--policy", "step"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /note: capacity measured from the newest run with process telemetry, .*r1/);
});

test("scale simulate without any measured capacity explains what to give", async () => {
  const empty = mkdtempSync(join(root, "empty-"));
  const r = await cli(["scale", "simulate"], empty);
  assert.equal(r.code, 2);
  assert.match(r.err, /error\[HR_MISSING_ARGUMENT\]: no measured capacity/);
  assert.match(r.err, /hint: .*headroom plan.*--run runs\/plan-<id>\/baseline.*--cpu-ms-per-request/);
  // The hint once told users to pass `headroom run --telemetry-port`, a flag run does not have.
  assert.doesNotMatch(r.err, /--telemetry-port/);
  const figures = await cli(["scale", "simulate", "--cpu-ms-per-request", "4", "--slo-rps-per-instance", "300", "--rps-per-user", "0.3", "--policy", "step"], empty);
  assert.equal(figures.code, 0, figures.err);
  assert.match(figures.out, /1,200 req\/s at the peak hour/);
});

test("scale simulate: mistakes name the value and the fix", async () => {
  const bad = await cli(["scale", "simulate", "--run", runDir, "--policy", "fast"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--policy "fast" is not a policy; expected step, target or both/);
  const num = await cli(["scale", "simulate", "--cpu-ms-per-request", "four"]);
  assert.equal(num.code, 2);
  assert.match(num.err, /HR_BAD_NUMBER.*--cpu-ms-per-request "four"/);
  const period = await cli(["scale", "simulate", "--run", runDir, "--period", "2 years"]);
  assert.match(period.err, /--period "2 years" is not a growth period.*\n.*"Launch", "3 months", "6 months", "1 year"/);
  const noCpu = await cli(["scale", "simulate", "--rps-per-user", "0.3"]);
  assert.equal(noCpu.code, 3);
  assert.match(noCpu.err, /CPU per request was not measured/);
  writeFileSync(join(root, "infra-bad.json"), JSON.stringify({ app: { maxInstances: 0 } }));
  const infra = await cli(["scale", "simulate", "infra-bad.json", "--run", runDir]);
  assert.equal(infra.code, 3);
  assert.match(infra.err, /infrastructure model infra-bad\.json .* is invalid: app\.maxInstances/);
  const missing = await cli(["scale", "simulate", "--infra", "nope.json", "--run", runDir]);
  assert.equal(missing.code, 3);
  assert.match(missing.err, /"\S*nope\.json" does not exist/);
});

test("scale plan: growth and cost tables with formulas, from a capacity file and an infra override", async () => {
  writeFileSync(join(root, "capacity.json"), JSON.stringify({ comfortableRpsPerInstance: 200, maxRpsPerInstance: 300, rpsPerActiveUser: 0.3, readShare: 0.8, dbQueriesPerRequest: 2 }));
  writeFileSync(join(root, "infra.json"), JSON.stringify({ app: { maxInstances: 5 } }));
  const r = await cli(["scale", "plan", "infra.json", "--capacity", "capacity.json"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /User growth/);
  assert.match(r.out, /1 year +100,000 +4,000 +1,200 +6 x c6i\.large \(above max 5\)/);
  assert.match(r.out, /Launch +\$425\.96/);
  assert.match(r.out, /When the current setup runs out .*: month 6: DB connections without pgbouncer/);
  // A flat day keeps the app tier at its peak count: the by-hand sums of growth.test.ts.
  writeFileSync(join(root, "infra-flat.json"), JSON.stringify({ traffic: { dailyShape: Array.from({ length: 24 }, () => 1) } }));
  const j = JSON.parse((await cli(["scale", "plan", "--infra", "infra-flat.json", "--capacity", "capacity.json", "--json"])).out);
  assert.deepEqual(j.growth.costs.map((c: { monthly: { value: number } }) => c.monthly.value), [425.96, 425.96, 562.32, 686.42]);
  const bad = await cli(["scale", "plan", "--capacity", "infra.json"]);
  assert.equal(bad.code, 3);
  assert.match(bad.err, /HR_INPUT_INVALID.*capacity inputs infra\.json are invalid: \(top level\): Unrecognized key/);
});

test("alerts: prints Prometheus rules, writes them with --out, takes thresholds from a targets file", async () => {
  const r = await cli(["alerts"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^# Prometheus alerting rules/);
  assert.equal((r.out.match(/- alert: /g) ?? []).length, 12);
  const w = await cli(["alerts", "--format", "prometheus", "--out", "rules.yml", "--job", "api-prod"]);
  assert.equal(w.code, 0, w.err);
  assert.match(w.out, /wrote 12 alerting rules to rules\.yml/);
  assert.match(readFileSync(join(root, "rules.yml"), "utf8"), /job=\\"api-prod\\"/);
  writeFileSync(join(root, "targets.json"), JSON.stringify({ levels: { peak: { p95Ms: { target: 300, acceptable: 800 } } } }));
  const t = await cli(["alerts", "--targets", "targets.json"]);
  assert.match(t.out, /\* 1000 > 300"/);
  assert.match(t.out, /\* 1000 > 800"/);
  assert.match(t.out, /Thresholds: the capacity plan template's alert table, overridden by targets\.json \(level peak\)/);
});

test("alerts --format grafana writes a dashboard; mistakes are explained", async () => {
  const g = await cli(["alerts", "--format", "grafana", "--out", "dash.json"]);
  assert.equal(g.code, 0, g.err);
  assert.ok(existsSync(join(root, "dash.json")));
  const d = JSON.parse(readFileSync(join(root, "dash.json"), "utf8"));
  assert.equal(d.panels.length, 12);
  const bad = await cli(["alerts", "--format", "yaml"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--format "yaml" is not a format; expected prometheus or grafana/);
  const level = await cli(["alerts", "--level", "extreme"]);
  assert.match(level.err, /--level "extreme" is not a load level/);
  const sel = await cli(["alerts", "--selector", "{job=x}"]);
  assert.match(sel.err, /--selector .* is not a list of Prometheus label matchers/);
  const targets = await cli(["alerts", "--targets", "missing.json"]);
  assert.equal(targets.code, 3);
});
