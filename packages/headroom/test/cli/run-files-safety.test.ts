// Files a user hands to headroom, or asks it to write over (issue 14): run files that are JSON of
// the wrong shape are "not a run directory" (exit 3), not an internal error; `fit usl DIR` says
// it wants a file; --out to a folder holding a run is refused unless --force, and --force starts
// the run's files from empty; the command line copied into documents is redacted.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { writeTokens } from "../../../../apps/backend/src/headroom-tokens.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { INTERVALS_FILE, MANIFEST_FILE, SUMMARY_FILE } from "../../src/core/types.js";
import { redactCommandLine } from "../../src/core/redact.js";
import { writeFixtureRun } from "../report/fixture-run.js";

let dir: string;
let server: Server;
let base = "";
before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-run-files-"));
  server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; err: string; out: string }> {
  const io = memoryIo({}, dir);
  const code = await main(args, io);
  return { code, err: io.err(), out: io.out() };
}

test("manifest.json, summary.json or an interval line of the wrong shape: not a run directory, naming the file and the problem (exit 3)", async () => {
  const cases: [string, string, string, RegExp][] = [
    ["array", MANIFEST_FILE, "[]", /manifest\.json: expected a JSON object, got an array/],
    ["null", MANIFEST_FILE, "null", /manifest\.json: expected a JSON object, got null/],
    ["empty", MANIFEST_FILE, "{}", /manifest\.json: id: /],
    ["summary", SUMMARY_FILE, "{}", /summary\.json: name: /],
    ["interval", INTERVALS_FILE, '{"t":0,"ts":1,"users":"many","endpoints":{}}\n', /intervals\.ndjson: line 1: users: /],
  ];
  for (const [name, file, text, problem] of cases) {
    const run = writeFixtureRun(join(dir, name), { seed: 1, durationSec: 5, peakUsers: 2, telemetry: false });
    writeFileSync(join(run, file), text);
    for (const command of ["analyze", "report"]) {
      const r = await cli([command, run]);
      assert.equal(r.code, EXIT.CONFIG, `${command} ${name}: ${r.err}`);
      assert.match(r.err, /^error\[HR_RUN_INVALID\]: not a run directory: /, `${command} ${name}`);
      assert.ok(r.err.includes(join(run, file)), r.err);
      assert.match(r.err, problem, `${command} ${name}`);
    }
  }
});

test("fit usl on a directory is an input error naming it (exit 3), not EISDIR", async () => {
  mkdirSync(join(dir, "steps"), { recursive: true });
  const r = await cli(["fit", "usl", "steps"]);
  assert.equal(r.code, EXIT.CONFIG, r.err);
  assert.match(r.err, /^error\[HR_INPUT_INVALID\]: "steps" is a directory; expected a CSV file/);
});

test("run --out to a folder that holds a run is refused; with --force the run's files start from empty", async () => {
  const out = join(dir, "reused");
  const run = (extra: string[]): Promise<{ code: number; err: string; out: string }> => cli(["run", "--url", `${base}/`, "--connections", "2", "--duration", "1s", "--json", "--out", out, ...extra]);
  const first = await run([]);
  assert.equal(first.code, EXIT.OK, first.err);
  const refused = await run([]);
  assert.equal(refused.code, EXIT.USAGE, refused.err);
  assert.match(refused.err, /^error\[HR_OUT_NOT_EMPTY\]: --out ".*reused" is not empty \(intervals\.ndjson, manifest\.json, /);
  assert.match(refused.err, /--force/);
  const forced = await run(["--force"]);
  assert.equal(forced.code, EXIT.OK, forced.err);
  const lines = readFileSync(join(out, INTERVALS_FILE), "utf8").trim().split("\n");
  assert.equal(lines.length, 1, "one second of load, not the two runs appended");
  assert.equal(JSON.parse(forced.out).requests.total, JSON.parse(lines[0]!).endpoints["/"].requests);
});

test("the command line copied into documents has no password and no bearer token", () => {
  const line = redactCommandLine("headroom plan", ["--target", "http://h:3000", "--postgres", "postgres://u:PASSWORD@db:5432/app", "--redis", "redis://:s3cr3t@r:6379", "--header", "Authorization: Bearer abc.def.ghi"]);
  assert.equal(line, "headroom plan --target http://h:3000 --postgres postgres://u:***@db:5432/app --redis redis://:***@r:6379 --header 'Authorization: Bearer ***'");
});

test("plan's tokens: 0600 in a private 0700 folder by default, 0600 in the report folder with --keep-tokens", () => {
  const tokens = [{ userId: "1", token: "mj1.x.y" }];
  const temp = writeTokens(tokens, undefined);
  try {
    assert.match(temp, /headroom-tokens-[^/]+\/tokens\.json$/);
    assert.equal(statSync(temp).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(temp)).mode & 0o777, 0o700);
  } finally {
    rmSync(dirname(temp), { recursive: true, force: true });
  }
  const kept = writeTokens(tokens, dir);
  assert.equal(kept, join(dir, "tokens.json"));
  assert.equal(statSync(kept).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(kept, "utf8")), tokens);
});

test("search --out to a folder that holds files is refused before any step runs", async () => {
  const out = join(dir, "search-reused");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "search.json"), "{}\n");
  const r = await cli(["search", "--url", `${base}/`, "--out", out]);
  assert.equal(r.code, EXIT.USAGE, r.err);
  assert.match(r.err, /^error\[HR_OUT_NOT_EMPTY\]: --out ".*search-reused" is not empty \(search\.json\)/);
  assert.deepEqual(readdirSync(out), ["search.json"], "nothing written");
});
