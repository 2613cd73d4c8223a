// A short unmeasured run before the suite: the first requests to a freshly started platform pay
// for JIT compilation, empty caches and cold buffers, which no test of the suite should be judged
// on. Its run directory is kept (warm-up/) but not analysed.
import { join } from "node:path";
import { newRunManifest } from "../engine/manifest.js";
import { runTest } from "../engine/run-test.js";
import { describeProfile, type Profile } from "../plan/profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import { createRunStore } from "../store/run-store.js";

export interface WarmUpOptions {
  scenario: Scenario;
  baseUrl: string;
  vars: Record<string, string>;
  /** The plan's output folder: the warm-up writes `<outDir>/warm-up/`. */
  outDir: string;
  seconds: number;
  workers: number;
  signal?: AbortSignal;
}

export async function warmUp(o: WarmUpOptions): Promise<void> {
  const profile: Profile = { name: "warm-up", executor: "closed", users: 50, spawnRate: 25, durationSec: o.seconds };
  const manifest = newRunManifest({ name: "warm-up", plan: describeProfile(profile), target: { url: o.baseUrl, scenario: o.scenario.sourcePath }, notes: ["warm-up before the suite: not analysed"] });
  const store = createRunStore(join(o.outDir, "warm-up"), manifest);
  await runTest({ profile, scenario: o.scenario, store, workers: o.workers, baseUrl: o.baseUrl, vars: o.vars, ...(o.signal ? { signal: o.signal } : {}) });
}
