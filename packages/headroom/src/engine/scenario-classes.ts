// A scenario's user classes as one profile runs them (weights and waits after its overrides), and
// the weighted draw of a user's next task.
import type { Profile } from "../plan/profile.js";
import type { Scenario, TaskDef, UserClassDef } from "../plan/scenario-api.js";
import { describeWait, type WaitSpec } from "../plan/wait.js";
import type { Rng } from "../core/rng.js";

/** A class as this profile runs it: weights and waits after the profile's overrides. */
export interface EffectiveClass {
  def: UserClassDef<unknown, unknown>;
  name: string;
  weight: number;
  wait: WaitSpec;
  tasks: { def: TaskDef<unknown, unknown>; weight: number }[];
}

/** Applies a profile's class weights and overrides; returns the classes with weight > 0. */
export function effectiveClasses(scenario: Scenario, profile: Pick<Profile, "classWeights" | "classOverrides">): EffectiveClass[] {
  const out: EffectiveClass[] = [];
  for (const def of scenario.classes) {
    const weight = profile.classWeights ? (profile.classWeights[def.name] ?? 0) : def.weight;
    if (!(weight > 0)) continue;
    const o = profile.classOverrides?.[def.name];
    const tasks = def.tasks.map((t) => ({ def: t, weight: o?.taskWeights?.[t.name] ?? t.weight })).filter((t) => t.weight > 0);
    out.push({ def, name: def.name, weight, wait: o?.wait ?? def.wait, tasks });
  }
  return out;
}

/** The classes as a profile runs them, for the manifest's plan: name, weight (share) and wait. */
export function describeClasses(scenario: Scenario, profile: Pick<Profile, "classWeights" | "classOverrides">): { name: string; weight: number; wait: string }[] {
  return effectiveClasses(scenario, profile).map((c) => ({ name: c.name, weight: c.weight, wait: describeWait(c.wait) }));
}

/** Draws a task by weight, leaving out those already skipped this round. */
export function pickTask<T extends { weight: number }>(tasks: readonly T[], skipped: ReadonlySet<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < tasks.length; i++) if (!skipped.has(i)) total += tasks[i]!.weight;
  if (total <= 0) return -1;
  let r = rng.next() * total;
  for (let i = 0; i < tasks.length; i++) {
    if (skipped.has(i)) continue;
    r -= tasks[i]!.weight;
    if (r < 0) return i;
  }
  for (let i = tasks.length - 1; i >= 0; i--) if (!skipped.has(i)) return i;
  return -1;
}
