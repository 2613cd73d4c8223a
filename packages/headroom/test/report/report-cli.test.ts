import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { junitSuiteOf, renderJunit } from "../../src/report/data/junit.js";
import { buildRunReportModel } from "../../src/jobs/run-report-model.js";
import { summaryOf } from "../../src/analysis/run-figures.js";
import { readRunStore } from "../../src/store/run-store.js";
import { fixtureAnalysis } from "./fixture-analysis.js";
import { writeFixtureRun } from "./fixture-run.js";

let dir: string;
before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-report-cli-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("JUnit XML", () => {
  test("one testcase per target: FAIL fails, WARN passes with system-out, NOT_MEASURED is skipped", async () => {
    const store = readRunStore(writeFixtureRun(join(dir, "junit"), { seed: 3, durationSec: 20, peakUsers: 10 }));
    const { summary } = summaryOf(store);
    const model = await buildRunReportModel(store, { analysis: fixtureAnalysis(store, summary) });
    const xml = renderJunit([junitSuiteOf(model)]);
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="headroom" tests="4" failures="1" errors="0" skipped="1"/);
    assert.match(xml, /<testsuite name="peak" tests="4" failures="1" errors="0" skipped="1" timestamp="2025-01-15T10:00:00.000Z" time="20">/);
    const cases = [...xml.matchAll(/<testcase classname="headroom\.peak" name="([^"]+)" time="0">(.*?)<\/testcase>/gs)].map((m) => ({ name: m[1]!, body: m[2]! }));
    assert.equal(cases.length, 4);
    const by = (label: string) => cases.find((c) => c.name.startsWith(label))!;
    assert.equal(by("P50 latency").body, "");
    assert.match(by("P95 latency").body, /<system-out>WARN: P95 latency: measured [\d.]+ ms, bound &lt; 80 ms \(acceptable &lt; 1000 ms\), tier acceptable/);
    assert.match(by("Error rate").body, /<failure type="FAIL" message="Error rate 0\.2 % is beyond the acceptable bound &lt; 0\.01 % \(acceptable &lt; 0\.05 %\)">/);
    assert.match(by("Disk used").body, /<skipped message="not measured: no host sample carried disk_used_pct"\/>/);
  });

  test("a run without targets gives an empty suite that says why", async () => {
    const store = readRunStore(writeFixtureRun(join(dir, "nojudge"), { seed: 4, durationSec: 10, peakUsers: 5, telemetry: false }));
    const xml = renderJunit([junitSuiteOf(await buildRunReportModel(store))]);
    assert.match(xml, /<testsuite name="peak" tests="0" failures="0" errors="0" skipped="0"/);
    assert.match(xml, /no targets were judged for this run/);
  });
});

describe("headroom report (CLI)", () => {
  test("renders a killed run again in every format, rebuilding its summary", async () => {
    const run = writeFixtureRun(join(dir, "killed"), { seed: 5, durationSec: 20, peakUsers: 10, killed: true });
    assert.equal(existsSync(join(run, "summary.json")), false);
    const out = join(dir, "out");
    const io = memoryIo({}, dir);
    assert.equal(await main(["report", run, "--format", "md,html,json,junit", "--out", out], io), EXIT.OK, io.err());
    for (const f of ["report.md", "report.html", "report.json", "junit.xml"]) assert.ok(existsSync(join(out, f)), f);
    assert.match(io.out(), /summary rebuilt from intervals/);
    const json = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as { summaryRebuilt: boolean; summary: { requests: { total: number } } };
    assert.equal(json.summaryRebuilt, true);
    assert.ok(json.summary.requests.total > 0);
    const md = readFileSync(join(out, "report.md"), "utf8");
    assert.match(md, /summary rebuilt from intervals/);
    // judged by the run's analysis against the default targets of its load level
    assert.match(md, /\| P95 latency \| < 500 ms \(acceptable < 1000 ms\) \| [\d.]+ ms \| target \| met \| ✓ PASS \|/);
    assert.doesNotMatch(md, /not measured: not measured/);
    const xml = readFileSync(join(out, "junit.xml"), "utf8");
    assert.ok((xml.match(/<testcase /g) ?? []).length >= 10, "one testcase per target");
    assert.match(xml, /<skipped message="not measured: /);
  });

  test("--targets overrides the defaults; a missing targets file is a config error", async () => {
    const run = join(dir, "killed");
    const targets = join(dir, "strict.json");
    writeFileSync(targets, JSON.stringify({ levels: { peak: { p95Ms: { target: 1, acceptable: 2 } } } }));
    const io = memoryIo({}, dir);
    assert.equal(await main(["report", run, "--format", "junit", "--out", join(dir, "strict"), "--targets", targets], io), EXIT.OK, io.err());
    assert.match(readFileSync(join(dir, "strict", "junit.xml"), "utf8"), /<failure type="FAIL" message="P95 latency [\d.]+ ms is beyond the acceptable bound &lt; 1 ms \(acceptable &lt; 2 ms\)"/);
    const io2 = memoryIo({}, dir);
    assert.equal(await main(["report", run, "--targets", join(dir, "none.json")], io2), EXIT.CONFIG);
    assert.match(io2.err(), /targets file .* does not exist/);
  });

  test("renders a run recorded by headroom run", async () => {
    const rec = join(dirname(fileURLToPath(import.meta.url)), "fixtures/recorded/run-a");
    const out = join(dir, "recorded");
    const io = memoryIo({}, dir);
    assert.equal(await main(["report", rec, "--out", out, "--format", "html,md"], io), EXIT.OK, io.err());
    assert.match(io.out(), /recorded: 3835 requests in 20 s, 191\.75 req\/s, p95 7\.923 ms, 0 failed; verdict /);
    const html = readFileSync(join(out, "report.html"), "utf8");
    assert.match(html, /<figure class="chart" id="chart-latency-all">/);
    assert.match(html, /CPU: not measured: no process or host telemetry/);
    assert.match(readFileSync(join(out, "report.md"), "utf8"), /\| GET \/ \| 3,835 \|/);
  });

  test("an unknown format and a missing run are usage and config errors", async () => {
    const io = memoryIo({}, dir);
    assert.equal(await main(["report", join(dir, "killed"), "--format", "pdf"], io), EXIT.USAGE);
    assert.match(io.err(), /--format "pdf" has unknown format\(s\) "pdf"; expected a comma-separated list of md, html, json, junit/);
    const io2 = memoryIo({}, dir);
    assert.equal(await main(["report", join(dir, "missing")], io2), EXIT.CONFIG);
    assert.match(io2.err(), /HR_RUN_NOT_FOUND/);
  });

  test("an --out that cannot be created is a file error naming the path, not an internal error", async () => {
    const run = join(dir, "killed");
    const io = memoryIo({}, join(dir, "elsewhere"));
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "x");
    assert.equal(await main(["report", run, "--format", "md", "--out", join(blocker, "sub")], io), EXIT.CONFIG);
    assert.match(io.err(), /^error\[HR_FILE_ACCESS\]: cannot create the directory ".*a-file\/sub": a part of the path is a file, not a directory \(ENOTDIR\)\n {2}hint: /);
    assert.doesNotMatch(io.err(), /HR_INTERNAL|\n\s+at /);
    const cmp = memoryIo({}, dir);
    assert.equal(await main(["compare", run, run, "--md", "--out", join(dir, "no-such-dir", "compare.md")], cmp), EXIT.CONFIG);
    assert.match(cmp.err(), /HR_FILE_ACCESS.*no-such-dir\/compare\.md.*\(ENOENT\)/);
    // Files outside the working directory are named by their absolute path, not ../../...
    const ok = memoryIo({}, join(dir, "elsewhere"));
    assert.equal(await main(["report", run, "--format", "md", "--out", join(dir, "abs")], ok), EXIT.OK, ok.err());
    assert.match(ok.out(), new RegExp(`^wrote ${join(dir, "abs", "report.md").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
  });
});
