// A load step run as two local segment processes and merged: the server's count, both segments.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runStepOnLocalSegments } from "../../src/k8s/local-segments.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { countingServer, LEAD_MS, type CountingServer } from "./segment-processes.js";

let server: CountingServer;
before(async () => {
  await initHistograms();
  server = await countingServer();
});
after(() => server.close());

test("a step of 20 closed users split over two processes merges to the server's count", async () => {
  const dir = mkdtempSync(join(tmpdir(), "headroom-step-"));
  const r = await runStepOnLocalSegments({ hosts: 2, dir, leadMs: LEAD_MS, runArgs: ["--url", `${server.base}/step`, "--users", "20", "--think", "100ms", "--duration", "2s"] });
  assert.deepEqual(r.exitCodes, [0, 0]);
  assert.equal(r.manifest.status, "completed");
  assert.deepEqual(r.manifest.distributed!.parts!.map((p) => p.segment), ["0/2", "1/2"]);
  assert.equal(r.summary.requests.total, server.count("/step"));
  assert.equal(r.summary.peakUsers, 20, "10 users in each process");
  assert.ok(r.summary.requests.total > 100, `${r.summary.requests.total} requests`);
});
