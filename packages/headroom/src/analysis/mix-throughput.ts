// What throughput a closed user mix can produce at all. N users who each think Z seconds between
// requests and wait R for the answer send X = N / (Z + R) requests per second (Little's law on
// the whole loop); even an infinitely fast platform (R = 0) gets at most N / Z. A throughput
// target above N / Z therefore measures the load design, not the platform: it is NOT TESTABLE
// by this mix, and reaching it takes target x (Z + R) users.
//
// Z is not declared by every scenario (classes mix waits, tasks chain requests), so it is read
// from the steady window itself: Z = N / X - R.
import { round } from "./stats.js";

export interface MixLimit {
  users: number;
  /** Measured over the steady window. */
  rps: number;
  meanLatencyMs: number;
  /** Think time per request, seconds: N / X - R. */
  thinkSec: number;
  /** N / Z: the most this mix could send with a platform that answered at once. */
  maxRps: number;
}

/** The mix's limit over a steady window, or undefined when it holds no closed-model load with think time. */
export function mixThroughputLimit(steady: { rps: number; maxUsers: number; latency: { mean: number } }): MixLimit | undefined {
  const { rps, maxUsers: users } = steady;
  const rSec = steady.latency.mean / 1000;
  if (users <= 0 || rps <= 0 || !(rSec >= 0)) return undefined;
  const thinkSec = users / rps - rSec;
  // No think time to speak of (connections kept busy, open-model arrivals): the platform sets X.
  if (thinkSec <= 0.001) return undefined;
  return { users, rps, meanLatencyMs: steady.latency.mean, thinkSec, maxRps: users / thinkSec };
}

/** Users the mix needs to send `targetRps`: targetRps x (Z + R). */
export function usersNeeded(mix: MixLimit, targetRps: number): number {
  return Math.ceil(targetRps * (mix.thinkSec + mix.meanLatencyMs / 1000));
}

export function describeMixLimit(mix: MixLimit, targetRps: number): string {
  const z = round(mix.thinkSec, 2);
  const r = round(mix.meanLatencyMs, 1);
  return `by Little's law ${mix.users} users thinking ${z} s per request (N / X - R = ${mix.users} / ${round(mix.rps, 1)} - ${r} ms) send at most N / Z = ${round(mix.maxRps, 1)} req/s even with an instant platform, below the ${round(targetRps, 1)} req/s the target asks; this mix needs ${usersNeeded(mix, targetRps)} users (target x (Z + R)) to send it`;
}
