// Integration: the single-URL engine against a real local server on port 0.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { readRunStore } from "../../src/store/run-store.js";
import type { RunSummary } from "../../src/store/types.js";

let server: Server;
let base = "";
const tmp = mkdtempSync(join(tmpdir(), "headroom-run-url-"));

before(async () => {
  server = createServer((req, res) => {
    if (req.url === "/chunked") {
      res.write("hel");
      res.end("lo");
    } else if (req.url === "/fail") {
      res.statusCode = 503;
      res.end("no");
    } else res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test("--connections --json prints exactly one JSON summary and writes the run store", async () => {
  const io = memoryIo();
  const out = join(tmp, "tp");
  const code = await main(["run", "--url", `${base}/`, "--connections", "4", "--duration", "1s", "--workers", "1", "--json", "--out", out], io);
  assert.equal(code, 0, io.err());
  const s = JSON.parse(io.out()) as RunSummary;
  assert.ok(s.requests.total > 10, `requests ${s.requests.total}`);
  assert.equal(s.requests.failed, 0);
  assert.equal(s.status["200"], s.requests.total);
  assert.equal(s.runDir, out);
  for (const k of ["min", "mean", "p50", "p90", "p95", "p99", "p999", "max"] as const) assert.equal(typeof s.latencyMs[k], "number");
  const store = readRunStore(out);
  assert.equal(store.manifest.status, "completed");
  assert.equal(store.intervals.length, 1);
  assert.equal(store.intervals[0]!.endpoints["/"]!.requests, s.requests.total);
});

test("chunked responses and failing statuses are framed and classified", async () => {
  const io = memoryIo();
  const code = await main(["run", "--url", `${base}/chunked`, "--connections", "2", "--duration", "1s", "--workers", "1", "--json", "--out", join(tmp, "ch")], io);
  assert.equal(code, 0, io.err());
  const s = JSON.parse(io.out()) as RunSummary;
  assert.ok(s.requests.total > 10);
  assert.equal(s.requests.failed, 0);
  const io2 = memoryIo();
  await main(["run", "--url", `${base}/fail`, "--rate", "20", "--duration", "1s", "--workers", "1", "--json", "--out", join(tmp, "fail")], io2);
  const f = JSON.parse(io2.out()) as RunSummary;
  assert.equal(f.requests.total, 20);
  assert.equal(f.requests.failed, 20);
  assert.equal(f.errors.status, 20);
  assert.equal(f.status["503"], 20);
});
