// headroom compare on two runs that did not measure the same test: it still compares, and says
// what differs in the text, the Markdown and the JSON.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { comparabilityDifferences, type ComparedManifest } from "../../src/analysis/compare-comparable.js";
import type { RunComparison } from "../../src/analysis/compare.js";
import { fixtureManifest, writeFixtureRun } from "../report/fixture-run.js";

let dir: string;
before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-compare-cli-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("comparabilityDifferences names each field that differs, A first, and nothing for the same test", () => {
  const a: ComparedManifest = fixtureManifest("peak", 60, 40);
  assert.deepEqual(comparabilityDifferences(a, fixtureManifest("peak", 60, 40), 60, 62), []);
  // The same scenario file in another checkout is the same scenario.
  assert.deepEqual(comparabilityDifferences(a, { ...a, target: { ...a.target, scenario: "/elsewhere/apps/backend/tests/load_tests/muejam.ts" } }, 60, 60), []);
  const b: ComparedManifest = {
    ...a,
    target: { url: "http://127.0.0.1:4000", scenario: "shop.scenario.ts" },
    plan: { executor: "open", durationSec: 300, rate: 200, scenario: "shop.scenario.ts", stages: [{ durationSec: 60, rate: 400 }] },
    scale: 0.5,
  };
  assert.deepEqual(comparabilityDifferences(a, b, 60, 300), [
    "scenario: muejam vs shop.scenario.ts",
    "target: http://127.0.0.1:3000 vs http://127.0.0.1:4000",
    "executor: closed vs open",
    "users: 40 vs none",
    "rate: none vs 400 req/s",
    "user classes: AuthenticatedUser (weight 70, between(1s, 5s)), UnauthenticatedUser (weight 25, between(2s, 8s)) vs none",
    "duration: 60 s vs 300 s (5.0x apart)",
    "scale: 1 vs 0.5",
  ]);
  // Durations within 1.5x of each other are close enough.
  assert.deepEqual(comparabilityDifferences(a, a, 60, 89), []);
});

test("headroom compare: a warning naming what differs in text, --md and --json; the comparison and its exit code go on", async () => {
  const a = writeFixtureRun(join(dir, "a"), { seed: 1, durationSec: 40, peakUsers: 40, telemetry: false });
  const b = writeFixtureRun(join(dir, "b"), { seed: 1, durationSec: 40, peakUsers: 80, telemetry: false });
  const same = writeFixtureRun(join(dir, "same"), { seed: 2, durationSec: 40, peakUsers: 40, telemetry: false });
  const warning = "A and B are not comparable: they differ in users: 40 vs 80. The figures still compare them, but a change may come from the test, not the system.";

  let io = memoryIo();
  const code = await main(["compare", a, b, "--max-regression", "1000%"], io);
  assert.equal(code, EXIT.OK, io.err());
  assert.ok(io.out().includes(`\nWARNING: ${warning}\n`), io.out());
  assert.match(io.out(), /overall\s+P50 \(ms\)/);

  io = memoryIo();
  assert.equal(await main(["compare", a, b, "--md", "--max-regression", "1000%"], io), EXIT.OK);
  assert.ok(io.out().includes(`\n> **Warning:** ${warning}\n`), io.out());
  assert.equal(io.err(), `warning: ${warning}\n`);

  io = memoryIo();
  assert.equal(await main(["compare", a, b, "--json", "--max-regression", "1000%"], io), EXIT.OK);
  const json = JSON.parse(io.out()) as RunComparison;
  assert.equal(json.comparable, false);
  assert.deepEqual(json.differences, ["users: 40 vs 80"]);
  assert.equal(io.err(), `warning: ${warning}\n`);

  io = memoryIo();
  assert.equal(await main(["compare", a, same, "--json"], io), EXIT.OK, io.err());
  assert.equal((JSON.parse(io.out()) as RunComparison).comparable, true);
  assert.equal(io.err(), "");
});
