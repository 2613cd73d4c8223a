// test-needs: redis
// Live collection through the real Redis: two of three segment processes stream their lines
// (--stream redis://127.0.0.1:6379/RUN_ID), `headroom collect` follows them while they run and
// writes one merged run equal to the merge of their run directories, naming the segment that
// never started. The run id is unique per test and its keys are deleted.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { streamKeys } from "../../src/k8s/stream-target.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { readRunStore } from "../../src/store/run-store.js";
import { countingServer, LEAD_MS, runCli, startSegments, type CountingServer } from "./segment-processes.js";

const REDIS = process.env.HEADROOM_TEST_REDIS ?? "redis://127.0.0.1:6379";
const runId = `headroom-test-collect-${randomBytes(4).toString("hex")}`;
let server: CountingServer;
let redis: Redis;
let root = "";
before(async () => {
  await initHistograms();
  server = await countingServer();
  redis = new Redis(REDIS);
  root = mkdtempSync(join(tmpdir(), "headroom-collect-"));
});
after(async () => {
  const keys = streamKeys(runId);
  await redis.del(keys.lines, keys.manifests);
  await redis.quit();
  await server.close();
});

test("collect follows the hosts' streams live and writes the merged run; a segment that never started is named", async () => {
  const out = join(root, "collected");
  const collecting = runCli(["collect", "--redis", REDIS, runId, "--out", out, "--every", "1s", "--wait", "3s", "--delete"]);
  const args = ["--url", `${server.base}/streamed`, "--rate", "60", "--duration", "4s", "--stream", `${REDIS}/${runId}`];
  const segs = startSegments({ root, of: 3, indexes: [0, 1], startAtEpochMs: Date.now() + LEAD_MS, args });
  assert.deepEqual(await Promise.all(segs.map((s) => s.exited)), [0, 0], segs.map((s) => s.output()).join("\n"));
  const c = await collecting;
  assert.equal(c.status, 130, "segment 2/3 never started: partial, exit 130\n" + c.stdout + c.stderr);
  // Live progress while the hosts ran: lines naming the hosts reporting before the final one.
  assert.match(c.stdout, /2\/3 hosts reporting +\d+ requests/);
  assert.match(c.stdout, /PARTIAL: segment 2\/3 never started/);

  const merged = readRunStore(out);
  assert.equal(merged.manifest.id, runId);
  assert.equal(merged.summary!.requests.total, server.count("/streamed"), "every request the server answered, once\n" + c.stdout);
  const parts = merged.manifest.distributed!.parts!;
  assert.deepEqual(parts.map((p) => [p.segment, p.status]), [["0/3", "completed"], ["1/3", "completed"], ["2/3", "missing"]]);
  assert.deepEqual(parts[2]!.missingSeconds, [[0, 3]]);
  assert.deepEqual(merged.intervals.map((l) => l.missingSegments), [["2/3"], ["2/3"], ["2/3"], ["2/3"]]);

  // The same as merging the run directories the hosts wrote.
  const fromFiles = join(root, "from-files");
  const m = await runCli(["merge", ...segs.map((s) => s.dir), "--out", fromFiles]);
  assert.equal(m.status, 130, m.stdout + m.stderr);
  const files = readRunStore(fromFiles);
  assert.deepEqual(merged.intervals, files.intervals);
  assert.deepEqual(merged.summary!.latencyMs, files.summary!.latencyMs);
  // --delete removed the streams.
  const keys = streamKeys(runId);
  assert.equal(await redis.exists(keys.lines, keys.manifests), 0);
});

test("collect names a missing stream after --wait, and --stream refuses a URL without a run id", async () => {
  const c = await runCli(["collect", "--redis", REDIS, `${runId}-none`, "--out", join(root, "none"), "--wait", "1s", "--every", "1s"]);
  assert.equal(c.status, 3, c.stderr);
  assert.match(c.stderr, /no host of test ".*-none" has written/);
  const r = await runCli(["run", "--url", `${server.base}/x`, "--rate", "1", "--duration", "1s", "--segment", "0/2", "--stream", "redis://127.0.0.1:6379"]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /is not of the form redis:\/\/HOST:PORT\/RUN_ID/);
});
