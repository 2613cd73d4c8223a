// --dry-run: the plan and its schedule, computed from the profile alone (nothing is sent).
import { closedStages, openStages, type Profile } from "../plan/profile.js";
import type { PlanDescription } from "../core/types.js";
import { totalArrivals } from "./schedule.js";

export interface ScheduleRow {
  stage: string;
  startSec: number;
  durationSec: number;
  /** Closed: users from → to, and when the target is reached. Open: rate from → to and arrivals. */
  from: number;
  to: number;
  reachedAtSec?: number;
  arrivals?: number;
}

export interface RunDescription {
  plan: PlanDescription;
  schedule: ScheduleRow[];
  text: string;
}

export function describeRun(profile: Profile, plan: PlanDescription): RunDescription {
  const rows: ScheduleRow[] = [];
  let start = 0;
  if (profile.executor === "closed") {
    let prev = 0;
    closedStages(profile).forEach((s, i) => {
      const steps = Math.abs(s.users - prev);
      const ramp = s.spawnRate && steps > 0 ? (steps - 1) / s.spawnRate : 0;
      rows.push({ stage: s.name ?? `stage ${i + 1}`, startSec: start, durationSec: s.durationSec, from: prev, to: s.users, reachedAtSec: +(start + Math.min(ramp, s.durationSec)).toFixed(3) });
      prev = s.users;
      start += s.durationSec;
    });
  } else if (profile.executor === "open") {
    openStages(profile).forEach((s, i) => {
      rows.push({ stage: s.name ?? `stage ${i + 1}`, startSec: start, durationSec: s.durationSec, from: s.fromRate, to: s.toRate, arrivals: totalArrivals([{ ...s }]) });
      start += s.durationSec;
    });
  } else {
    rows.push({ stage: "throughput", startSec: 0, durationSec: plan.durationSec, from: profile.connections ?? 0, to: profile.connections ?? 0 });
  }
  const lines = [`plan: ${plan.executor} model, ${plan.durationSec} s, timeout ${plan.timeoutMs} ms, ${plan.workers ?? 1} worker(s)`];
  if (plan.url) lines.push(`target: ${plan.method ?? "GET"} ${plan.url}`);
  if (plan.scenario) lines.push(`scenario: ${plan.scenario}`);
  for (const c of plan.classes ?? []) lines.push(`  class ${c.name}: weight ${c.weight}, ${c.wait}`);
  for (const r of rows) {
    const at = `${r.stage} @${r.startSec}s for ${r.durationSec}s:`;
    if (profile.executor === "closed") lines.push(`  ${at} users ${r.from} -> ${r.to}, reached at ${r.reachedAtSec}s`);
    else if (profile.executor === "open") lines.push(`  ${at} rate ${r.from}/s -> ${r.to}/s, ${r.arrivals} arrivals, max in flight ${plan.maxInFlight}`);
    else lines.push(`  ${at} ${r.from} connections, no think time`);
  }
  return { plan, schedule: rows, text: lines.join("\n") + "\n" };
}
