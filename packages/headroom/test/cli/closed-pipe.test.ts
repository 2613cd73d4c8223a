// `headroom ... | head`: when the reader closes the pipe before headroom has written, the write
// fails with EPIPE; headroom stops quietly with exit 0 instead of printing an unhandled-error stack.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { initHistograms } from "../../src/metrics/histogram.js";
import { writeFixtureRun } from "../report/fixture-run.js";

const BIN = fileURLToPath(new URL("../../bin/headroom.js", import.meta.url));
let dir: string;

before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-pipe-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with its stdout read end closed at once: every write it makes meets a pipe without a reader. */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

for (const args of [["--help"], ["run", "--help"], ["report", "RUN", "--format", "md"]]) {
  test(`headroom ${args.join(" ")} into a closed pipe exits 0 without a stack trace`, { timeout: 30_000 }, async () => {
    const real = args.map((a) => (a === "RUN" ? writeFixtureRun(join(dir, "run"), { seed: 3, durationSec: 10, peakUsers: 5 }) : a));
    const { code, stderr } = await runIntoClosedPipe(real);
    assert.equal(stderr, "");
    assert.equal(code, 0);
  });
}
