// test-needs: redis
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { readRunStore } from "../../src/store/run-store.js";
import { EXIT } from "../../src/core/errors.js";

const scratch = mkdtempSync(join(tmpdir(), "headroom-telemetry-cli-"));
let server: Server;
let port = 0;
before(async () => {
  server = createServer((_q, s) => s.end("# TYPE up gauge\nup 1\n"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(scratch, { recursive: true, force: true });
});

test("headroom telemetry: every source into the run store; a dead source is a gap, the others go on, and the exit code says it (4)", async () => {
  const out = join(scratch, "run1");
  const io = memoryIo();
  const code = await main(
    [
      "telemetry",
      "--postgres", process.env.HEADROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres",
      "--redis", process.env.HEADROOM_TEST_REDIS ?? "redis://127.0.0.1:6379",
      "--prometheus", "http://127.0.0.1:1/metrics", // nothing listens on port 1
      "--port", String(port),
      "--pid", String(process.pid),
      "--duration", "2s",
      "--interval", "500ms",
      "--out", out,
    ],
    io,
  );
  assert.equal(code, EXIT.UNREACHABLE, io.err());
  const run = readRunStore(out);
  assert.equal(run.manifest.status, "completed");
  assert.equal(run.manifest.name, "telemetry");
  const by = (source: string) => run.telemetry.filter((l) => l.source === source);
  for (const source of ["postgres", "redis", "host"]) {
    const lines = by(source);
    if (lines.length < 4 || lines.length > 6) assert.fail(`${source}: ${lines.length} lines: ${JSON.stringify(lines.map((l) => [l.t, l.ok, l.error]))}`);
    assert.ok(lines.every((l) => l.ok), `${source}: ${JSON.stringify(lines.find((l) => !l.ok))}`);
  }
  const prom = by("prometheus");
  assert.ok(prom.length >= 4, `prometheus: ${prom.length} lines`);
  assert.ok(prom.every((l) => !l.ok && /ECONNREFUSED/.test(l.error ?? "")), JSON.stringify(prom));
  // The process listening on the port is this test process, also given by --pid: one line per sample, not two.
  const proc = by("process");
  assert.ok(proc.every((l) => l.labels?.pid === String(process.pid) && l.ok), JSON.stringify(proc));
  assert.equal(proc.length, by("host").length);
  // t counts from the manifest's start; ticks fall on its 500 ms grid (the first one at once).
  // (Real timers fire a little late on a busy machine: the grid, not the exact ms, is asserted.)
  assert.deepEqual(by("host").slice(1, 4).map((l) => Math.round(l.t * 4) / 4), [0.5, 1, 1.5]);
  assert.ok(by("host")[0].t < 0.5, `first host line at ${by("host")[0].t}`);

  assert.match(io.out(), new RegExp(`run directory: ${out}`));
  assert.match(io.out(), /prometheus +\d+ +0 +\d+ +0 +last error: scrape http:\/\/127\.0\.0\.1:1\/metrics: connect ECONNREFUSED/);
  assert.match(io.out(), /postgres +connections_pct/);
  assert.match(io.out(), /redis +hit_pct|redis +used_memory_bytes/);
  assert.match(io.err(), /^error\[HR_TARGET_UNREACHABLE\]: no successful sample from prometheus \(\d+ tried, last error: scrape http:\/\/127\.0\.0\.1:1\/metrics: connect ECONNREFUSED 127\.0\.0\.1:1\)\n {2}hint: check that the source is up/m);
});

test("headroom telemetry --json, and Ctrl-C keeps what was sampled (exit 130)", async () => {
  const out = join(scratch, "run2");
  const io = memoryIo();
  const pending = main(["telemetry", "--prometheus", `http://127.0.0.1:${port}/metrics`, "--no-host", "--duration", "1m", "--interval", "200ms", "--out", out, "--json"], io);
  await new Promise((r) => setTimeout(r, 500));
  io.interrupt();
  const code = await pending;
  assert.equal(code, EXIT.INTERRUPTED);
  const run = readRunStore(out);
  assert.equal(run.manifest.status, "interrupted");
  assert.ok(run.telemetry.length >= 2);
  assert.ok(run.telemetry.every((l) => l.source === "prometheus" && l.ok && l.values.up === 1));
  const json = JSON.parse(io.out()) as { runDir: string; sources: { source: string; ok: number }[] };
  assert.equal(json.runDir, out);
  assert.equal(json.sources[0].source, "prometheus");
  assert.equal(json.sources[0].ok, run.telemetry.length);
});

test("bad flags name the value and the fix, with the usage exit code", async () => {
  const cases: [string[], RegExp][] = [
    [["--interval", "10ms"], /HR_BAD_DURATION.*--interval "10ms" is shorter than 100ms/],
    [["--duration", "soon"], /HR_BAD_DURATION.*--duration "soon" is not a duration/],
    [["--port", "http"], /HR_BAD_NUMBER.*--port "http" is not a whole number/],
    [["--postgres", "localhost:5432"], /HR_BAD_URL.*postgres connection string "localhost:5432" has protocol "localhost:"/],
    [["--redis", "not a url"], /HR_BAD_URL.*redis URL "not a url" is not a URL/],
    [["--no-host"], /HR_MISSING_ARGUMENT.*no source to sample/],
  ];
  for (const [args, expected] of cases) {
    const io = memoryIo();
    const code = await main(["telemetry", "--duration", "1s", "--out", join(scratch, "bad"), ...args], io);
    assert.equal(code, EXIT.USAGE, `${args.join(" ")}: ${io.err()}`);
    assert.match(io.err().replace(/\n/g, " "), expected);
    assert.match(io.err(), /hint: /);
  }
});
