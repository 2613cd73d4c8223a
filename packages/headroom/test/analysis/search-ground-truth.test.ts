// `headroom search` against a server whose capacity is known in closed form: C workers, each
// request holding one for S ms (a semaphore of C with a FIFO queue), so the maximum throughput
// is C/S per second; with think time Z the closed model's knee is N* = C (S + Z) / S.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { SearchResult } from "../../src/analysis/types.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { startCapacityServer, type CapacityServer } from "./capacity-server.js";

const C = 8;
const S_MS = 40;
const CAPACITY_RPS = (C * 1000) / S_MS; // 200

let server: CapacityServer;
let origin = "";
const SCENARIO = new URL("./fixtures/think-time.scenario.ts", import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), "search-gt-"));

before(async () => {
  server = await startCapacityServer(C, S_MS);
  origin = server.origin;
});

after(() => {
  server.close();
  rmSync(out, { recursive: true, force: true });
});

async function search(args: string[]): Promise<SearchResult> {
  const io = memoryIo();
  const code = await main(["search", "--workers", "1", "--window", "1s", "--timeout", "2s", "--no-repeat", "--max-steps", "5", "--json", ...args], io);
  assert.equal(code, 0, io.err());
  return JSON.parse(io.out()) as SearchResult;
}

/** The capacity the server actually had: C over the mean hold time it measured (timers overshoot S a little). */
const measuredCapacity = (): number => (C * 1000) / (server.holdsMs.reduce((a, b) => a + b, 0) / server.holdsMs.length);

test("open model: search finds the maximum throughput C/S within 10 %", async () => {
  // Constant arrivals need no warm-up: 2 s steps, the first second measured.
  // Recovery: 1 s at the breaking rate (a queue builds), then 4 s at the comfortable rate.
  const r = await search(["--url", `${origin}/work`, "--recovery-hold", "1s", "--recovery-time", "4s", "--model", "open", "--step-time", "2s", "--warmup", "0s", "--start", "100", "--tolerance", "0.15", "--slo", "p95<300ms,errors<1%", "--out", join(out, "open")]);
  assert.ok(r.maxRps !== null);
  const err = Math.abs(r.maxRps! / CAPACITY_RPS - 1);
  assert.ok(err <= 0.1, `maxRps ${r.maxRps} vs C/S = ${CAPACITY_RPS} (${(err * 100).toFixed(1)} %), steps ${JSON.stringify(r.steps)}`);
  assert.ok(Math.abs(r.maxRps! / measuredCapacity() - 1) <= 0.1, `maxRps ${r.maxRps} vs measured capacity ${measuredCapacity().toFixed(1)}`);
  // The break is an offered rate the server could not keep up with, within the bisection's tolerance above the maximum.
  assert.ok(r.breakingPoint.rps! > r.maxRps! && r.breakingPoint.rps! <= CAPACITY_RPS * 1.3, `break ${r.breakingPoint.rps}: ${r.breakingPoint.limit}`);
  assert.equal(r.breakingPoint.users, null);
  // No step can complete more than the server's capacity (a step measured on the stop's grace second would).
  for (const s of r.steps) assert.ok(s.rps <= CAPACITY_RPS * 1.1, `step at ${s.targetRate} req/s measured ${s.rps} req/s`);
  assert.ok(r.steps.length === 5 && r.steps.every((s) => s.users === null && typeof s.targetRate === "number"));
  // The queue built in 1 s of overload (up to ~25 % over capacity) drains at the comfortable rate
  // (about 35 % under capacity) within a few seconds.
  assert.ok(r.recoverySec !== null && r.recoverySec >= 0 && r.recoverySec <= 4, `recovery ${r.recoverySec} s: ${r.detail.stopReason}`);
});

test("closed model with think time (a scenario file): the knee lands where queueing theory puts it", async () => {
  // Z uniform in 100-220 ms (mean 160 ms): N* = C (S + Z) / S = 8 x 200 / 40 = 40 users.
  const zMs = 160;
  const kneeUsers = (C * (S_MS + zMs)) / S_MS;
  // Users all start at once: the first second of each step is their burst, not measured.
  // The same load as a scenario file (one class, wait between(0.1, 0.22)).
  const r = await search([SCENARIO, "--host", origin, "--no-typecheck", "--no-recovery", "--model", "closed", "--step-time", "3s", "--warmup", "1s", "--start", "10", "--tolerance", "0.15", "--slo", "errors<1%", "--out", join(out, "closed")]);
  const knee = r.detail.capacity.knee!;
  // The users' real think time is the nominal one plus the timers' and the client's overshoot
  // (10-25 ms a cycle here). Far below saturation R = S, so the lightest step gives it (within
  // the noise of a 3 s step):
  // Z_eff = N / X - S. It must stay close to the nominal Z, and the knee must land at C (S + Z_eff) / S.
  const light = r.steps[0]!;
  const zEffMs = (light.users! / light.rps) * 1000 - S_MS;
  assert.ok(zEffMs >= zMs * 0.8 && zEffMs <= zMs * 1.3, `effective think time ${zEffMs.toFixed(1)} ms vs nominal ${zMs} ms`);
  const kneeEff = (C * (S_MS + zEffMs)) / S_MS;
  assert.ok(Math.abs(knee.value! / kneeEff - 1) <= 0.1, `knee ${knee.value} (${knee.formula}) vs N* = C (S + Z_eff) / S = ${kneeEff.toFixed(1)} (nominal ${kneeUsers}); steps ${JSON.stringify(r.steps)}`);
  assert.ok(Math.abs(r.maxRps! / CAPACITY_RPS - 1) <= 0.1, `maxRps ${r.maxRps}`);
  for (const s of r.steps) assert.ok(s.rps <= CAPACITY_RPS * 1.1, `step at ${s.users} users measured ${s.rps} req/s`);
  // Past the knee more users add no throughput: with an SLO that bounds no latency, that is the break
  // the search reports (under a latency SLO it is the ceiling, and latency breaks further up).
  assert.match(r.breakingPoint.limit, /throughput flat/);
  assert.ok(r.breakingPoint.users! >= kneeUsers && r.breakingPoint.users! <= 2 * kneeUsers, `break at ${r.breakingPoint.users} users`);
  assert.ok(r.comfortable.users! < kneeUsers);
  assert.ok(r.detail.stepDirs!.length === r.detail.steps.length);
});
