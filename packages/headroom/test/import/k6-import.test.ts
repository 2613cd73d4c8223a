// k6 results into run directories: --out json points rebuild exact per-second histograms; the two
// summary forms spread their totals evenly and say so. Fixtures: fixtures/k6/README.md.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { histogramOfMs, spreadRunValues, valuesFromQuantiles } from "../../src/import/imported-run.js";
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
    // Merged over the seconds, an endpoint reads its quantiles back (HDR keeps 3 significant digits):
    // the whole run for the export, the submetric's own for the named one of handleSummary.
    const key = named ? "/api/discovery/trending" : "all requests";
    const merged = mergeEncoded(run.intervals.map((l) => l.endpoints[key]!.hist));
    const s = latencyStatsMs(merged);
    merged.destroy();
    // (With 24 requests p99 and max are the same rank, so only the max can read back.)
    const want = named ? { p50: 22.0, p95: 45.2, max: 61.3 } : { p50: 33.5, p95: 88.6, max: 151.7 };
    for (const [what, v] of Object.entries(want)) assert.ok(Math.abs(s[what as keyof typeof want] - v) / v < 0.005, `${file} ${what} ${s[what as keyof typeof want]} vs ${v}`);
  }
});

test("latencies rebuilt from quantiles read the quantiles back, and spread over seconds keep the run's", () => {
  const q: [number, number][] = [[0, 2], [0.5, 10], [0.9, 40], [0.95, 80], [0.99, 200], [1, 500]];
  const values = valuesFromQuantiles(1000, q);
  const h = decodeHistogram(histogramOfMs(values));
  assert.equal(h.totalCount, 1000);
  for (const [p, v] of q.slice(1)) assert.ok(Math.abs(h.getValueAtPercentile(p * 100) / 1000 - v) / v < 0.01, `p${p * 100}: ${h.getValueAtPercentile(p * 100) / 1000} vs ${v}`);
  h.destroy();
  // Two seconds, the second slower by its own quantiles: it gets the run's slower half.
  const [fast, slow] = spreadRunValues(values, [{ count: 500, quantiles: [[0, 1], [1, 5]] }, { count: 500, quantiles: [[0, 50], [1, 60]] }]);
  assert.equal(fast!.length, 500);
  assert.ok(Math.max(...fast!) <= Math.min(...slow!));
  assert.equal(Math.max(...slow!), 500);
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

test("import --force replaces a run directory instead of appending to it; locust-csv without its files exits 3", async () => {
  const out = join(tmp, "twice");
  for (let i = 0; i < 2; i++) {
    const io = memoryIo({}, tmp);
    assert.equal(await main(["import", "k6", join(FIX, "points.ndjson"), "--out", out, ...(i > 0 ? ["--force"] : [])], io), 0, io.err());
  }
  assert.equal(readRunStore(out).intervals.length, 3);
  const io = memoryIo({}, tmp);
  assert.equal(await main(["import", "k6", join(FIX, "points.ndjson"), "--out", out], io), 2);
  const io2 = memoryIo({}, tmp);
  assert.equal(await main(["import", "locust-csv", join(tmp, "nothing"), "--out", join(tmp, "nothing-run")], io2), 3);
  assert.match(io2.err(), /error\[HR_INPUT_INVALID\]: ".*nothing_stats\.csv" does not exist; expected the files Locust writes with --csv PREFIX.*\n {2}hint: pass the same PREFIX you gave locust --csv/);
});
