// headroom search as a new user meets it: 429s (a rate limiter) reported apart from errors, and a
// first step that already broke said plainly instead of a breaking point.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { searchText } from "../../src/analysis/analysis-text.js";
import { failedRateLimited, stepFromLines } from "../../src/analysis/load-steps.js";
import { searchCapacity } from "../../src/analysis/search.js";
import type { SearchResult } from "../../src/analysis/types.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { firstStepBroke } from "../../src/cli/search.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import type { IntervalLine } from "../../src/core/types.js";

/** One second of one endpoint: `ok` 200s, `r429` 429s (failed unless `accepted`), `r500` 500s. */
function second(t: number, c: { ok: number; r429: number; r500: number; accepted: boolean }): IntervalLine {
  const failed = c.r500 + (c.accepted ? 0 : c.r429);
  const requests = c.ok + c.r429 + c.r500;
  return {
    t,
    ts: t * 1000,
    users: 10,
    dropped: 0,
    endpoints: { "/x": { method: "GET", requests, ok: requests - failed, failed, status: { "200": c.ok, "429": c.r429, "500": c.r500 }, errors: failed > 0 ? { status: failed } : {}, bytesIn: 0, bytesOut: 0, hist: "" } },
    generator: { cpuPct: 10, eventLoopLagMsP99: 1, rssBytes: 1e8 },
  };
}

let dir: string;
let server: Server;
let base = "";
let calls = 0;
before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-search-cli-"));
  server = createServer((req, res) => {
    if (req.url === "/slow") return void setTimeout(() => res.end("slow"), 300);
    // Every other request limited, as a token bucket under steady load would.
    res.statusCode = calls++ % 2 === 0 ? 429 : 200;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test("a step counts 429s apart from its errors, whether they failed (single URL) or were accepted (a scenario)", () => {
  // A single URL fails every 429: 40 of 100 responses, plus 2 real errors.
  const failing = [0, 1, 2].map((t) => second(t, { ok: 58, r429: 40, r500: 2, accepted: false }));
  assert.equal(failedRateLimited(failing), 120);
  const a = stepFromLines(failing, { users: 10 });
  assert.equal(a.errorPct, 2);
  assert.equal(a.rateLimited, 120);
  assert.equal(a.rateLimitedPct, 40);
  // A scenario accepting 429 (acceptAlso(429)): the 500s alone are errors, none subtracted.
  const accepted = [0, 1, 2].map((t) => second(t, { ok: 58, r429: 40, r500: 2, accepted: true }));
  assert.equal(failedRateLimited(accepted), 0);
  assert.equal(stepFromLines(accepted, { users: 10 }).errorPct, 2);
  // No 429 at all: no rate-limit fields, errors as before.
  const plain = stepFromLines([second(0, { ok: 95, r429: 0, r500: 5, accepted: false })], { users: 10 });
  assert.equal(plain.errorPct, 5);
  assert.equal(plain.rateLimitedPct, undefined);
});

test("every step broke: no breaking point, the first step named and a lower --start advised (text and JSON)", async () => {
  const slo = { p95Ms: 100 };
  const broken = (users: number) => ({ users, rps: users * 3, p50Ms: 300, p95Ms: 300, errorPct: 0, requests: users * 30, durationSec: 10, steady: true });
  // --max-steps 2 from 8 users: 8 and 4 both broke; the search could go lower.
  const r: SearchResult = await searchCapacity({ model: "closed", slo, start: 8, maxSteps: 2, repeat: false }, async (load) => broken(load.users!));
  firstStepBroke(r, slo, 2);
  const said = "the first step, 8 users, already broke p95 < 100 ms (p95 300 ms > 100 ms), and so did every lighter step down to 4 users: start lower with --start 2";
  assert.equal(r.detail.stopReason, said);
  assert.deepEqual(r.breakingPoint, { users: null, rps: null, limit: said });
  assert.deepEqual(r.comfortable, { users: null, rps: null });
  assert.equal(r.maxRps, null);
  const text = searchText(r);
  assert.ok(text.includes(`No step met the SLO: ${said}\n`), text);
  assert.doesNotMatch(text, /Breaking point|Comfortable capacity/);
  // Down to one user and still broken: nothing lower to start at.
  const floor = await searchCapacity({ model: "closed", slo, start: 2, repeat: false }, async (load) => broken(load.users!));
  firstStepBroke(floor, slo, 2);
  assert.match(floor.detail.stopReason, /^the first step, 2 users, already broke p95 < 100 ms \(p95 300 ms > 100 ms\), and so did every lighter step down to 1 user: even 1 user misses it; check the target \(the URL, its health\) or loosen --slo$/);
  // The first step broke but a lighter one held: the bracket stands, with a note for next time.
  const held = await searchCapacity({ model: "closed", slo, start: 8, maxSteps: 4, repeat: false }, async (load) => (load.users! > 4 ? broken(load.users!) : { ...broken(load.users!), p50Ms: 50, p95Ms: 60 }));
  firstStepBroke(held, slo, 2);
  assert.equal(held.breakingPoint.users, 5);
  assert.match(held.detail.stopReason, /^bracketed the break between 4 and 5 users; the first step, 8 users, already broke p95 < 100 ms \(p95 300 ms > 100 ms\): next time start lower, e.g\. --start 4$/);
});

const QUICK = ["--step-time", "4s", "--warmup", "1s", "--window", "2s", "--no-repeat", "--no-recovery", "--workers", "1"];

test("headroom search against a rate limiter: 429 share in its own column and in --json, not errors", async () => {
  const out = join(dir, "limited");
  let io = memoryIo();
  assert.equal(await main(["search", "--url", `${base}/`, "--start", "2", "--max", "2", "--think", "10ms", ...QUICK, "--out", out], io), EXIT.OK, io.err());
  assert.match(io.out(), /step 1: ramp 2 users: [\d.]+ req\/s, p95 [\d.]+ ms, errors 0\.00%, 429 (49|50|51)\.\d\d%( \(not steady\))? -> ok/);
  assert.match(io.out(), /#\s+pass\s+users\s+req\/s\s+p50 ms\s+p95 ms\s+error %\s+429 %\s+steady\s+result\n1\s+ramp\s+2\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+0\s+(49|50|51)(\.\d+)?\s+(yes|no)\s+ok/);
  assert.match(io.out(), /429 \(rate limited\): up to [\d.]+% of the responses \(at 2 users\) came from the target's rate limiter/);
  const saved = JSON.parse(readFileSync(join(out, "search.json"), "utf8")) as SearchResult;
  assert.equal(saved.steps[0]!.errorPct, 0);
  assert.ok(Math.abs(saved.steps[0]!.rateLimitedPct! - 50) <= 1, JSON.stringify(saved.steps));
  // The limiter answers every other request with 429; the window's edges may cut a pair (a request
  // sent before the window and answered in it), so the window holds half, within a pair at each edge.
  const limited = saved.detail.steps[0]!;
  assert.ok(Math.abs(limited.rateLimited! * 2 - limited.requests) <= 4, `${limited.rateLimited} of ${limited.requests} rate limited`);

  io = memoryIo();
  // No step met the SLO: targets failed (exit 99), said on stderr; the result is still printed.
  assert.equal(await main(["search", "--url", `${base}/slow`, "--slo", "p95<100ms", "--start", "4", "--max-steps", "2", ...QUICK, "--out", join(dir, "slow"), "--json"], io), EXIT.TARGETS_FAILED, io.err());
  assert.match(io.err(), /^no step met the SLO \(p95 < 100 ms\): targets failed \(exit 99\)$/m);
  const r = JSON.parse(io.out()) as SearchResult;
  assert.deepEqual(r.breakingPoint.users, null);
  assert.match(r.breakingPoint.limit, /^the first step, 4 users, already broke p95 < 100 ms \(p95 [\d.]+ ms > 100 ms\), and so did every lighter step down to 2 users: start lower with --start 1$/);
});
