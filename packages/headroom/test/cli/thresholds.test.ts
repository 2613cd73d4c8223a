// `headroom run --threshold` against a local server whose stories stall 300 ms: a missed limit
// exits 99 with the failing line, a generous one passes, per-name and per-class thresholds judge
// their own requests, and --abort-on-fail stops a 60 s run soon after its grace.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { sloWithThresholds } from "../../src/analysis/slo-thresholds.js";
import { EXIT } from "../../src/core/errors.js";
import { parseThreshold } from "../../src/plan/thresholds.js";
import { readRunStore } from "../../src/store/run-store.js";

const STALL_MS = 300;
const SCENARIO = join(import.meta.dirname, "fixtures", "stall.scenario.ts");
let server: Server;
let base = "";
let tmp = "";

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "headroom-thresholds-"));
  server = createServer((req, res) => {
    if (req.url?.startsWith("/api/stories/")) setTimeout(() => res.end("story"), STALL_MS);
    else res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

const run = async (name: string, extra: string[]): Promise<{ code: number; out: string; err: string; dir: string }> => {
  const io = memoryIo({}, tmp);
  const dir = join(tmp, name);
  const code = await main(["run", SCENARIO, "--no-typecheck", "--host", base, "-u", "4", "-d", "2s", "--workers", "1", "-o", dir, ...extra], io);
  return { code, out: io.out(), err: io.err(), dir };
};

test("parseThreshold reads k6's forms and names what is wrong", () => {
  assert.deepEqual(parseThreshold("p95<500ms"), { text: "p95<500ms", metric: "p95", op: "<", value: 500 });
  assert.deepEqual(parseThreshold("p(99)<1.5"), { text: "p(99)<1.5", metric: "p99", op: "<", value: 1.5 });
  assert.equal(parseThreshold("p99<1s").value, 1000);
  assert.deepEqual(parseThreshold("errors<1%"), { text: "errors<1%", metric: "errors", op: "<", value: 1 });
  assert.deepEqual(parseThreshold("rps>=100"), { text: "rps>=100", metric: "rps", op: ">=", value: 100 });
  assert.deepEqual(parseThreshold("p95{name:/api/stories/[slug]}<300ms"), { text: "p95{name:/api/stories/[slug]}<300ms", metric: "p95", op: "<", value: 300, name: "/api/stories/[slug]" });
  assert.equal(parseThreshold("errors{class:Reader}<1%").userClass, "Reader");
  assert.throws(() => parseThreshold("p95<500kg"), /--threshold "p95<500kg": "kg" is not a time unit \(ms, s or us\); expected METRIC/);
  assert.throws(() => parseThreshold("errors<1"), /the error rate is a percentage: errors<1%/);
  assert.throws(() => parseThreshold("p95{class:Reader}<1s"), /a user class has no latency histogram of its own/);
  assert.throws(() => parseThreshold("latency<1s"), /"latency" is not a metric/);
});

test("a missed threshold exits 99 and prints the failing line; the run directory and report.html are written", async () => {
  const r = await run("fail", ["--threshold", "p99<100ms", "--threshold", "errors<1%"]);
  assert.equal(r.code, EXIT.TARGETS_FAILED, r.err);
  const failing = /failed: threshold p99<100ms: p99 (\d+(?:\.\d+)?) ms \(FAIL\)/.exec(r.err);
  assert.ok(failing, r.err);
  assert.ok(Number(failing[1]) >= STALL_MS * 0.9, `p99 ${failing[1]} ms, the stall is ${STALL_MS} ms`);
  assert.doesNotMatch(r.err, /errors<1%/, "the met threshold is not among the failures");
  assert.match(r.out, /thresholds:\n {2}p99<100ms: p99 [\d.]+ ms \(FAIL\)\n {2}errors<1%: errors 0% \(pass\)\n/);
  assert.ok(existsSync(join(r.dir, "report.html")), "report.html beside the summary");
  assert.ok(existsSync(join(r.dir, "summary.json")));
});

test("a met threshold exits 0; --no-report writes no report.html", async () => {
  const r = await run("pass", ["--threshold", "p99<5s", "--no-report"]);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.match(r.out, / {2}p99<5s: p99 \d+(\.\d+)? ms \(pass\)/);
  assert.equal(existsSync(join(r.dir, "report.html")), false);
});

test("per-name and per-class thresholds judge only their own requests", async () => {
  const r = await run("names", [
    "--threshold", "p95{name:/fast}<200ms",
    "--threshold", "p95{name:/api/stories/[slug]}<200ms",
    "--threshold", "errors{class:Reader}<1%",
    "--threshold", "rps{class:Browser}>0",
    "--threshold", "p95{name:/nope}<1s",
  ]);
  assert.equal(r.code, EXIT.TARGETS_FAILED, r.err);
  const failed = r.err.split("\n").filter((l) => l.startsWith("failed: "));
  assert.equal(failed.length, 2, r.err);
  assert.match(failed[0]!, /^failed: threshold p95\{name:\/api\/stories\/\[slug\]\}<200ms: p95\{name:\/api\/stories\/\[slug\]\} (\d+)(\.\d+)? ms \(FAIL\)$/);
  assert.match(failed[1]!, /^failed: threshold p95\{name:\/nope\}<1s: p95\{name:\/nope\} not measured: no request named "\/nope" \(the run has: .*\/fast.*\) \(FAIL\)$/);
  assert.match(r.out, / {2}p95\{name:\/fast\}<200ms: p95\{name:\/fast\} \d+(\.\d+)? ms \(pass\)/);
  assert.match(r.out, / {2}errors\{class:Reader\}<1%: errors\{class:Reader\} 0% \(pass\)/);
});

test("--abort-on-fail stops a 60 s run soon after its grace, exit 99", async () => {
  const started = Date.now();
  const io = memoryIo({}, tmp);
  const dir = join(tmp, "abort");
  const code = await main(["run", SCENARIO, "--no-typecheck", "--host", base, "-u", "4", "-d", "60s", "--workers", "1", "-o", dir, "--no-report", "--threshold", "p99<100ms", "--abort-on-fail", "--abort-grace", "2s"], io);
  const elapsedSec = (Date.now() - started) / 1000;
  assert.equal(code, EXIT.TARGETS_FAILED, io.err());
  assert.match(io.err(), /threshold failed after 2 s grace, stopping the run \(--abort-on-fail\):\n {2}p99<100ms: p99 \d+/);
  const store = readRunStore(dir);
  // Judged at the end of second 2 (t = 1); the stop lands within the next second or two on a busy machine.
  assert.ok(store.intervals.length >= 2 && store.intervals.length <= 5, `${store.intervals.length} seconds recorded`);
  assert.ok(elapsedSec < 20, `took ${elapsedSec} s of a 60 s run`);
  assert.match(store.manifest.notes?.join("\n") ?? "", /stopped early by --abort-on-fail: p99<100ms/);
});

test("--abort-on-fail without a threshold, and a bad threshold, are usage errors before any load", async () => {
  const io = memoryIo({}, tmp);
  assert.equal(await main(["run", "--url", `${base}/fast`, "-u", "1", "-d", "1s", "--abort-on-fail"], io), EXIT.USAGE);
  assert.match(io.err(), /--abort-on-fail was given without a --threshold/);
  const io2 = memoryIo({}, tmp);
  assert.equal(await main(["run", "--url", `${base}/fast`, "-u", "1", "-d", "1s", "--threshold", "p95<"], io2), EXIT.USAGE);
  assert.match(io2.err(), /error\[HR_BAD_SLO\]: --threshold "p95<": it is not of the form METRIC OP VALUE/);
});

test("search --threshold: the limit joins the SLO every step must meet; per-name and rps thresholds are refused", async () => {
  assert.deepEqual(sloWithThresholds({ p95Ms: 500, errorPct: 1 }, ["p99<1s", "p95<=300ms"]), { p95Ms: 300, p99Ms: 1000, errorPct: 1 });
  assert.throws(() => sloWithThresholds({}, ["rps>100"]), /--threshold "rps>100" cannot judge a search step: a search judges each step on p50, p95, p99 and errors; rps is the figure the search itself finds/);
  assert.throws(() => sloWithThresholds({}, ["p95{name:/x}<1s"]), /not one request name or user class/);
  const io = memoryIo({}, tmp);
  const quick = ["--step-time", "3s", "--warmup", "0s", "--window", "2s", "--no-repeat", "--no-recovery", "--workers", "1", "--max-steps", "1", "--start", "2"];
  assert.equal(await main(["search", "--url", `${base}/api/stories/x`, "--threshold", "p99<100ms", ...quick, "--out", join(tmp, "search")], io), EXIT.TARGETS_FAILED, io.err());
  assert.match(io.out(), /searching the breaking point \(closed model, SLO p95<500ms,p99<100ms,errors<1%\)/);
  assert.match(io.err(), /^no step met the SLO \(p95 < 500 ms, p99 < 100 ms, errors < 1%\): targets failed \(exit 99\)$/m);
});

test("run --targets FILE judges the tiered targets: a FAIL exits 99 with its line", async () => {
  const file = join(tmp, "targets.json");
  writeFileSync(file, JSON.stringify({ levels: { normal: { p95Ms: { target: 50, acceptable: 100 } } } }));
  const r = await run("targets", ["--targets", file, "--no-report"]);
  assert.equal(r.code, EXIT.TARGETS_FAILED, r.err);
  assert.match(r.err, /^failed: target P95 latency: \d+(\.\d+)? ms \(FAIL, (degraded|unacceptable)\)$/m);
  assert.doesNotMatch(r.err, /failed: target P50 latency/, "the Reader's fast requests keep p50 within its default target");
});

test("k6 and Locust habits: -u -r -d -H -o, --run-time as --duration; a misspelt option still gets its hint", async () => {
  const io = memoryIo({}, tmp);
  const dir = join(tmp, "short");
  assert.equal(await main(["run", "--url", `${base}/fast`, "-u", "2", "-r", "10", "--run-time", "1s", "-H", "X-Test: 1", "--workers", "1", "--no-report", "-o", dir], io), EXIT.OK, io.err());
  const m = readRunStore(dir).manifest;
  assert.deepEqual([m.plan.users, m.plan.spawnRate, m.plan.durationSec], [2, 10, 1]);
  const both = memoryIo({}, tmp);
  assert.equal(await main(["run", "--url", `${base}/fast`, "-u", "1", "-d", "1s", "--run-time", "2s"], both), EXIT.USAGE);
  assert.match(both.err(), /both --duration "1s" and --run-time "2s" were given; --run-time is Locust's name for --duration/);
  const typo = memoryIo({}, tmp);
  assert.equal(await main(["run", "--url", `${base}/fast`, "--thresold", "p95<1s"], typo), EXIT.USAGE);
  assert.match(typo.err(), /headroom run has no option "--thresold"\n {2}hint: did you mean --threshold\?/);
});
