// The plan's main job as a library, without the CLI: a Target written here (a tiny HTTP server on
// 127.0.0.1, started by start() and closed by stop()), one 2-second profile, a one-step search.
// The events arrive in order, the target is stopped exactly once (also when the job is aborted or
// the target fails to start), and the documents come back as values.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { sloFromTargets } from "../../src/analysis/slo.js";
import { HeadroomError } from "../../src/core/errors.js";
import { runPlanJob, type PlanJobEvent, type PlanJobOptions } from "../../src/jobs/plan-job.js";
import { loadScenario } from "../../src/plan/load-scenario.js";
import { validateProfile, type Profile } from "../../src/plan/profile.js";
import { buildTargets } from "../../src/plan/targets.js";
import { loadInfrastructure } from "../../src/planning/load-infrastructure.js";
import { DEFAULT_ALERT_THRESHOLDS } from "../../src/report/ops/alert-rules.js";
import type { RunningTarget, Target } from "../../src/targets/types.js";

const SUITE = new URL("./fixtures/plan-job.scenario.ts", import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), "headroom-plan-job-"));

after(() => rmSync(out, { recursive: true, force: true }));

/** A target that starts a local server answering every request, and counts its stops. */
function localTarget(): { target: Target; stops: () => number; hits: () => number } {
  let stops = 0;
  let hits = 0;
  const target: Target = {
    name: "the test server",
    async start(ctx): Promise<RunningTarget> {
      const server: Server = createServer((_req, res) => {
        hits += 1;
        res.end("ok");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ctx.log(`test server at ${url} for up to ${ctx.maxUsers} users`);
      return {
        url,
        instances: 1,
        telemetry: {},
        faultTargets: { baseUrl: url },
        vars: {},
        environment: `test server ${url}`,
        notes: ["a test server"],
        versions: async () => ({ server: "1.0" }),
        stop: async () => {
          stops += 1;
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    },
  };
  return { target, stops: () => stops, hits: () => hits };
}

async function options(target: Target, outDir: string, extra: Partial<PlanJobOptions> = {}): Promise<PlanJobOptions> {
  const scenario = await loadScenario(SUITE);
  const profile = validateProfile({ ...(scenario.profiles!.short as Profile), name: "short" });
  const targets = buildTargets();
  return {
    target,
    scenario,
    tests: [{ name: "short", profile, loadLevel: "normal" }],
    scale: { users: 1, time: 0.01, minDurationSec: 2 },
    search: {
      settings: { stepSec: 3, rampSec: 1, warmupSec: 1, windowSec: 1, repeat: false, maxSteps: 1, tolerance: 0.1, growth: 2 },
      startUsers: 2,
      maxUsers: 4,
      slo: { p95Ms: 1000, errorPct: 1 },
      furtherCommand: (from) => `headroom search plan-job.scenario.ts --start ${from}`,
    },
    targets,
    slo: sloFromTargets(targets, "normal"),
    alertThresholds: DEFAULT_ALERT_THRESHOLDS,
    infrastructure: loadInfrastructure(process.cwd()),
    vars: {},
    outDir,
    workers: 1,
    telemetryIntervalMs: 1000,
    seed: 7,
    warmupSec: 1,
    startedAt: new Date("2026-01-02T03:04:05Z"),
    command: "headroom plan (library test)",
    ...extra,
  };
}

test("runPlanJob starts the target, runs the suite and the search, stops the target once and returns the documents", { timeout: 60_000 }, async () => {
  const { target, stops, hits } = localTarget();
  const events: PlanJobEvent[] = [];
  const result = await runPlanJob(await options(target, join(out, "full")), (e) => events.push(e));
  assert.equal(stops(), 1, "stop() called exactly once");
  assert.ok(hits() > 10, `the server saw ${hits()} requests`);

  const kinds = events.map((e) => e.kind).filter((k) => k !== "interval" && k !== "search-interval" && k !== "warning" && k !== "search-warning");
  const order = ["target-log", "target-ready", "warm-up", "test-start", "test-end", "search-start", "search-step-start", "search-step", "search-end", "target-stopped"];
  assert.deepEqual(kinds, order, kinds.join(", "));
  assert.match((events[0] as { line: string }).line, /^test server at http:\/\/127\.0\.0\.1:\d+ for up to 4 users$/);
  assert.ok(events.some((e) => e.kind === "interval"), "per-second progress of the test");

  assert.equal(result.interrupted, false);
  assert.deepEqual(result.runs.map((r) => r.test.name), ["short"]);
  assert.ok(result.search, "the search ran");
  const docs = result.documents;
  assert.ok(docs, "the documents came back");
  for (const f of ["capacity-plan.md", "performance-metrics.md", "report.html", "summary.json", "junit.xml", "alert-rules.yml", "grafana-dashboard.json", "test-results/short.md"]) {
    assert.ok(docs.files.has(f), `${f} built`);
  }
  const plan = docs.files.get("capacity-plan.md")!;
  assert.match(plan, /test server http:\/\/127\.0\.0\.1:\d+/);
  assert.match(plan, /headroom plan \(library test\)/);
  assert.equal(docs.model.environment.versions.server, "1.0");
});

test("an aborted job stops the target once and has nothing to report", { timeout: 30_000 }, async () => {
  const { target, stops } = localTarget();
  const abort = new AbortController();
  abort.abort();
  const events: PlanJobEvent[] = [];
  const result = await runPlanJob(await options(target, join(out, "aborted"), { signal: abort.signal, warmupSec: 0 }), (e) => events.push(e));
  assert.equal(stops(), 1);
  assert.equal(result.interrupted, true);
  assert.equal(result.documents, undefined);
  assert.equal(events.at(-1)?.kind, "target-stopped");
});

test("a target that fails to start is reported as HR_SERVICE_START with its own hint", async () => {
  const target: Target = {
    name: "the broken platform",
    start: async () => {
      throw Object.assign(new Error("port in use"), { hint: "free the port" });
    },
  };
  await assert.rejects(runPlanJob(await options(target, join(out, "broken"))), (e: unknown) => {
    assert.ok(e instanceof HeadroomError);
    assert.equal(e.code, "HR_SERVICE_START");
    assert.equal(e.message, "the broken platform did not start: port in use");
    assert.equal(e.hint, "free the port");
    return true;
  });
});
