import assert from "node:assert/strict";
import { test } from "node:test";
import { HeadroomError } from "../../src/core/errors.js";
import { formatDurationMs, parseDurationMs, parsePositiveDurationSec } from "../../src/plan/duration.js";

test("durations read as k6 and Locust users write them", () => {
  assert.equal(parseDurationMs("30s"), 30_000);
  assert.equal(parseDurationMs("5m"), 300_000);
  assert.equal(parseDurationMs("1h30m"), 5_400_000);
  assert.equal(parseDurationMs("250ms"), 250);
  assert.equal(parseDurationMs("1.5s"), 1500);
  assert.equal(parseDurationMs("2m30s"), 150_000);
  assert.equal(parseDurationMs("90"), 90_000, "a bare number is seconds");
  assert.equal(parsePositiveDurationSec("1h"), 3600);
});

test("a bad duration names the value and the expected form", () => {
  for (const bad of ["", "2x", "5 minutes", "m5", "1h30", "-5s"]) {
    assert.throws(
      () => parseDurationMs(bad, "--duration"),
      (e: unknown) => e instanceof HeadroomError && e.code === "HR_BAD_DURATION" && e.message.includes(`"${bad}"`) && e.message.includes("30s"),
      bad,
    );
  }
  assert.throws(() => parsePositiveDurationSec("0s"), /zero/);
});

test("durations format back to the shortest exact form", () => {
  assert.equal(formatDurationMs(5_400_000), "1h30m");
  assert.equal(formatDurationMs(30_000), "30s");
  assert.equal(formatDurationMs(250), "250ms");
  assert.equal(formatDurationMs(1500), "1.5s");
});
