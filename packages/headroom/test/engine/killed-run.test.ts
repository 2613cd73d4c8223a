// A run killed with SIGKILL (no chance to clean up) leaves every completed second on disk, and
// every verdict on it says INCOMPLETE: analyze exits 98, report's documents and JUnit fail it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { summarizeIntervals } from "../../src/metrics/summary.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { readRunStore } from "../../src/store/run-store.js";

let server: Server;
let base = "";
before(async () => {
  await initHistograms();
  server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test("SIGKILL mid-run: the completed seconds are on disk and summarize", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "headroom-killed-")), "run");
  const bin = new URL("../../bin/headroom.js", import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, "run", "--url", `${base}/`, "--rate", "50", "--duration", "60s", "--workers", "1", "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
  // Wait until the run has closed at least three seconds, then kill it without warning.
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no progress: ${seen}`)), 30_000);
    child.stdout.on("data", (c: Buffer) => {
      seen += c.toString();
      if (seen.includes("run directory")) {
        setTimeout(() => {
          clearTimeout(timer);
          resolve();
        }, 4500);
      }
    });
  });
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const store = readRunStore(out);
  assert.equal(store.manifest.status, "running", "nobody got to finish the manifest");
  assert.equal(store.summary, undefined);
  assert.ok(store.intervals.length >= 3, `lines on disk: ${store.intervals.length}`);
  assert.deepEqual(
    store.intervals.map((l) => l.t),
    store.intervals.map((_, i) => i),
  );
  const s = summarizeIntervals(store.intervals, store.manifest, out);
  // 50 arrivals a second; a request completing just after a boundary counts in the next second.
  const expected = 50 * store.intervals.length;
  assert.ok(Math.abs(s.requests.total - expected) <= 5, `${s.requests.total} requests in ${store.intervals.length} seconds`);

  // Verdicts: INCOMPLETE everywhere, never PASS, whatever the metrics of the recorded seconds say.
  const io = memoryIo({}, out);
  assert.equal(await main(["analyze", out], io), EXIT.INCOMPLETE, io.err());
  assert.match(io.out(), /: INCOMPLETE\n/);
  assert.match(io.err(), /run INCOMPLETE: the run did not finish: its manifest has no end and summary\.json is missing .*; it recorded \d+ s of the 60 s its profile planned\nexit 98: re-run it to its end/);
  const json = memoryIo({}, out);
  assert.equal(await main(["analyze", out, "--json"], json), EXIT.INCOMPLETE);
  assert.equal((JSON.parse(json.out()) as { verdict: string }).verdict, "INCOMPLETE");
  const docs = join(out, "..", "docs");
  const rep = memoryIo({}, out);
  assert.equal(await main(["report", out, "--out", docs, "--format", "md,html,junit"], rep), EXIT.OK, rep.err());
  assert.match(rep.out(), /verdict INCOMPLETE \(summary rebuilt from intervals\)/);
  const md = readFileSync(join(docs, "report.md"), "utf8");
  assert.match(md, /\*\*Status\*\*: ✗ INCOMPLETE/);
  assert.doesNotMatch(md, /\*\*Status\*\*: ✓ PASS/);
  assert.match(readFileSync(join(docs, "report.html"), "utf8"), /<span class="badge INCOMPLETE verdict-big">INCOMPLETE<\/span>/);
  const xml = readFileSync(join(docs, "junit.xml"), "utf8");
  assert.match(xml, /<testcase classname="headroom\.run" name="run completed its profile" time="0">\n {6}<failure type="INCOMPLETE" message="INCOMPLETE: the run did not finish/);
  assert.match(xml, /<testsuites name="headroom" tests="\d+" failures="[1-9]\d*"/);
});
