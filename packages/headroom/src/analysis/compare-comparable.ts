// Whether two runs measured the same test: a comparison of different scenarios, targets, models,
// loads, durations or scales still runs, but a change in its figures may come from the test, not
// from the system. Each difference names the field and both values, A first.
import { basename } from "node:path";
import type { Manifest, PlanDescription } from "../core/types.js";

/** A duration this many times the other's is "far apart" (warm-up and long-run effects differ). */
export const DURATION_RATIO_LIMIT = 1.5;

export type ComparedManifest = Pick<Manifest, "name" | "startedAt"> & Partial<Pick<Manifest, "plan" | "target" | "scale">>;

/** The peak of a load figure: the flat value, or the largest a stage reaches. */
function peak(plan: PlanDescription, key: "users" | "rate"): number | undefined {
  const staged = (plan.stages ?? []).map((s) => s[key]).filter((v): v is number => v !== undefined);
  const all = [...(plan[key] !== undefined ? [plan[key]!] : []), ...staged];
  return all.length > 0 ? Math.max(...all) : undefined;
}

const classes = (plan: PlanDescription): string | undefined => plan.classes?.map((c) => `${c.name} (weight ${c.weight}, ${c.wait})`).join(", ");

/** The differences that make A and B not comparable; empty when they measured the same test. */
export function comparabilityDifferences(a: ComparedManifest, b: ComparedManifest, durationSecA: number, durationSecB: number): string[] {
  const out: string[] = [];
  const differ = (what: string, x: string | number | undefined, y: string | number | undefined, unit = ""): void => {
    if (x === y) return;
    const show = (v: string | number | undefined): string => (v === undefined ? "none" : `${v}${unit}`);
    out.push(`${what}: ${show(x)} vs ${show(y)}`);
  };
  // The same scenario file in another checkout is the same scenario: compare names, not paths.
  const scenario = (m: ComparedManifest): string | undefined => {
    const s = m.plan?.scenario ?? m.target?.scenario;
    return s === undefined ? undefined : basename(s);
  };
  differ("scenario", scenario(a), scenario(b));
  differ("target", a.target?.url ?? a.plan?.url, b.target?.url ?? b.plan?.url);
  if (a.plan && b.plan) {
    if (a.plan.method || b.plan.method) differ("method", a.plan.method, b.plan.method);
    differ("executor", a.plan.executor, b.plan.executor);
    differ("users", peak(a.plan, "users"), peak(b.plan, "users"));
    differ("rate", peak(a.plan, "rate"), peak(b.plan, "rate"), " req/s");
    differ("connections", a.plan.connections, b.plan.connections);
    differ("user classes", classes(a.plan), classes(b.plan));
  }
  const [short, long] = [Math.min(durationSecA, durationSecB), Math.max(durationSecA, durationSecB)];
  if (short > 0 && long / short >= DURATION_RATIO_LIMIT) out.push(`duration: ${durationSecA} s vs ${durationSecB} s (${(long / short).toFixed(1)}x apart)`);
  differ("scale", a.scale ?? 1, b.scale ?? 1);
  return out;
}
