// k6 results into run directories: --out json points rebuild exact per-second histograms; the two
// summary forms spread their totals evenly and say so. Fixtures: fixtures/k6/README.md.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { histogramFromQuantiles } from "../../src/import/imported-run.js";
import { decodeHistogram, initHistograms, latencyStatsMs, mergeEncoded } from "../../src/metrics/histogram.js";
import { readRunStore } from "../../src/store/run-store.js";

const FIX = new URL("./fixtures/k6/", import.meta.url).pathname;
let tmp: string;
before(async () => {
  await initHistograms();
  tmp = mkdtempSync(join(tmpdir(), "headroom-k6-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("k6 --out json: one line per second, per name, with every request's latency in its histogram", async () => {
  const io = memoryIo({}, tmp);
  assert.equal(await main(["import", "k6", join(FIX, "points.ndjson"), "--out", join(tmp, "points")], io), 0, io.err());
  assert.match(io.out(), /imported 69 requests over 3 s/);
  const run = readRunStore(join(tmp, "points"));
  assert.equal(run.manifest.source, "k6");
  assert.deepEqual(run.intervals.map((l) => l.users), [5, 10, 15]);
  for (const line of run.intervals) {
    assert.equal(line.endpoints["/api/stories/[slug]"]!.requests, 12);
    assert.equal(line.endpoints["/api/stories/[slug]"]!.failed, 2);
    assert.deepEqual(line.endpoints["/api/stories/[slug]"]!.status, { "200": 10, "404": 2 });
    assert.deepEqual(line.endpoints["/api/stories/[slug]"]!.errors, { status: 2 });
    assert.equal(line.endpoints["http://127.0.0.1:3000/api/whispers"]!.method, "POST");
    const h = decodeHistogram(line.endpoints["/api/discovery/trending"]!.hist);
    assert.equal(h.totalCount, 8);
    h.destroy();
  }
  assert.equal(run.summary?.requests.failed, 6);
  const io2 = memoryIo({}, tmp);
  await main(["analyze", join(tmp, "points")], io2);
  assert.match(io2.out(), /\/api\/stories\/\[slug\]/);
});

test("k6 summaries: totals, failures (http_req_failed passes) and quantiles kept; per-name only from submetrics; the notes say what is missing", async () => {
  for (const [file, named] of [["summary-export.json", false], ["handle-summary.json", true]] as const) {
    const out = join(tmp, file);
    const io = memoryIo({}, tmp);
    assert.equal(await main(["import", "k6", join(FIX, file), "--out", out], io), 0, io.err());
    assert.match(io.out(), /no time series/);
    const run = readRunStore(out);
    assert.equal(run.summary?.requests.total, 69, file);
    assert.equal(run.summary?.requests.failed, 6, file);
    assert.equal(run.intervals.length, 3, file);
    const names = new Set(run.intervals.flatMap((l) => Object.keys(l.endpoints)));
    assert.deepEqual([...names].sort(), named ? ["/api/discovery/trending", "other requests"] : ["all requests"], file);
    const merged = mergeEncoded(run.intervals.map((l) => l.endpoints[named ? "other requests" : "all requests"]!.hist));
    const s = latencyStatsMs(merged);
    merged.destroy();
    // The rebuilt distribution keeps the summary's median and p95 (within HDR's 0.1 % and the spread between quantiles).
    assert.ok(Math.abs(s.p50 - 33.5) / 33.5 < 0.05, `${file} p50 ${s.p50}`);
    assert.ok(Math.abs(s.max - 151.7) / 151.7 < 0.01, `${file} max ${s.max}`);
  }
});

test("histograms rebuilt from quantiles read the quantiles back", () => {
  const q: [number, number][] = [[0, 2], [0.5, 10], [0.9, 40], [0.95, 80], [0.99, 200], [1, 500]];
  const h = decodeHistogram(histogramFromQuantiles(1000, q));
  assert.equal(h.totalCount, 1000);
  for (const [p, v] of q.slice(1)) assert.ok(Math.abs(h.getValueAtPercentile(p * 100) / 1000 - v) / v < 0.01, `p${p * 100}: ${h.getValueAtPercentile(p * 100) / 1000} vs ${v}`);
  h.destroy();
});

test("k6: a missing file, a directory and a file that is not a k6 result each exit 3 naming it", async () => {
  writeFileSync(join(tmp, "other.json"), JSON.stringify({ hello: 1 }));
  writeFileSync(join(tmp, "text.txt"), "not json at all");
  for (const [arg, re] of [["nope.json", /cannot be read \(ENOENT\)/], [".", /it is a directory/], ["other.json", /without "metrics"/], ["text.txt", /neither NDJSON points nor a JSON summary/]] as const) {
    const io = memoryIo({}, tmp);
    assert.equal(await main(["import", "k6", arg, "--out", join(tmp, `bad-${arg}`)], io), 3, arg);
    assert.match(io.err(), /error\[HR_INPUT_INVALID\]/);
    assert.match(io.err(), re, arg);
  }
});
