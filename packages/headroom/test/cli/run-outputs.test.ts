// `headroom run --out csv=PREFIX --out json=FILE`: the CSV files read back with Locust's column
// names (as locust/stats.py writes them) and agree with the run's summary; the JSON file has one
// line per second per request name. The run directory is given with -o too.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { parseOutFlags } from "../../src/cli/out-flag.js";
import { EXIT } from "../../src/core/errors.js";
import { readRunStore } from "../../src/store/run-store.js";
import { parseCsv } from "../../src/import/locust-csv.js";

const SCENARIO = join(import.meta.dirname, "fixtures", "stall.scenario.ts");
let server: Server;
let base = "";
let tmp = "";

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "headroom-outputs-"));
  // Stories fail with 503 here; /fast answers.
  server = createServer((req, res) => {
    res.statusCode = req.url?.startsWith("/api/stories/") ? 503 : 200;
    res.end("x".repeat(10));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

// Locust's own column lists (locust/stats.py, StatsCSV and StatsCSVFileWriter), with its default percentiles.
const PCTS = ["50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"];
const LOCUST_STATS = ["Type", "Name", "Request Count", "Failure Count", "Median Response Time", "Average Response Time", "Min Response Time", "Max Response Time", "Average Content Size", "Requests/s", "Failures/s", ...PCTS];
const LOCUST_HISTORY = ["Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s", ...PCTS, "Total Request Count", "Total Failure Count", "Total Median Response Time", "Total Average Response Time", "Total Min Response Time", "Total Max Response Time", "Total Average Content Size"];

test("--out csv=PREFIX writes Locust's stats, history and failures files; --out json=FILE a line per second per name", async () => {
  const io = memoryIo({}, tmp);
  const code = await main(["run", SCENARIO, "--no-typecheck", "--host", base, "-u", "4", "-d", "2s", "--workers", "1", "--no-report", "-o", "dir=rundir", "-o", "csv=out/locust", "-o", "json=out/seconds.ndjson"], io);
  assert.equal(code, EXIT.OK, io.err());
  const store = readRunStore(join(tmp, "rundir"));
  const summary = store.summary!;
  const statsText = readFileSync(join(tmp, "out", "locust_stats.csv"), "utf8");
  assert.deepEqual(statsText.split("\n")[0]!.split(","), LOCUST_STATS);
  const stats = parseCsv(statsText);
  assert.deepEqual(stats.map((r) => r.Name), ["/api/stories/[slug]", "/fast", "Aggregated"]);
  const agg = stats.at(-1)!;
  assert.equal(agg.Type, "");
  assert.equal(Number(agg["Request Count"]), summary.requests.total);
  assert.equal(Number(agg["Failure Count"]), summary.requests.failed);
  for (const ep of summary.endpoints) {
    const row = stats.find((r) => r.Name === ep.name)!;
    assert.equal(row.Type, "GET");
    assert.equal(Number(row["Request Count"]), ep.requests, ep.name);
    assert.equal(Number(row["Failure Count"]), ep.failed, ep.name);
    assert.ok(Math.abs(Number(row["Max Response Time"]) - ep.latencyMs.max) < 0.01 + ep.latencyMs.max * 0.001, `${ep.name} max ${row["Max Response Time"]} vs ${ep.latencyMs.max}`);
    // Bytes received per request, headers included (headroom counts the response as it arrived).
    const bytesIn = store.intervals.reduce((s, l) => s + (l.endpoints[ep.name]?.bytesIn ?? 0), 0);
    assert.equal(Number(row["Average Content Size"]), Math.round(bytesIn / ep.requests));
    for (const p of PCTS) assert.match(row[p]!, /^\d+$/, `${ep.name} ${p}`);
  }
  assert.equal(Number(stats.find((r) => r.Name === "/api/stories/[slug]")!["Failure Count"]), Number(stats.find((r) => r.Name === "/api/stories/[slug]")!["Request Count"]));

  const historyText = readFileSync(join(tmp, "out", "locust_stats_history.csv"), "utf8");
  assert.deepEqual(historyText.split("\n")[0]!.split(","), LOCUST_HISTORY);
  const history = parseCsv(historyText);
  const aggRows = history.filter((r) => r.Name === "Aggregated");
  assert.equal(aggRows.length, store.intervals.length, "one Aggregated row per second");
  assert.equal(Number(aggRows.at(-1)!["Total Request Count"]), summary.requests.total);
  assert.equal(aggRows.reduce((s, r) => s + Number(r["Requests/s"]), 0), summary.requests.total, "the seconds' rates add up to the total");
  assert.ok(aggRows.every((r) => Number(r["User Count"]) === 4 && /^\d{10}$/.test(r.Timestamp!)));

  const failures = parseCsv(readFileSync(join(tmp, "out", "locust_failures.csv"), "utf8"));
  assert.deepEqual(failures.map((r) => [r.Method, r.Name, r.Error]), [["GET", "/api/stories/[slug]", "HTTP 503"]]);
  assert.equal(Number(failures[0]!.Occurrences), summary.requests.failed);

  const lines = readFileSync(join(tmp, "out", "seconds.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { t: number; name: string; requests: number; failures: number; latencyMs: { p95: number } });
  assert.equal(lines.length, store.intervals.reduce((s, l) => s + Object.keys(l.endpoints).length, 0));
  assert.equal(lines.reduce((s, l) => s + l.requests, 0), summary.requests.total);
  assert.deepEqual([...new Set(lines.map((l) => l.name))].sort(), ["/api/stories/[slug]", "/fast"]);
  assert.ok(lines.every((l) => typeof l.latencyMs.p95 === "number"));
});

test("--out tells a directory from kind=dest, and names a typo", () => {
  assert.deepEqual(parseOutFlags(["runs/a", "csv=r/x", "json=r/x.ndjson", "prometheus-rw=http://127.0.0.1:9090/api/v1/write"]), { dir: "runs/a", csv: "r/x", json: "r/x.ndjson", remoteWrite: "http://127.0.0.1:9090/api/v1/write" });
  assert.deepEqual(parseOutFlags(["dir=csv=odd"]), { dir: "csv=odd" });
  assert.throws(() => parseOutFlags(["cvs=r/x"]), /--out "cvs=r\/x": "cvs" is not an output kind; expected one of dir, csv, json, prometheus-rw, prometheus/);
  assert.throws(() => parseOutFlags(["a", "b"]), /--out gives the run directory twice \("a" and "b"\)/);
  assert.throws(() => parseOutFlags(["prometheus-rw=ftp://x"]), /expected http: or https:/);
});
