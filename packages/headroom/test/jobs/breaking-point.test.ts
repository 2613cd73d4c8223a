// The breaking-point stage of `headroom plan` (and through it the search runner shared with
// `headroom search`) against a local server whose capacity is known: C workers, each request
// holding one for S ms, so at most C/S req/s. The budget runs on an injected clock that advances
// a fixed 3 s per step, so how many steps fit is exact.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { initHistograms } from "../../src/metrics/histogram.js";
import { loadScenario } from "../../src/plan/load-scenario.js";
import { buildTargets } from "../../src/plan/targets.js";
import { searchNotReached } from "../../src/report/markdown/capacity-plan-search.js";
import { runBreakingPoint, sloFlag, type BreakingPointEvent, type SearchStageSettings } from "../../src/jobs/breaking-point.js";
import { searchStartUsers } from "../../src/jobs/search-start.js";
import { QUICK_SCALE } from "../../src/plan/scale-profile.js";
import { startCapacityServer, type CapacityServer } from "../analysis/capacity-server.js";

const C = 8;
const S_MS = 40;
let server: CapacityServer;
let origin = "";
const out = mkdtempSync(join(tmpdir(), "breaking-point-"));
const SCENARIO = new URL("../analysis/fixtures/think-time.scenario.ts", import.meta.url).pathname;
// Steps of 3 s: users start over 1 s, 1 s of warm-up, a 1 s window and the final second.
const SETTINGS: SearchStageSettings = { stepSec: 3, rampSec: 1, warmupSec: 1, windowSec: 1, repeat: false, maxSteps: 8, tolerance: 0.1, growth: 2 };

before(async () => {
  await initHistograms();
  server = await startCapacityServer(C, S_MS);
  origin = server.origin;
});

after(() => {
  server.close();
  rmSync(out, { recursive: true, force: true });
});

async function stage(name: string, opts: { maxUsers: number; budgetSec?: number }) {
  const scenario = await loadScenario(SCENARIO);
  let clockMs = 0;
  const events: BreakingPointEvent[] = [];
  const search = await runBreakingPoint({
    scenario,
    baseUrl: origin,
    vars: {},
    outDir: join(out, name),
    slo: { p95Ms: 1000, errorPct: 1 },
    targets: buildTargets(),
    telemetryIntervalMs: 1000,
    workers: 1,
    seed: 7,
    timeoutMs: 2000,
    startUsers: 10,
    maxUsers: opts.maxUsers,
    settings: { ...SETTINGS, ...(opts.budgetSec !== undefined ? { budgetSec: opts.budgetSec } : {}) },
    furtherCommand: (from) => `headroom search think-time.scenario.ts --host ${origin} --start ${from}`,
    now: () => clockMs,
    onEvent: (e) => {
      events.push(e);
      if (e.kind === "search-step") clockMs += 3000;
    },
  });
  return { search, events };
}

test("the quick budget ends the stage between steps; each step is a run directory with the suite's scenario", async () => {
  // 7 s of budget on a clock that moves 3 s a step: after two steps 1 s is left, less than a step.
  const { search, events } = await stage("budget", { maxUsers: 160, budgetSec: 7 });
  const steps = search.result.detail.steps;
  assert.deepEqual(steps.map((s) => s.users), [10, 20]);
  assert.ok(steps.every((s) => s.ok && s.rps > 0), JSON.stringify(steps));
  assert.equal(search.outcome, "budget");
  assert.match(search.result.detail.stopReason, /stopped before the break was found: the 7 s time budget of the search was spent/);
  assert.equal(search.maxTestedUsers, 20);
  assert.equal(search.elapsedSec, 6);
  assert.equal(search.dir, "breaking-point");
  assert.match(searchNotReached(search), /^not reached up to 20 users in the search's 7 s time budget .*run `headroom plan --full` or `headroom search think-time.scenario.ts --host \S+ --start 20`$/);
  // One run directory per step under <out>/breaking-point/, each with its manifest and its seconds.
  assert.equal(search.result.detail.stepDirs!.length, 2);
  for (const dir of search.result.detail.stepDirs!) {
    assert.ok(dir.startsWith(join(out, "budget", "breaking-point", "step-0")), dir);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { status: string; notes: string[]; plan: { users: number; spawnRate: number; classes: { name: string }[] } };
    assert.equal(manifest.status, "completed");
    assert.match(manifest.notes[0]!, /^headroom plan: breaking-point stage: ramp step \d at \d+ users/);
    // Users start over the 1 s ramp, with the scenario's own classes.
    assert.equal(manifest.plan.spawnRate, manifest.plan.users);
    assert.deepEqual(manifest.plan.classes.map((c) => c.name), ["Worker"]);
    assert.ok(existsSync(join(dir, "intervals.ndjson")));
  }
  // Progress: the start, then a start and a result per step, then the end.
  assert.deepEqual(
    events.filter((e) => e.kind !== "search-interval").map((e) => e.kind),
    ["search-start", "search-step-start", "search-step", "search-step-start", "search-step", "search-end"],
  );
});

test("without a budget the stage stops at its user cap and says so", async () => {
  const { search } = await stage("cap", { maxUsers: 20 });
  assert.deepEqual(search.result.detail.steps.map((s) => s.users), [10, 20]);
  assert.equal(search.outcome, "cap");
  assert.match(search.result.detail.stopReason, /reached the maximum load of 20/);
  assert.match(searchNotReached(search), /^not reached up to 20 users at the search's cap of 20 users/);
  // Throughput grows with the users below the knee (C (S + Z) / S = 40 users): 20 users do about twice what 10 do.
  const [a, b] = search.result.detail.steps;
  assert.ok(b!.rps > 1.5 * a!.rps, `${a!.rps} -> ${b!.rps} req/s`);
  assert.ok(b!.rps <= (C * 1000) / S_MS, `no step completes more than the server's ${(C * 1000) / S_MS} req/s`);
});

test("the search starts at twice the suite's scaled peak users, within the cap; the SLO is written as --slo takes it", () => {
  const profiles = {
    baseline: { name: "baseline", executor: "closed" as const, users: 100, durationSec: 300 },
    peak: { name: "peak", executor: "closed" as const, durationSec: 600, stages: [{ name: "ramp-up", durationSec: 60, users: 1000, spawnRate: 50 }] },
  };
  assert.equal(searchStartUsers(profiles, QUICK_SCALE, 16_000), 2000);
  assert.equal(searchStartUsers(profiles, { users: 0.05, time: 0.05, minDurationSec: 15 }, 16_000), 100);
  assert.equal(searchStartUsers(profiles, QUICK_SCALE, 1500), 1500);
  assert.equal(searchStartUsers({ baseline: profiles.baseline }, QUICK_SCALE, 16_000), 200, "no peak profile: the heaviest one");
  assert.equal(sloFlag({ p95Ms: 500, p99Ms: 1000, errorPct: 1 }), "p95<500ms,p99<1000ms,errors<1%");
});
