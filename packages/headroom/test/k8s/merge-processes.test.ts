// A test split across local processes (one `headroom run --segment i/3` each, one shared start),
// merged with `headroom merge`: counts equal the server's, percentiles equal the HDR merge of the
// parts, a one-process run agrees; a segment killed mid-run or never started is named.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { latencyStatsMs, mergeEncoded, initHistograms } from "../../src/metrics/histogram.js";
import { readRunStore } from "../../src/store/run-store.js";
import { countingServer, LEAD_MS, runCli, startSegments, waitForLines, type CountingServer } from "./segment-processes.js";

let server: CountingServer;
let root = "";
before(async () => {
  await initHistograms();
  server = await countingServer();
  root = mkdtempSync(join(tmpdir(), "headroom-merge-"));
});
after(() => server.close());

const merge = (dirs: string[], out: string): ReturnType<typeof runCli> => runCli(["merge", ...dirs, "--out", out]);

test("three segment processes merge to the server's count and the exact HDR merge; one process agrees", async () => {
  const args = ["--url", `${server.base}/split`, "--rate", "90", "--duration", "3s"];
  const startAt = Date.now() + LEAD_MS;
  const segs = startSegments({ root: join(root, "split"), of: 3, startAtEpochMs: startAt, args });
  // The same test in one process, at the same time (another path, counted apart).
  const one = join(root, "one");
  const single = runCli(["run", "--url", `${server.base}/one`, "--rate", "90", "--duration", "3s", "--workers", "1", "--no-report", "--start-at", String(startAt), "--out", one]);
  const codes = await Promise.all(segs.map((s) => s.exited));
  assert.deepEqual(codes, [0, 0, 0], segs.map((s) => s.output()).join("\n"));
  const out = join(root, "split-merged");
  const r = await merge(segs.map((s) => s.dir), out);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /3 of 3 segments/);

  const merged = readRunStore(out);
  assert.equal(merged.manifest.status, "completed");
  assert.equal(merged.manifest.distributed?.partial, false);
  assert.deepEqual(merged.manifest.distributed?.parts?.map((p) => [p.segment, p.status, p.missingSeconds.length]), [["0/3", "completed", 0], ["1/3", "completed", 0], ["2/3", "completed", 0]]);
  assert.deepEqual(merged.intervals.map((l) => l.t), [0, 1, 2]);
  const served = server.count("/split");
  assert.equal(merged.summary!.requests.total, served, "every request the server answered is counted once");
  assert.ok(Math.abs(served - 270) <= 3, `90/s for 3 s split three ways: ${served}`);

  // The merged percentiles are those of one histogram holding every part's every second.
  const parts = segs.map((s) => readRunStore(s.dir));
  const all = mergeEncoded(parts.flatMap((p) => p.intervals.flatMap((l) => Object.values(l.endpoints).map((e) => e.hist))));
  const exact = latencyStatsMs(all);
  all.destroy();
  const s = merged.summary!.latencyMs;
  assert.deepEqual([s.p50, s.p95, s.p99, s.max], [exact.p50, exact.p95, exact.p99, exact.max]);
  assert.equal(parts.reduce((n, p) => n + p.summary!.requests.total, 0), served);

  // The one-process run: the same request count, latency of the same order.
  const r1 = await single;
  assert.equal(r1.status, 0, r1.stdout + r1.stderr);
  const whole = readRunStore(one).summary!;
  assert.ok(Math.abs(whole.requests.total - served) <= 3, `one process ${whole.requests.total}, three ${served}`);
  assert.ok(Math.abs(whole.latencyMs.p50 - s.p50) <= Math.max(5, whole.latencyMs.p50), `p50 one process ${whole.latencyMs.p50} ms, merged ${s.p50} ms`);
});

test("a segment killed mid-run and one never started are named with their missing seconds", async () => {
  const args = ["--url", `${server.base}/killed`, "--rate", "60", "--duration", "5s"];
  const segs = startSegments({ root: join(root, "killed"), of: 4, indexes: [0, 1, 2], startAtEpochMs: Date.now() + LEAD_MS, args });
  await waitForLines(segs[1]!.dir, 2);
  segs[1]!.child.kill("SIGKILL");
  const codes = await Promise.all(segs.map((s) => s.exited));
  assert.deepEqual([codes[0], codes[2]], [0, 0], segs.map((s) => s.output()).join("\n"));
  const out = join(root, "killed-merged");
  const r = await merge(segs.map((s) => s.dir), out);
  assert.equal(r.status, 130, "a partial merge exits 130: " + r.stdout + r.stderr);
  const merged = readRunStore(out);
  const m = merged.manifest;
  assert.equal(m.status, "interrupted");
  assert.equal(m.distributed?.partial, true);
  const killed = m.distributed!.parts!.find((p) => p.segment === "1/4")!;
  const lastKept = readRunStore(segs[1]!.dir).intervals.at(-1)!.t;
  assert.match(killed.problem ?? "", /died mid-run/);
  assert.deepEqual(killed.missingSeconds, [[lastKept + 1, 4]]);
  const never = m.distributed!.parts!.find((p) => p.segment === "3/4")!;
  assert.equal(never.status, "missing");
  assert.deepEqual(never.missingSeconds, [[0, 4]]);
  assert.ok(m.notes!.some((n) => n.startsWith("PARTIAL: segment 1/4") && n.includes(`seconds ${lastKept + 1}-4`)), m.notes!.join("\n"));
  assert.ok(m.notes!.some((n) => n.startsWith("PARTIAL: segment 3/4") && n.includes("never started")));
  for (const line of merged.intervals) {
    const expected = line.t > lastKept ? ["1/4", "3/4"] : ["3/4"];
    assert.deepEqual(line.missingSegments, expected, `second ${line.t}`);
  }
  assert.match(r.stdout, /PARTIAL/);
  // The merged run is a normal run: report reads it and shows the partial note.
  const rep = await runCli(["report", out, "--format", "md"]);
  assert.match(readFileSync(join(out, "report.md"), "utf8"), /PARTIAL: segment 1\/4/);
  assert.equal(rep.status, 0, rep.stderr);
});
