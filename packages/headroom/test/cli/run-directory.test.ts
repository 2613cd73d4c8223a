// The run directory that report, analyze and compare read: a missing path, a file or a folder of
// runs (a plan's output) each says what a run directory is and where runs are.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { writeFixtureRun } from "../report/fixture-run.js";

let dir: string;
before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-run-dir-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const WHERE = /\n {2}hint: a run directory holds the manifest\.json and intervals\.ndjson of one test: `headroom run` writes runs\/<id> under the current directory \(or --out\) and prints its path as it starts \("run directory \.\.\."\); `headroom plan` writes one per test in runs\/plan-<id>\/<test>; `ls runs` lists them\n$/;

test("report, analyze and compare: a missing path, a file, an empty folder and a plan's output each name the path and the fix (exit 3)", async () => {
  const plan = join(dir, "plan-1");
  const run = writeFixtureRun(join(plan, "baseline"), { seed: 1, durationSec: 10, peakUsers: 5, telemetry: false });
  writeFixtureRun(join(plan, "peak"), { seed: 2, durationSec: 10, peakUsers: 5, telemetry: false });
  writeFileSync(join(dir, "notes.txt"), "x");
  mkdirSync(join(dir, "empty"));
  const cases: [string, RegExp][] = [
    ["nope", new RegExp(`^error\\[HR_RUN_NOT_FOUND\\]: run directory "${join(dir, "nope")}" does not exist; expected a directory with manifest\\.json, written by \`headroom run\` or \`headroom plan\`${WHERE.source}`)],
    ["notes.txt", new RegExp(`^error\\[HR_RUN_NOT_FOUND\\]: "${join(dir, "notes.txt")}" is a file, not a run directory; expected a directory with manifest\\.json${".*" + WHERE.source}`)],
    ["empty", new RegExp(`^error\\[HR_RUN_NOT_FOUND\\]: no manifest\\.json in "${join(dir, "empty")}"; expected a directory with manifest\\.json${".*" + WHERE.source}`)],
    ["plan-1", new RegExp(`^error\\[HR_RUN_NOT_FOUND\\]: "${plan}" holds 2 run directories but is not one itself \\(no manifest\\.json\\)\\n {2}hint: pass one of them, e\\.g\\. ${join(plan, "baseline")}, ${join(plan, "peak")}\\n$`)],
  ];
  for (const [path, expected] of cases) {
    for (const args of [["report", path], ["analyze", path], ["compare", run, path]]) {
      const io = memoryIo({}, dir);
      assert.equal(await main(args, io), EXIT.CONFIG, `${args.join(" ")}: ${io.err()}`);
      assert.match(io.err(), expected, args.join(" "));
    }
  }
});
