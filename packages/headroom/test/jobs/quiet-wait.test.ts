// Waiting for a quiet machine before a disturbed step is measured again, and the think time the
// search measures itself (headroom search knows none in advance): the search calls the waiter once
// per disturbed re-test with the bar the re-test must come under, and a think time taken from its
// own steps (N / X − R) places the break as a given one does. The waiter itself, against a real
// CPU burner on this machine: it waits while the burner runs and returns once it is gone.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { searchCapacity, type StepLoad } from "../../src/analysis/search.js";
import type { LoadStep } from "../../src/analysis/types.js";
import { quietWaiter } from "../../src/jobs/quiet-wait.js";

/** A closed system of C servers of S s with think time Z, by the operational laws' asymptotic bounds. */
function closedSystem(c: number, sSec: number, zSec: number) {
  return (load: StepLoad): LoadStep => {
    const n = load.users!;
    const x = Math.min(n / (sSec + zSec), c / sSec);
    const r = Math.max(sSec, n / x - zSec);
    return { users: n, rps: x, meanMs: r * 1000, p50Ms: r * 1000, p95Ms: r * 1000 * 1.2, errorPct: 0, requests: Math.round(x * 10), durationSec: 10, steady: true };
  };
}

test("the search waits for a quiet machine once before re-testing a disturbed step, with the bar it must meet", async () => {
  const sys = closedSystem(8, 0.04, 0.2);
  const events: string[] = [];
  let attempts32 = 0;
  await searchCapacity(
    { model: "closed", slo: { p95Ms: 120 }, start: 16, thinkSec: 0.2, repeat: false, waitForQuiet: async (bar) => void events.push(`wait ${bar}`) },
    async (l) => {
      events.push(`run ${l.users}`);
      const s = sys(l);
      return l.users === 32 && attempts32++ === 0 ? { ...s, disturbed: "processes other than the platform's and the generator's used 1.9 cores" } : s;
    },
  );
  const i = events.indexOf("run 32");
  assert.deepEqual(events.slice(i, i + 3), ["run 32", "wait 0.5", "run 32"]);
  assert.equal(events.filter((e) => e.startsWith("wait")).length, 1);
});

test("a closed search that measures the think time itself steps as one told the true think time", async () => {
  const run = async (o: { thinkSec?: number; measureThink?: boolean }): Promise<number[]> => {
    const sys = closedSystem(8, 0.04, 0.2);
    const loads: number[] = [];
    await searchCapacity({ model: "closed", slo: { p95Ms: 120, errorPct: 1 }, start: 8, ...o }, async (load) => {
      loads.push(load.users!);
      return sys(load);
    });
    return loads;
  };
  const told = await run({ thinkSec: 0.2 });
  assert.deepEqual(await run({ measureThink: true }), told);
  assert.notDeepEqual(await run({}), told, "without a think time the search bisects blindly");
});

test("the waiter waits while a CPU burner runs and returns once it has gone", { timeout: 20_000 }, async () => {
  // A busy loop, detached (its shell exits at once, so it is not this process's descendant), killed by pid after 3 s.
  const pid = Number(execFileSync("sh", ["-c", `${process.execPath} -e 'for(;;);' >/dev/null 2>&1 & echo $!`], { encoding: "utf8" }).trim());
  const kill = setTimeout(() => process.kill(pid, "SIGKILL"), 3000);
  const said: string[] = [];
  const started = Date.now();
  try {
    await quietWaiter({ others: {}, maxWaitMs: 12_000, onWait: (m) => said.push(m) })(0.5);
  } finally {
    clearTimeout(kill);
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const tookMs = Date.now() - started;
  assert.match(said[0] ?? "", /^waiting up to 12 s for other processes to go quiet \(\d\.\d\d cores, bar 0\.5\)$/, said.join(" | "));
  assert.match(said.at(-1) ?? "", /^quiet after \d+(\.\d)? s$/, said.join(" | "));
  assert.ok(tookMs >= 3000 && tookMs < 12_000, `waited ${tookMs} ms`);
});
