// Shrinking a profile for a quick look. Users are multiplied by `users`, hold times by `time`.
// Ramps are not squeezed with the rest: a seed profile's spawn rate is part of what it tests (a
// thousand users arriving in one second is a different test from fifty a second), so a scaled
// stage keeps room for its ramp at the spawn rate sped up by at most MAX_SPAWN_SPEEDUP, plus its
// scaled hold. No scaled profile runs shorter than a floor: a test needs enough seconds for its
// percentiles and trends to mean something, and a few profiles need longer (MIN_DURATION_SEC).
import type { Profile } from "./profile.js";
import type { StageSpec } from "../core/types.js";

export interface SuiteScale {
  /** Multiplier of users (1 = the profile's users). */
  users: number;
  /** Multiplier of durations (1 = the profile's durations). */
  time: number;
  /** No scaled profile runs shorter than this. */
  minDurationSec: number;
}

/** `--full`: the seed's users and durations. */
export const FULL_SCALE: SuiteScale = { users: 1, time: 1, minDurationSec: 0 };

/**
 * The default quick run: the seed's users, hold times x0.03, so that the seven profiles' 68
 * minutes take about three and a half, and `headroom plan` finishes within 5 minutes.
 */
export const QUICK_SCALE: SuiteScale = { users: 1, time: 0.03, minDurationSec: 15 };

/** A scaled ramp runs at most this much faster than the profile's spawn rate. */
export const MAX_SPAWN_SPEEDUP = 4;
/** Seconds a scaled stage holds its users after its ramp, at least. */
const MIN_HOLD_SEC = 3;

/**
 * Floors for profiles whose point needs wall-clock time: the rate limiter counts per minute,
 * so users waiting 0.1-0.5 s reach 100 requests only after about 30 s; a sustained run needs
 * enough samples for a trend test; the failure-scenarios test needs its three faults 4-6 s
 * apart, each with room to recover.
 */
export const MIN_DURATION_SEC: Record<string, number> = { "rate-limiting": 45, sustained: 60, "failure-scenarios": 20 };

const roundUsers = (n: number): number => Math.max(1, Math.round(n));

function scaledSpawn(rate: number | undefined, s: SuiteScale): number | undefined {
  if (rate === undefined) return undefined;
  const speedup = Math.min(MAX_SPAWN_SPEEDUP, 1 / s.time);
  return Math.max(1, Math.round(rate * s.users * Math.max(1, speedup)));
}

/** Seconds to move from `from` to `to` users at `spawnRate` (0 when all start at once). */
function rampSec(from: number, to: number, spawnRate: number | undefined): number {
  return spawnRate ? Math.ceil(Math.abs(to - from) / spawnRate) : 0;
}

export function scaleProfile(p: Profile, s: SuiteScale): Profile {
  if (s.users === 1 && s.time === 1) return { ...p };
  const floor = Math.max(s.minDurationSec, s.time < 1 ? (MIN_DURATION_SEC[p.name] ?? 0) : 0);
  const out: Profile = { ...p };
  if (p.rate !== undefined) out.rate = p.rate * s.users;
  if (p.connections !== undefined) out.connections = roundUsers(p.connections * s.users);
  if (p.stages && p.stages.length > 0) {
    let users = 0;
    const stages: StageSpec[] = p.stages.map((st) => {
      const scaled: StageSpec = { ...st };
      let ramp = 0;
      if (st.users !== undefined) {
        scaled.users = roundUsers(st.users * s.users);
        const spawn = scaledSpawn(st.spawnRate, s);
        if (spawn !== undefined) scaled.spawnRate = spawn;
        ramp = rampSec(users, scaled.users, spawn);
        users = scaled.users;
      }
      if (st.rate !== undefined) scaled.rate = st.rate * s.users;
      scaled.durationSec = ramp + Math.max(MIN_HOLD_SEC, Math.round(Math.max(0, st.durationSec - ramp) * s.time));
      return scaled;
    });
    const total = stages.reduce((a, st) => a + st.durationSec, 0);
    // Under the floor, the last stage holds longer.
    if (total < floor) stages[stages.length - 1]!.durationSec += floor - total;
    out.stages = stages;
    out.durationSec = stages.reduce((a, st) => a + st.durationSec, 0);
  } else {
    let ramp = 0;
    if (p.users !== undefined) {
      out.users = roundUsers(p.users * s.users);
      const spawn = scaledSpawn(p.spawnRate, s);
      if (spawn !== undefined) out.spawnRate = spawn;
      ramp = rampSec(0, out.users, spawn);
    }
    out.durationSec = Math.max(floor, ramp + Math.max(MIN_HOLD_SEC, Math.round(p.durationSec * s.time)));
  }
  return out;
}

/** The users a profile reaches at most (to mint enough tokens). */
export function peakUsers(p: Profile): number {
  return Math.max(p.users ?? 0, ...(p.stages ?? []).map((st) => st.users ?? 0), p.connections ?? 0);
}
