import assert from "node:assert/strict";
import { test } from "node:test";
import { replayAutoscaling, type ReplayOptions } from "../../src/planning/autoscale.js";
import { dailyTrafficCurve, scaleCurveToPeak } from "../../src/planning/traffic-curve.js";
import { rpsPerMinuteFromIntervals } from "../../src/analysis/rps-per-minute.js";
import type { IntervalLine } from "../../src/core/types.js";

// A model where CPU % = RPS per instance (idle 0, 1 % per req/s): every CPU figure below is hand-computed from it.
const base: ReplayOptions = {
  policy: "step",
  step: { scaleUpCpuPct: 70, scaleUpForMin: 5, scaleDownCpuPct: 40, scaleDownForMin: 10, cooldownMin: 5 },
  target: { targetCpuPct: 60, scaleOutForMin: 3, scaleInForMin: 15, scaleInBelowPct: 90, cooldownMin: 5 },
  capacity: { idleCpuPct: 0, cpuPctPerRps: 1, sloRpsPerInstance: 70 },
  rpsPerMinute: [],
  minInstances: 2,
  maxInstances: 5,
  startupMin: 0,
};
const flat = (rps: number, minutes: number): number[] => Array.from({ length: minutes }, () => rps);
const instances = (r: { minutes: { instances: number }[] }): number[] => r.minutes.map((m) => m.instances);

test("step: scales up after exactly 5 minutes above 70 % CPU", () => {
  // 150 req/s on 2 instances = 75 % each; on 3 instances = 50 %.
  const r = replayAutoscaling({ ...base, rpsPerMinute: flat(150, 12) });
  assert.deepEqual(instances(r), [2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3]);
  assert.equal(r.actions.length, 1);
  assert.deepEqual({ minute: r.actions[0]!.minute, direction: r.actions[0]!.direction, from: r.actions[0]!.from, to: r.actions[0]!.to }, { minute: 4, direction: "up", from: 2, to: 3 });
  assert.equal(r.minutes[4]!.cpuPct, 75);
  assert.equal(r.minutes[5]!.cpuPct, 50);
  // 75 req/s per instance is over the 70 req/s SLO bound for the five minutes before the new instance serves.
  assert.equal(r.minutesOverSlo, 5);
  assert.equal(r.minutesOverSloAtMax, 0);
});

test("step: 4 minutes above the bound is not enough", () => {
  const r = replayAutoscaling({ ...base, rpsPerMinute: [...flat(150, 4), ...flat(100, 10)] });
  assert.equal(r.actions.length, 0);
  assert.ok(instances(r).every((n) => n === 2));
});

test("step: a new instance serves only after its startup time", () => {
  const r = replayAutoscaling({ ...base, startupMin: 3, rpsPerMinute: flat(150, 12) });
  // Decision at the end of minute 4; serving from minute 4 + 1 + 3 = 8; desired (paid) from minute 5.
  assert.deepEqual(instances(r), [2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3]);
  assert.deepEqual(r.minutes.map((m) => m.desired).slice(4, 9), [2, 3, 3, 3, 3]);
  // Minutes 5-7 stay above 70 % but the streak restarted at the action and the instance is on its way:
  // no second scale-up before minute 9, and at minute 8 CPU fell to 50 %.
  assert.equal(r.actions.length, 1);
  assert.equal(r.minutesOverSlo, 8);
  // Paid: 2 x 5 minutes + 3 x 7 minutes = 31 instance-minutes.
  assert.equal(r.instanceHours, Math.round((31 / 60) * 100) / 100);
});

test("step: scales down after exactly 10 minutes below 40 %, one step per window, never below min", () => {
  // 4 instances at 100 req/s: 25 % each; 3 -> 33.3 %; 2 -> 50 %.
  const r = replayAutoscaling({ ...base, initialInstances: 4, rpsPerMinute: flat(100, 40) });
  const n = instances(r);
  assert.deepEqual(n.slice(0, 11), [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3]);
  // After the action at minute 9 the next needs 10 new minutes below: minutes 10-19, acting at 19.
  assert.equal(n[19], 3);
  assert.equal(n[20], 2);
  assert.ok(n.slice(20).every((x) => x === 2));
  assert.deepEqual(r.actions.map((a) => [a.minute, a.direction, a.to]), [[9, "down", 3], [19, "down", 2]]);
  assert.equal(r.minInstancesSeen, 2);
  assert.equal(r.flaps, 0);
});

test("step: never above max; minutes over the SLO at max are counted apart", () => {
  // 1000 req/s needs 15 instances at 70 %; max is 5.
  const r = replayAutoscaling({ ...base, rpsPerMinute: flat(1000, 60) });
  assert.equal(r.peakInstances, 5);
  assert.ok(instances(r).every((x) => x >= 2 && x <= 5));
  assert.deepEqual(r.actions.map((a) => a.minute), [4, 9, 14]);
  // Every minute is over the 70 req/s bound (1000/5 = 200); from minute 15 the fleet is at max.
  assert.equal(r.minutesOverSlo, 60);
  assert.equal(r.minutesOverSloAtMax, 60 - 15);
  assert.equal(r.minutes[0]!.cpuPct, 100);
});

test("step: min is enforced on the starting fleet too", () => {
  const r = replayAutoscaling({ ...base, initialInstances: 1, rpsPerMinute: flat(0, 15) });
  assert.ok(instances(r).every((x) => x === 2));
  assert.equal(r.actions.length, 0);
});

test("step: a load that swings every 12 minutes flaps", () => {
  // Minutes 0-4 at 150 req/s (75 %): up at the end of minute 4. Minutes 5-15 at 60 req/s on 3 instances
  // (20 %): 10 minutes below 40 % by the end of minute 14: down. Minute 15 on 2 instances (30 %), then
  // the next cycle's 150 req/s from minute 16: up at 20, down at 30, and so on.
  const cycle = [...flat(150, 5), ...flat(60, 11)];
  const r = replayAutoscaling({ ...base, rpsPerMinute: [...cycle, ...cycle, ...cycle] });
  const dirs = r.actions.map((a) => a.direction);
  assert.deepEqual(dirs, ["up", "down", "up", "down", "up", "down"]);
  assert.deepEqual(r.actions.map((a) => a.minute), [4, 14, 20, 30, 36, 46]);
  // Five reversals, each within 30 minutes of the previous action.
  assert.equal(r.flaps, 5);
});

test("target tracking: scales out to ceil(n x cpu / target) after 3 minutes, no flapping at the hysteresis", () => {
  // 160 req/s on 2 instances = 80 %: ceil(2 x 80 / 60) = 3 -> 53.3 %, which is below 54 % (90 % of 60)
  // for 15 minutes, but ceil(3 x 53.3 / 60) = 3: nothing to remove.
  const r = replayAutoscaling({ ...base, policy: "target", rpsPerMinute: flat(160, 30) });
  assert.deepEqual(instances(r).slice(0, 4), [2, 2, 2, 3]);
  assert.ok(instances(r).slice(3).every((x) => x === 3));
  assert.equal(r.actions.length, 1);
  assert.match(r.actions[0]!.reason, /ceil\(2 x 80 \/ 60\) = 3/);
  assert.equal(r.minutesOverSlo, 3);
});

test("target tracking: a jump adds several instances at once; the drop removes them after 15 minutes", () => {
  // 2 instances at 300 req/s: 150 per instance -> CPU 100 (capped). ceil(2 x 100 / 60) = 4 at minute 2;
  // then 75 % -> ceil(4 x 75 / 60) = 5 (max) after 3 more minutes past the cooldown.
  const r = replayAutoscaling({ ...base, policy: "target", rpsPerMinute: [...flat(300, 20), ...flat(60, 30)] });
  assert.deepEqual(r.actions.slice(0, 2).map((a) => [a.minute, a.to]), [[2, 4], [7, 5]]);
  // At 60 req/s on 5 instances: 12 % < 54 % for 15 minutes (minutes 20-34): ceil(5 x 12 / 60) = 1 -> clamped to min 2.
  assert.deepEqual(r.actions[2] && [r.actions[2].minute, r.actions[2].direction, r.actions[2].to], [34, "down", 2]);
  assert.equal(instances(r)[35], 2);
});

test("without a measured SLO bound, saturation counts as over the SLO", () => {
  const r = replayAutoscaling({ ...base, capacity: { idleCpuPct: 10, cpuPctPerRps: 1, sloRpsPerInstance: null }, rpsPerMinute: [180, 180, 179, 100] });
  // Saturation at (100 - 10) / 1 = 90 req/s per instance: 180/2 = 90 is not over, 179/2 is not either.
  assert.equal(r.minutesOverSlo, 0);
  const r2 = replayAutoscaling({ ...base, capacity: { idleCpuPct: 10, cpuPctPerRps: 1, sloRpsPerInstance: null }, rpsPerMinute: [182, 100] });
  assert.equal(r2.minutesOverSlo, 1);
  assert.ok(r2.sloNote);
});

test("instance-hours: 2 instances for a day is 48", () => {
  const r = replayAutoscaling({ ...base, rpsPerMinute: flat(10, 1440) });
  assert.equal(r.instanceHours, 48);
});

test("daily curve: peak minute carries the peak, hours interpolate linearly", () => {
  const shape = Array.from({ length: 24 }, (_, h) => (h === 20 ? 2 : 1));
  const c = dailyTrafficCurve(shape, 600);
  assert.equal(c.length, 1440);
  assert.equal(Math.max(...c), 600);
  assert.equal(c[20 * 60], 600);
  assert.equal(c[19 * 60], 300);
  assert.equal(c[19 * 60 + 30], 450);
  assert.equal(c[20 * 60 + 15], 600 - 300 / 4);
  assert.throws(() => dailyTrafficCurve([1, 2], 10), /expected 24/);
});

test("measured curve: per-minute RPS from interval lines, rescaled to a peak", () => {
  const line = (t: number, requests: number): IntervalLine => ({
    t,
    ts: t * 1000,
    users: 1,
    dropped: 0,
    endpoints: { a: { method: "GET", requests, ok: requests, failed: 0, status: {}, errors: {}, bytesIn: 0, bytesOut: 0, hist: "" } },
    generator: { cpuPct: 0, eventLoopLagMsP99: 0, rssBytes: 0 },
  });
  const lines = [...Array.from({ length: 60 }, (_, t) => line(t, 10)), ...Array.from({ length: 30 }, (_, i) => line(60 + i, 40))];
  assert.deepEqual(rpsPerMinuteFromIntervals(lines), [10, 40]);
  assert.deepEqual(scaleCurveToPeak([10, 40], 100), [25, 100]);
});

test("advice: SLO bound below the scale-up CPU, max too low, flapping", () => {
  // SLO 70 req/s = 70 % CPU: at the step bound (70 %): advise scaling up below 63 %.
  const r = replayAutoscaling({ ...base, rpsPerMinute: flat(1000, 30) });
  assert.match(r.advice[0]!, /reached at 70 % CPU, at or below the scale-up CPU of 70 %.*below 63 % CPU/);
  // 1000 req/s at 70 per instance needs ceil(1000 / 70) = 15 instances; max is 5.
  assert.match(r.advice[1]!, /max 5 instances is too few for 15 min of this traffic: the busiest minute \(1000 req\/s\) needs 15 instances/);
  const cycle = [...flat(150, 5), ...flat(60, 11)];
  const f = replayAutoscaling({ ...base, capacity: { ...base.capacity, sloRpsPerInstance: 90 }, rpsPerMinute: [...cycle, ...cycle] });
  assert.deepEqual(f.advice.length, 1);
  assert.match(f.advice[0]!, /3 reversal\(s\) within 30 min/);
});

test("advice: loads beyond the measured range are flagged as extrapolated", () => {
  const r = replayAutoscaling({ ...base, capacity: { ...base.capacity, sloRpsPerInstance: 90, observedMaxRpsPerInstance: 40 }, rpsPerMinute: flat(100, 10) });
  // 100 req/s on 2 instances = 50 per instance > the 40 measured.
  assert.match(r.advice.join("\n"), /load reaches 50 req\/s per instance, beyond the 40 req\/s measured/);
  const within = replayAutoscaling({ ...base, capacity: { ...base.capacity, sloRpsPerInstance: 90, observedMaxRpsPerInstance: 60 }, rpsPerMinute: flat(100, 10) });
  assert.deepEqual(within.advice, []);
});

test("advice: when the SLO bound is reached at low CPU, scale on requests per instance", () => {
  // 1 % CPU per 10 req/s: the 200 req/s bound is reached at 20 % CPU.
  const r = replayAutoscaling({ ...base, capacity: { idleCpuPct: 0, cpuPctPerRps: 0.1, sloRpsPerInstance: 200 }, rpsPerMinute: flat(500, 10) });
  assert.match(r.advice[0]!, /CPU does not track the limit: at the SLO bound \(200 req\/s per instance\) the app uses 20 % CPU.*target 160 req\/s per instance/);
  // And the replay shows the cost: 250 req/s per instance on 2 instances, never scaled (25 % CPU).
  assert.equal(r.actions.length, 0);
  assert.equal(r.minutesOverSlo, 10);
});
