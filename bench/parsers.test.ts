// Parser, aggregation and verdict tests for the benchmark harness. Not collected by `npm test`
// (bench/ is outside packages/ and apps/); run by hand:
//   node --import tsx --test bench/parsers.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseProcStat } from "./cpu-accounting.js";
import { areaOf, summarizeCpuProfile } from "./cpu-profile.js";
import { buildCases, roundOrder, toolCommand, QUICK_DURATIONS, type CommandPaths } from "./cases.js";
import { stubStatusText } from "./counting-handler.js";
import { parseAutocannonJson, parseChildPids, parseHeadroomJson, parseStubStatus, parseVmHwmKb, parseWrkText, wrkTimeToMs, ParseError } from "./parsers.js";
import { buildCaseReport, median, renderMarkdown, renderText, replaceBetweenMarkers, RESULTS_END, RESULTS_START, type RunRecord } from "./report.js";
import { trueStallPercentileMs } from "./stall-truth.js";
import { nginxConfig } from "./targets.js";

// Captured from `autocannon -c 50 -d 3 -j` against nginx on this machine (trimmed).
const AUTOCANNON = `{"url":"http://127.0.0.1:18080/","connections":50,"sampleInt":1000,"pipelining":1,"workers":0,"duration":3.05,"samples":3,"errors":2,"timeouts":0,"mismatches":0,"non2xx":3,"resets":0,"latency":{"average":0.46,"mean":0.46,"min":1,"max":38,"p50":0,"p75":1,"p90":1,"p97_5":2,"p99":5,"p99_9":12},"requests":{"average":49992,"total":149986,"sent":150036}}`;

// Captured from `wrk -t1 -c50 -d3s --latency` (with a socket-errors line added).
const WRK = `Running 3s test @ http://127.0.0.1:18080/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   258.37us  159.87us   4.20ms   91.46%
    Req/Sec   112.53k     5.15k  115.56k    93.33%
  Latency Distribution
     50%  212.00us
     75%  234.00us
     90%  414.00us
     99%    1.02s
  335551 requests in 3.00s, 48.00MB read
  Socket errors: connect 0, read 4, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec: 111769.52
Transfer/sec:     15.99MB
`;

const HEADROOM = JSON.stringify({
  requests: { total: 4000, ok: 3990, failed: 10, ratePerSec: 200 },
  latencyMs: { min: 0.2, mean: 100, p50: 1, p90: 480.5, p95: 700, p99: 940.25, p999: 990, max: 1001 },
  status: { "200": 3990 },
  errors: { timeout: 10 },
  dropped: 3,
  endpoints: [],
  generator: { cpuPct: 12, eventLoopLagMsP99: 3, limited: false },
  runDir: "runs/x",
});

describe("parsers", () => {
  it("reads autocannon's JSON: RPS from total over duration, errors include non-2xx", () => {
    const r = parseAutocannonJson(AUTOCANNON);
    assert.equal(r.tool, "autocannon");
    assert.equal(r.requests, 149986);
    assert.equal(r.rps, 149986 / 3.05);
    assert.equal(r.p90Ms, 1);
    assert.equal(r.p99Ms, 5);
    assert.equal(r.errors, 5);
  });

  it("labels the uncorrected autocannon variant", () => {
    assert.equal(parseAutocannonJson(AUTOCANNON, "autocannon-uncorrected").tool, "autocannon-uncorrected");
  });

  it("reads wrk's text with mixed time units", () => {
    const r = parseWrkText(WRK);
    assert.equal(r.requests, 335551);
    assert.equal(r.durationSec, 3);
    assert.equal(r.rps, 335551 / 3);
    assert.equal(r.p50Ms, 0.212);
    assert.equal(r.p90Ms, 0.414);
    assert.equal(r.p99Ms, 1020);
    assert.equal(r.errors, 12);
  });

  it("converts wrk time tokens", () => {
    assert.equal(wrkTimeToMs("4.20ms"), 4.2);
    assert.equal(wrkTimeToMs("2.00m"), 120_000);
    assert.throws(() => wrkTimeToMs("4.2 ms"), ParseError);
  });

  it("reads headroom's --json, skipping log lines before it", () => {
    const r = parseHeadroomJson(`some log line\n${HEADROOM}\n`);
    assert.equal(r.rps, 200);
    assert.equal(r.durationSec, 20);
    assert.equal(r.p90Ms, 480.5);
    assert.equal(r.p99Ms, 940.25);
    assert.equal(r.errors, 10);
    assert.equal(r.dropped, 3);
    assert.equal(r.generatorLimited, false);
  });

  it("names the missing field when output is not what it should be", () => {
    assert.throws(() => parseHeadroomJson(`{"requests":{"total":1}}`), /requests\.ratePerSec/);
    assert.throws(() => parseWrkText("Running 1s test"), /requests in/);
    assert.throws(() => parseAutocannonJson("not json"), /no JSON object/);
  });

  it("reads nginx stub_status and the Node targets' copy of it", () => {
    const nginx = "Active connections: 51 \nserver accepts handled requests\n 102 102 431020 \nReading: 0 Writing: 1 Waiting: 50 \n";
    assert.deepEqual(parseStubStatus(nginx), { active: 51, requests: 431020 });
    assert.deepEqual(parseStubStatus(stubStatusText(3, 7, 99)), { active: 3, requests: 99 });
    assert.equal(parseStubStatus("<html>404</html>"), undefined);
  });

  it("reads utime + stime and the kernel-thread flag from /proc/<pid>/stat, even with ') ' in the name", () => {
    const stat = "4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 1000 0 0";
    assert.deepEqual(parseProcStat(stat), { ticks: 300, kernelThread: false });
    const kthread = "12 (ksoftirqd/1) S 2 0 0 0 -1 69238848 0 0 0 0 7 9 0 0 20 0 1 0 10 0 0";
    assert.deepEqual(parseProcStat(kthread), { ticks: 16, kernelThread: true });
  });

  it("reads VmHWM and child pid lists from /proc texts", () => {
    assert.equal(parseVmHwmKb("Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   81234 kB\nVmRSS:\t 80000 kB\n"), 81234);
    assert.equal(parseVmHwmKb("Name:\tzombie\n"), undefined);
    assert.deepEqual(parseChildPids("123 456 \n"), [123, 456]);
    assert.deepEqual(parseChildPids(""), []);
  });
});

describe("cases", () => {
  it("rotates the tool order every round", () => {
    assert.deepEqual(roundOrder(["a", "b", "c"], 0), ["a", "b", "c"]);
    assert.deepEqual(roundOrder(["a", "b", "c"], 1), ["b", "c", "a"]);
    assert.deepEqual(roundOrder(["a", "b", "c"], 5), ["c", "a", "b"]);
  });

  it("pins every tool to the generator core with the same connections and duration", () => {
    const p: CommandPaths = { node: "node", headroomBin: "hr.js", autocannonBin: "ac.js", wrkBin: "wrk", thinkScenario: "s.ts" };
    const c = buildCases(QUICK_DURATIONS).find((x) => x.id === "throughput-500")!;
    const hr = toolCommand("headroom", c, "http://127.0.0.1:1/", p);
    const ac = toolCommand("autocannon", c, "http://127.0.0.1:1/", p);
    const wrk = toolCommand("wrk", c, "http://127.0.0.1:1/", p);
    for (const cmd of [hr, ac, wrk]) assert.deepEqual([cmd.command, ...cmd.args.slice(0, 2)], ["taskset", "-c", "0"]);
    assert.deepEqual(hr.args.slice(2), ["node", "hr.js", "run", "--url", "http://127.0.0.1:1/", "--connections", "500", "--duration", "4s", "--workers", "1", "--json", "--no-report"]);
    assert.deepEqual(ac.args.slice(2), ["node", "ac.js", "-c", "500", "-d", "4", "-j", "http://127.0.0.1:1/"]);
    assert.deepEqual(wrk.args.slice(2), ["wrk", "-t1", "-c500", "-d4s", "--latency", "http://127.0.0.1:1/"]);
    const stall = buildCases(QUICK_DURATIONS).find((x) => x.id === "stall-200rps")!;
    assert.ok(toolCommand("headroom", stall, "u", p).args.includes("--rate"));
    assert.ok(toolCommand("autocannon-uncorrected", stall, "u", p).args.includes("-C"));
  });

  it("writes an nginx config with one worker, no access log and keep-alive", () => {
    const conf = nginxConfig("/tmp/x", 8123);
    assert.match(conf, /worker_processes 1;/);
    assert.match(conf, /access_log off;/);
    assert.match(conf, /listen 127\.0\.0\.1:8123/);
    assert.match(conf, /daemon off;/);
  });
});

describe("truth and verdicts", () => {
  it("computes the stall server's true percentiles", () => {
    assert.equal(trueStallPercentileMs(0.9), 500);
    assert.equal(trueStallPercentileMs(0.99), 950);
    assert.equal(trueStallPercentileMs(0.5), 0);
  });

  it("replaces the README's results between its markers only", () => {
    const readme = `# x\n${RESULTS_START}\nold\n${RESULTS_END}\ntail\n`;
    assert.equal(replaceBetweenMarkers(readme, "new\n"), `# x\n${RESULTS_START}\nnew\n${RESULTS_END}\ntail\n`);
    assert.equal(replaceBetweenMarkers("# no markers", "new"), undefined);
  });

  it("takes medians", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
    assert.equal(median([]), undefined);
  });

  const rec = (caseId: RunRecord["caseId"], round: number, tool: RunRecord["tool"], rps: number, p99Ms: number, peakRssMb: number, p90Ms = 1): RunRecord => ({
    caseId,
    round,
    tool,
    command: "x",
    peakRssMb,
    wallMs: 1000,
    result: { tool, requests: rps, durationSec: 1, rps, p50Ms: 0.5, p90Ms, p99Ms, errors: 0 },
  });

  it("computes same-round ratios and a MISS with the shortfall", () => {
    const c = buildCases(QUICK_DURATIONS).find((x) => x.id === "throughput-50")!;
    const records = [
      rec("throughput-50", 0, "headroom", 50_000, 2, 100),
      rec("throughput-50", 0, "autocannon", 50_000, 4, 80),
      rec("throughput-50", 1, "headroom", 30_000, 2, 100),
      rec("throughput-50", 1, "autocannon", 60_000, 4, 80),
      rec("throughput-50", 2, "headroom", 90_000, 2, 100),
      rec("throughput-50", 2, "autocannon", 100_000, 4, 80),
      { caseId: "throughput-50", round: 2, tool: "wrk", command: "wrk", peakRssMb: 5, wallMs: 1, error: "boom" },
    ] satisfies RunRecord[];
    const r = buildCaseReport(c, records);
    const ratio = r.ratios.find((q) => q.peer === "autocannon")!;
    assert.equal(ratio.rounds, 3);
    assert.equal(ratio.rps, 0.9); // ratios 1.0, 0.5, 0.9: median 0.9, not the ratio of medians
    assert.equal(ratio.p99, 0.5);
    assert.equal(r.targets[0]!.pass, false);
    assert.match(r.targets[0]!.shortfall!, /0\.20 x short/);
    const wrk = r.rows.find((x) => x.tool === "wrk")!;
    assert.equal(wrk.failedRuns, 1);
    assert.equal(wrk.rpsMedian, undefined);
    assert.match(renderText([r]), /MISS/);
  });

  it("sets disturbed runs and rounds aside when clean ones exist", () => {
    const c = buildCases(QUICK_DURATIONS).find((x) => x.id === "throughput-500")!;
    const noisy = (r: RunRecord): RunRecord => ({ ...r, foreignCpuCores: 0.9 });
    const r = buildCaseReport(c, [
      rec("throughput-500", 0, "headroom", 10_000, 2, 100),
      noisy(rec("throughput-500", 0, "autocannon", 50_000, 4, 80)),
      rec("throughput-500", 1, "headroom", 60_000, 2, 100),
      rec("throughput-500", 1, "autocannon", 50_000, 4, 80),
    ]);
    const h = r.rows.find((x) => x.tool === "headroom")!;
    assert.equal(h.rpsMedian, 35_000); // both headroom runs are clean
    const a = r.rows.find((x) => x.tool === "autocannon")!;
    assert.equal(a.disturbedRuns, 1);
    assert.equal(a.usedRuns, 1);
    const ratio = r.ratios[0]!;
    assert.equal(ratio.rounds, 1);
    assert.equal(ratio.disturbedRoundsSetAside, 1);
    assert.equal(ratio.rps, 1.2); // round 1 only
    assert.match(renderText([r]), /1 disturbed set aside/);
  });

  it("passes the stall bands only inside them and reports the distance", () => {
    const c = buildCases(QUICK_DURATIONS).find((x) => x.id === "stall-200rps")!;
    const r = buildCaseReport(c, [rec("stall-200rps", 0, "headroom", 200, 1010, 90, 450), rec("stall-200rps", 0, "wrk", 9000, 3, 5, 1)]);
    const [p90, p99] = r.targets;
    assert.equal(p90!.pass, true);
    assert.equal(p99!.pass, false);
    assert.equal(p99!.shortfall, "10.0 ms above the band");
    assert.deepEqual(r.truth, { p90Ms: 500, p99Ms: trueStallPercentileMs(0.99) });
    const md = renderMarkdown([r], { command: "npm run bench", dateIso: "2026-01-01T00:00:00Z", machine: ["2 x CPU"], rounds: 1, extraRounds: 0, skipped: [] });
    assert.match(md, /\| true values \|/);
    assert.match(md, /\*\*MISS\*\* headroom p99/);
  });

  it("judges memory on the worst round and says N/A when headroom did not run", () => {
    const c = buildCases(QUICK_DURATIONS).find((x) => x.id === "memory-10k")!;
    const r = buildCaseReport(c, [rec("memory-10k", 0, "headroom", 3000, 10, 350), rec("memory-10k", 1, "headroom", 3000, 10, 420)]);
    assert.equal(r.targets[0]!.pass, false);
    assert.equal(r.targets[0]!.shortfall, "20.0 MB over");
    const none = buildCaseReport(c, [rec("memory-10k", 0, "autocannon", 3000, 10, 300)]);
    assert.equal(none.targets[0]!.pass, undefined);
  });
});

describe("cpu profile summary", () => {
  it("attributes each sample the time until the next one, and groups by area", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile = {
      startTime: 0,
      endTime: 100,
      nodes: [
        { id: 1, callFrame: frame("(root)", "") },
        { id: 2, callFrame: frame("dispatch", "file:///w/node_modules/undici/lib/client.js") },
        { id: 3, callFrame: frame("record", "file:///w/packages/headroom/src/engine/recorder.ts") },
        { id: 4, callFrame: frame("(idle)", "") },
      ],
      samples: [2, 2, 3, 4, 2],
      timeDeltas: [0, 10, 20, 30, 40],
    };
    const s = summarizeCpuProfile(profile);
    // dispatch: 10 + 20 (+ 0 for the last sample); record: 30; idle excluded.
    assert.equal(s.totalMs, 0.06);
    assert.equal(s.functions[0]!.name, "dispatch (undici/lib/client.js:10)");
    assert.equal(s.functions[0]!.selfPct, 50);
    assert.deepEqual(s.areas.map((a) => a.area), ["undici", "headroom/engine"]);
  });

  it("names areas", () => {
    assert.equal(areaOf("node:internal/streams/x", "f"), "node:internal");
    assert.equal(areaOf("file:///a/node_modules/@scope/pkg/i.js", "f"), "@scope/pkg");
    assert.equal(areaOf("", "(garbage collector)"), "(garbage collector)");
    assert.equal(areaOf("", "writev"), "(native)");
  });
});
