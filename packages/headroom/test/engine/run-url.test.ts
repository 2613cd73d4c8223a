// Integration: the single-URL engine against a real local server on port 0.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { readRunStore } from "../../src/store/run-store.js";
import { SUMMARY_FILE, type RunSummary } from "../../src/core/types.js";
import { existsSync } from "node:fs";

let server: Server;
let base = "";
const tmp = mkdtempSync(join(tmpdir(), "headroom-run-url-"));

before(async () => {
  server = createServer((req, res) => {
    if (req.url === "/chunked") {
      res.write("hel");
      res.end("lo");
    } else if (req.url === "/fail") {
      res.statusCode = 503;
      res.end("no");
    } else res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test("--connections --json prints exactly one JSON summary and writes the run store", async () => {
  const io = memoryIo();
  const out = join(tmp, "tp");
  const code = await main(["run", "--url", `${base}/`, "--connections", "4", "--duration", "1s", "--workers", "1", "--json", "--out", out], io);
  assert.equal(code, 0, io.err());
  const s = JSON.parse(io.out()) as RunSummary;
  assert.ok(s.requests.total > 10, `requests ${s.requests.total}`);
  assert.equal(s.requests.failed, 0);
  assert.equal(s.status["200"], s.requests.total);
  assert.equal(s.runDir, out);
  for (const k of ["min", "mean", "p50", "p90", "p95", "p99", "p999", "max"] as const) assert.equal(typeof s.latencyMs[k], "number");
  const store = readRunStore(out);
  assert.equal(store.manifest.status, "completed");
  assert.equal(store.intervals.length, 1);
  assert.equal(store.intervals[0]!.endpoints["/"]!.requests, s.requests.total);
});

test("chunked responses and failing statuses are framed and classified", async () => {
  const io = memoryIo();
  const code = await main(["run", "--url", `${base}/chunked`, "--connections", "2", "--duration", "1s", "--workers", "1", "--json", "--out", join(tmp, "ch")], io);
  assert.equal(code, 0, io.err());
  const s = JSON.parse(io.out()) as RunSummary;
  assert.ok(s.requests.total > 10);
  assert.equal(s.requests.failed, 0);
  const io2 = memoryIo();
  await main(["run", "--url", `${base}/fail`, "--rate", "20", "--duration", "1s", "--workers", "1", "--json", "--out", join(tmp, "fail")], io2);
  const f = JSON.parse(io2.out()) as RunSummary;
  assert.equal(f.requests.total, 20);
  assert.equal(f.requests.failed, 20);
  assert.equal(f.errors.status, 20);
  assert.equal(f.status["503"], 20);
});

test("Ctrl-C stops gracefully: exit 130, summary written, every completed second kept", async () => {
  const io = memoryIo();
  const out = join(tmp, "interrupted");
  const running = main(["run", "--url", `${base}/`, "--users", "3", "--think", "20ms", "--duration", "30s", "--workers", "1", "--out", out], io);
  // Interrupt once the first second is on disk and part of the second has run.
  for (let i = 0; i < 100 && !(existsSync(join(out, "intervals.ndjson")) && readRunStore(out).intervals.length >= 1); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  io.interrupt();
  const code = await running;
  assert.equal(code, 130, io.err());
  const store = readRunStore(out);
  assert.equal(store.manifest.status, "interrupted");
  assert.ok(existsSync(join(out, SUMMARY_FILE)));
  assert.equal(store.summary!.runStatus, "interrupted");
  assert.ok(store.intervals.length >= 2 && store.intervals.length <= 3, `lines ${store.intervals.length}`);
  assert.deepEqual(
    store.intervals.map((l) => l.t),
    store.intervals.map((_, i) => i),
  );
  assert.equal(store.summary!.requests.total, store.intervals.reduce((n, l) => n + (l.endpoints["/"]?.requests ?? 0), 0));
  assert.match(io.out(), /interrupted in \d+ s/);
});

test("Ctrl-C stops a multi-worker run too", async () => {
  const io = memoryIo();
  const out = join(tmp, "interrupted-workers");
  const running = main(["run", "--url", `${base}/`, "--rate", "50", "--duration", "30s", "--workers", "2", "--out", out, "--json"], io);
  // Workers take a moment to start: interrupt once the first merged second is on disk.
  for (let i = 0; i < 100 && !(existsSync(join(out, "intervals.ndjson")) && readRunStore(out).intervals.length >= 1); i++) await new Promise((r) => setTimeout(r, 100));
  io.interrupt();
  assert.equal(await running, 130, io.err());
  const s = JSON.parse(io.out()) as RunSummary;
  assert.equal(s.runStatus, "interrupted");
  assert.ok(s.requests.total >= 40, `requests ${s.requests.total}`);
  assert.equal(readRunStore(out).manifest.status, "interrupted");
});

test("bad input: one message with the fix and a documented exit code", async () => {
  const cases: [string[], number, RegExp][] = [
    [["run", "--url", `${base}/`, "--connections", "2", "--duration", "10 minutes"], 2, /HR_BAD_DURATION.*"10 minutes".*30s, 5m, 1h30m/],
    [["run", "--url", `${base}/`, "--connections", "2", "--duration", "1s", "--bogus"], 2, /HR_UNKNOWN_FLAG.*--bogus/],
    [["run", "--url", `${base}/`, "--connections", "2", "--rate", "5", "--duration", "1s"], 2, /HR_CONFLICTING_FLAGS/],
    [["run", "--url", `${base}/`, "--duration", "1s"], 2, /HR_MISSING_ARGUMENT.*--users/],
    [["run", "--url", `${base}/`, "--connections", "2"], 2, /HR_MISSING_ARGUMENT.*--duration/],
    [["run", "--url", "localhost:8000", "--connections", "2", "--duration", "1s"], 2, /HR_BAD_URL/],
    [["run", "--url", `${base}/`, "--header", "nocolon", "--connections", "2", "--duration", "1s"], 2, /HR_BAD_HEADER/],
    [["run", "--url", `${base}/`, "--connections", "0", "--duration", "1s"], 2, /HR_BAD_NUMBER/],
    [["run", "--url", "http://127.0.0.1:1/", "--connections", "2", "--duration", "1s"], 4, /HR_TARGET_UNREACHABLE.*127\.0\.0\.1:1.*ECONNREFUSED/],
    [["run"], 2, /HR_MISSING_ARGUMENT.*nothing to run/],
    [["run", "--url", `${base}/`, "--connections", "2", "--duration", "1s", "--var", "a=b"], 2, /HR_CONFLICTING_FLAGS.*--var applies to scenario files/],
    // Flags of another executor were silently ignored; a zero timeout was a config error (exit 3).
    [["run", "--url", `${base}/`, "--rate", "5", "--think", "1s-5s", "--duration", "1s"], 2, /HR_CONFLICTING_FLAGS.*--think does not apply to the open model.*belongs to the closed model/],
    [["run", "--url", `${base}/`, "--connections", "2", "--spawn-rate", "5", "--duration", "1s"], 2, /HR_CONFLICTING_FLAGS.*--spawn-rate does not apply to the throughput model/],
    [["run", "--url", `${base}/`, "--users", "2", "--max-in-flight", "5", "--duration", "1s"], 2, /HR_CONFLICTING_FLAGS.*--max-in-flight does not apply to the closed model/],
    [["run", "--url", `${base}/`, "--users", "2", "--duration", "1s", "--timeout", "0"], 2, /HR_BAD_DURATION.*--timeout "0"/],
    [["run", "missing.scenario.ts", "--url", `${base}/`, "--users", "2", "--duration", "1s"], 2, /HR_CONFLICTING_FLAGS.*"missing\.scenario\.ts"\) and --url/],
  ];
  for (const [argv, exit, pattern] of cases) {
    const io = memoryIo();
    const code = await main(argv, io);
    assert.equal(code, exit, `${argv.join(" ")}: ${io.err()}`);
    assert.match(io.err(), pattern);
    assert.match(io.err(), /\n {2}hint: /);
    assert.doesNotMatch(io.err(), /\n\s+at /, "no stack trace");
    assert.equal(io.out(), "");
  }
});

test("--dry-run prints the plan without sending anything", async () => {
  const io = memoryIo();
  const code = await main(["run", "--url", "http://127.0.0.1:1/", "--stages", "ramp=10s:50@10,spike=5s:500@100", "--dry-run", "--workers", "2", "--json"], io);
  assert.equal(code, 0, io.err());
  const d = JSON.parse(io.out()) as { plan: { executor: string; users: number; durationSec: number }; schedule: { stage: string; to: number; reachedAtSec: number }[] };
  assert.deepEqual(d.plan.executor, "closed");
  assert.equal(d.plan.users, 500);
  assert.equal(d.plan.durationSec, 15);
  assert.deepEqual(
    d.schedule.map((r) => [r.stage, r.to, r.reachedAtSec]),
    [
      ["ramp", 50, 4.9],
      ["spike", 500, 14.49],
    ],
  );
});

test("--segment runs one host's share of the arrivals; the shares add up to the plan", async () => {
  const totals: number[] = [];
  for (const seg of ["0/2", "1/2"]) {
    const io = memoryIo();
    const out = join(tmp, `seg-${seg.replace("/", "of")}`);
    const code = await main(["run", "--url", `${base}/`, "--rate", "21", "--duration", "1s", "--segment", seg, "--workers", "1", "--json", "--out", out], io);
    assert.equal(code, 0, io.err());
    totals.push((JSON.parse(io.out()) as RunSummary).requests.total);
    assert.equal(readRunStore(out).intervals[0]!.segment, seg);
  }
  assert.deepEqual(totals, [11, 10]);
});
