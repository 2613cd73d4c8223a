// Output directories the user names: created on the way, refused once (never looped on) when the
// system says no, with HR_FILE_ACCESS naming the path.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { makeDirectory } from "../../src/store/make-directory.js";
import { writeFixtureRun } from "../report/fixture-run.js";

const BIN = fileURLToPath(new URL("../../bin/headroom.js", import.meta.url));
let dir: string;
before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-out-paths-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("makeDirectory creates the directories on the way, accepts an existing one, and throws on a file in the way", () => {
  const deep = join(dir, "a", "b", "c");
  makeDirectory(deep);
  assert.ok(statSync(deep).isDirectory());
  makeDirectory(deep);
  const file = join(dir, "a-file");
  writeFileSync(file, "x");
  assert.throws(() => makeDirectory(file), { code: "EEXIST" });
  assert.throws(() => makeDirectory(join(file, "sub")), { code: "ENOTDIR" });
  // Under /proc mkdir answers ENOENT although the parent exists: one refusal, not a loop.
  assert.throws(() => makeDirectory("/proc/headroom-out"), { code: "ENOENT", path: "/proc/headroom-out" });
});

test("headroom report RUN --out /proc/x fails once with HR_FILE_ACCESS (exit 3) naming the path", () => {
  const run = writeFixtureRun(join(dir, "run"), { seed: 1, durationSec: 10, peakUsers: 5 });
  // A child process, so a regression that loops shows as a killed child instead of a hung test file.
  const r = spawnSync(process.execPath, [BIN, "report", run, "--out", "/proc/x", "--format", "md"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.signal, null, "report --out /proc/x did not end by itself");
  assert.equal(r.status, EXIT.CONFIG, r.stderr);
  assert.match(r.stderr, /^error\[HR_FILE_ACCESS\]: cannot create the directory "\/proc\/x": .*\(ENOENT\)\n {2}hint: check the path you gave \(--out/);
  assert.equal(r.stdout, "");
});

test("headroom plan --out /proc/x fails once with HR_FILE_ACCESS (exit 3) before anything starts", () => {
  // Node 20's recursive mkdirSync loops forever under /proc; plan creates its folder with makeDirectory.
  const r = spawnSync(process.execPath, [BIN, "plan", "--out", "/proc/x", "--no-search"], { encoding: "utf8", timeout: 60_000, cwd: dir });
  assert.equal(r.signal, null, "plan --out /proc/x did not end by itself");
  assert.equal(r.status, EXIT.CONFIG, r.stderr);
  assert.match(r.stderr, /^error\[HR_FILE_ACCESS\]: cannot create the directory "\/proc\/x": .*\(ENOENT\)\n {2}hint: check the path you gave \(--out/m);
  // Nothing was started: no platform, no run.
  assert.doesNotMatch(r.stdout + r.stderr, /starting|embedded PostgreSQL|baseline\s+(PASS|WARN|FAIL)/i);
});
