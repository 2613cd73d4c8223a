// test-needs: redis
// End to end: `headroom plan` at a small scale against the MueJam API on the machine's real
// PostgreSQL (a fresh database) and Redis, in-process through main(). Checks the report set a
// user gets: every document written, the seed's structure, no TBD, numbers that come from the run.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { scaleProfile, QUICK_SCALE, peakUsers } from "../../src/plan/scale-profile.js";
import { runsTheStandardMix } from "../../src/jobs/plan-documents.js";
import type { SuiteRunResult } from "../../src/jobs/run-suite.js";

const ADMIN_URL = process.env.HEADROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.HEADROOM_TEST_REDIS ?? "redis://127.0.0.1:6379/0";
const db = `headroom_plan_e2e_${process.pid}`;
const out = mkdtempSync(join(tmpdir(), "headroom-plan-"));

before(async () => {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(`CREATE DATABASE ${db}`);
  await c.end();
});

after(async () => {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await c.end();
  rmSync(out, { recursive: true, force: true });
});

test("quick scaling keeps each ramp at most 4x faster than the seed's spawn rate", () => {
  const peak = scaleProfile(
    {
      name: "peak",
      executor: "closed",
      durationSec: 600,
      stages: [
        { name: "ramp-up", durationSec: 60, users: 1000, spawnRate: 50 },
        { name: "peak", durationSec: 420, users: 1000, spawnRate: 50 },
        { name: "ramp-down", durationSec: 120, users: 100, spawnRate: 50 },
      ],
    },
    QUICK_SCALE,
  );
  // 1000 users at 200/s take 5 s, then a hold of max(3, round(55 x 0.03)) = 3 s.
  assert.deepEqual(
    peak.stages!.map((s) => [s.durationSec, s.spawnRate]),
    [
      [8, 200],
      [13, 200],
      [8, 200],
    ],
  );
  assert.equal(peak.durationSec, 29);
  assert.equal(peakUsers(peak), 1000);
  const sustained = scaleProfile({ name: "sustained", executor: "closed", users: 200, spawnRate: 20, durationSec: 1800 }, QUICK_SCALE);
  assert.equal(sustained.durationSec, 60, "floor of the sustained profile");
});

test("capacity is judged only on runs of the suite's own user mix", () => {
  const run = (profile: Record<string, unknown>): SuiteRunResult => ({ test: { name: String(profile.name), loadLevel: "normal", profile: { executor: "closed", durationSec: 10, users: 10, ...profile } } }) as unknown as SuiteRunResult;
  assert.equal(runsTheStandardMix(run({ name: "baseline" })), true);
  assert.equal(runsTheStandardMix(run({ name: "cache-performance", classWeights: { CachePerformanceUser: 1 } })), false);
  assert.equal(runsTheStandardMix(run({ name: "rate-limiting", classOverrides: { AuthenticatedUser: {} } })), false);
});

test("plan refuses bad input before starting anything, with the documented exit codes", async () => {
  const cases: [string[], number, RegExp][] = [
    [["plan", "--target", "notaurl"], 2, /HR_BAD_URL/],
    [["plan", "--fault", "leak"], 2, /needs --lab/],
    [["plan", "--target", "http://127.0.0.1:1"], 2, /--tokens/],
    [["plan", "--target", "http://127.0.0.1:1", "--tokens", "t.json", "--profiles", "baseline"], 4, /HR_TARGET_UNREACHABLE/],
    [["plan", "--profiles", "nope", "--dry-run"], 2, /choose among: baseline/],
    [["plan", "--full", "--scale", "0.5"], 2, /HR_CONFLICTING_FLAGS/],
    [["plan", "--dataset", "huge"], 2, /USERSxSTORIES/],
    [["plan", "--profiles", "peak,breaking-point", "--no-search"], 2, /HR_CONFLICTING_FLAGS.*--no-search skips it/],
    [["plan", "--search-budget", "3s", "--dry-run"], 2, /--search-budget 3s is shorter than one search step/],
    [["plan", "--search-max-users", "0", "--dry-run"], 2, /--search-max-users "0" is not a whole number/],
  ];
  for (const [argv, code, message] of cases) {
    const io = memoryIo();
    assert.equal(await main(argv, io), code, `${argv.join(" ")}: ${io.err()}`);
    assert.match(io.err(), message);
    assert.match(io.err(), /hint: /);
  }
});

test("headroom plan writes the capacity plan and the report set from a real run", { timeout: 240_000 }, async () => {
  const dbUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${db}`);
  const io = memoryIo({ DATABASE_URL: dbUrl, REDIS_URL });
  // The breaking-point stage at this scale: from an estimate of the break to its cap of 200, no budget.
  const code = await main(["plan", "--profiles", "baseline,peak,breaking-point", "--search-budget", "0", "--search-max-users", "200", "--scale", "0.05", "--warmup", "3s", "--dataset", "small", "--out", out], io);
  assert.ok(code === 0 || code === 99, `exit ${code}\n${io.out()}\n${io.err()}`);
  for (const f of ["capacity-plan.md", "performance-metrics.md", "report.html", "summary.json", "junit.xml", "alert-rules.yml", "grafana-dashboard.json", "test-results/baseline.md", "test-results/peak.md", "baseline/report.html", "peak/intervals.ndjson"]) {
    assert.ok(existsSync(join(out, f)), `${f} written`);
  }
  const plan = readFileSync(join(out, "capacity-plan.md"), "utf8");
  assert.ok(!/TBD/.test(plan), "no TBD left in the capacity plan");
  const seed = readFileSync(new URL("../report/fixtures/seed-capacity-planning.md", import.meta.url), "utf8");
  const headings = (md: string): string[] => md.split("\n").filter((l) => /^#{1,4} /.test(l)).map((l) => l.trim());
  for (const h of headings(seed)) assert.ok(plan.includes(h), `capacity plan keeps the seed's heading "${h}"`);
  assert.match(plan, /headroom/);

  const baseline = JSON.parse(readFileSync(join(out, "baseline", "summary.json"), "utf8")) as { requests: { total: number; ratePerSec: number } };
  assert.ok(baseline.requests.total > 0, "baseline sent requests");
  // The plan's Markdown reports the run's own request count.
  const resultDoc = readFileSync(join(out, "test-results", "baseline.md"), "utf8");
  assert.ok(resultDoc.includes(baseline.requests.total.toLocaleString("en-US")) || resultDoc.includes(String(baseline.requests.total)), "the baseline document shows the measured request count");

  // Telemetry sampled every source of the platform during the tests.
  const telemetry = readFileSync(join(out, "peak", "telemetry.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { source: string; ok: boolean });
  for (const source of ["postgres", "redis", "prometheus", "process", "host"]) {
    assert.ok(telemetry.some((t) => t.source === source && t.ok), `telemetry from ${source}`);
  }
  const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Record<string, unknown>;
  assert.ok(summary && typeof summary === "object");
  assert.ok(readdirSync(out).includes("warm-up"), "the warm-up run is kept apart");
  assert.match(io.out(), /\[2\/2\] peak/, "progress names the test that runs");

  // The breaking-point search ran after the profiles, a run directory per step, with telemetry.
  // It starts from an estimate of the break made on the profiles' steps: above the heaviest load that
  // passed, at most 3x the heaviest profile load (the peak's 50 users at this scale).
  const start = Number(/\[breaking-point\] closed-model search with the suite's user mix from (\d+) users/.exec(io.out())?.[1]);
  assert.ok(start >= 1 && start <= 150, `search start ${start}\n${io.out()}`);
  assert.match(io.out(), new RegExp(`step 1: ${start} users: [\\d.]+ req/s, p95 [\\d.]+ ms, errors [\\d.]+% .*-> (ok|broke)`));
  const search = (summary as { search: { steps: { users: number; runDir: string }[]; outcome: string } }).search;
  assert.equal(search.steps[0]!.users, start);
  assert.ok(["cap", "bracketed", "steps"].includes(search.outcome), search.outcome);
  assert.ok(existsSync(join(search.steps[0]!.runDir, "intervals.ndjson")), "the step's run directory");
  assert.ok(search.steps[0]!.runDir.startsWith(join(out, "breaking-point")));
  const stepTelemetry = readFileSync(join(search.steps[0]!.runDir, "telemetry.ndjson"), "utf8");
  assert.match(stepTelemetry, /"source":"postgres"/);
  assert.match(plan, /Breaking-point search \(`breaking-point\/`\)/);
  assert.match(plan, new RegExp(`\\| 1 \\| ramp \\| ${start} \\|`));
  assert.match(plan, new RegExp(`the search started at ${start} users: `));

  // The console's answer is the documents' answer, line for line.
  const printed = io.out().split("\nAnswer\n")[1]?.split("\n\n")[0] ?? "";
  const consoleAnswer = [...printed.matchAll(/^ {2}([^:]+): (.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
  const planAnswer = [...(plan.split("## Answer\n")[1] ?? "").split("\n## ")[0]!.matchAll(/^- \*\*([^*]+)\*\*: (.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
  assert.ok(consoleAnswer.length >= 6, `console answer:\n${io.out()}`);
  assert.deepEqual(consoleAnswer, planAnswer);
  assert.deepEqual(Object.entries((summary as { headline: { lines: Record<string, string> } }).headline.lines).map(([k, v]) => `${k}: ${v}`), planAnswer);
});
