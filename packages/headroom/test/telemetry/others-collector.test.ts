// The "others" source and the disturbance judged on it: the CPU of processes outside the platform's
// and the generator's trees, on a fake /proc; and the bar a window is held to (half a core, or half
// a core above the quietest window of a machine never quiet).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { describeNoise, judgeNoise, otherCpuLimit } from "../../src/analysis/disturbance.js";
import type { LoadStep } from "../../src/analysis/types.js";
import { createOthersCollector, descendantsOf } from "../../src/telemetry/others-collector.js";

const root = mkdtempSync(join(tmpdir(), "others-proc-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** /proc/<pid>/stat with the fields the parser reads (ppid 4th, utime 14th, stime 15th, start time 22nd). */
function proc(pid: number, comm: string, ppid: number, ticks: number): void {
  mkdirSync(join(root, String(pid)), { recursive: true });
  const fields = ["S", ppid, 0, 0, 0, 0, 0, 0, 0, 0, 0, ticks, 0, 0, 0, 0, 0, 1, 0, 100, 0, 0];
  writeFileSync(join(root, String(pid), "stat"), `${pid} (${comm}) ${fields.join(" ")}\n`);
}

test("descendants of the roots, at any depth; pid 1 is nobody's", () => {
  const parents = new Map([
    [10, 1],
    [11, 10],
    [12, 11],
    [20, 1],
    [21, 20],
  ]);
  assert.deepEqual([...descendantsOf([10], parents)].sort((a, b) => a - b), [10, 11, 12]);
});

test("other processes' cores over the interval, with the busiest named; the platform's and the generator's trees left out", async () => {
  // 100: the generator (self); 101: its embedded PostgreSQL; 200: the platform, 201 its worker; 300, 301: others.
  const tree: [number, string, number][] = [
    [100, "node", 1],
    [101, "postgres", 100],
    [200, "node", 1],
    [201, "node", 200],
    [300, "burner", 1],
    [301, "make", 1],
  ];
  for (const [pid, comm, ppid] of tree) proc(pid, comm, ppid, 0);
  const c = createOthersCollector({ pids: [200], selfPid: 100, procRoot: root, clockTicksPerSec: 100 });
  const first = await c.sample(0);
  assert.deepEqual(first[0]!.values, {}, "the first sample has no interval yet");
  // Over 2 s: every process burns; only 300 (190 ticks = 0.95 core) and 301 (40 ticks = 0.2 core) are others'.
  for (const [pid, comm, ppid] of tree) proc(pid, comm, ppid, pid === 300 ? 190 : pid === 301 ? 40 : 150);
  const [r] = await c.sample(2000);
  assert.equal(r!.values.other_cpu_cores, 1.15);
  assert.equal(r!.labels?.busiest, "burner:300 0.95, make:301 0.2");
});

test("a window is disturbed over half a core of others, or half a core above the ambient of a machine never quiet", () => {
  assert.equal(otherCpuLimit(0.1), 0.5);
  assert.equal(otherCpuLimit(1.2), 1.7);
  assert.match(describeNoise({ otherCpuCores: 0.9, busiest: "burner:300 0.9" })!, /^processes other than the platform's and the generator's used 0\.9 cores \(over 0\.5\): burner:300 0\.9$/);
  assert.equal(describeNoise({ otherCpuCores: 0.4 }), undefined);
  const step = (users: number, cores: number): LoadStep => ({ users, rps: users, p95Ms: 10, errorPct: 0, requests: 100, durationSec: 3, noise: { otherCpuCores: cores } });
  // A machine never quiet (1.2 cores at its quietest): only the window 0.5 core above that is disturbed.
  const judged = judgeNoise([step(10, 1.2), step(20, 1.4), step(40, 2.3)]);
  assert.deepEqual(judged.map((s) => s.disturbed !== undefined), [false, false, true]);
  assert.match(judged[2]!.disturbed!, /used 2\.3 cores \(over 1\.7: the machine was never quiet, half a core above its quietest window\)/);
  // A quiet window exists: the bar is half a core.
  assert.deepEqual(judgeNoise([step(10, 0.1), step(20, 0.7)]).map((s) => s.disturbed !== undefined), [false, true]);
});
