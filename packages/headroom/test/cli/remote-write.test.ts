// `headroom run --out prometheus-rw=URL` against a real Prometheus (Debian's `prometheus`, started
// here on a free 127.0.0.1 port with its remote-write receiver, a temporary storage directory and
// no scraping): the run's series are queryable while the run is still going, and once it ends
// the request counters equal the run's summary.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";
import { grafanaDashboard } from "../../src/report/ops/grafana-dashboard.js";
import { readRunStore } from "../../src/store/run-store.js";

const hasPrometheus = spawnSync("prometheus", ["--version"], { stdio: "ignore" }).status === 0;
const SKIP = hasPrometheus ? false : "the prometheus binary is not installed (apt-get install -y prometheus; .ci/run installs it)";

let prom: ChildProcess | undefined;
let promUrl = "";
let server: Server;
let base = "";
let tmp = "";

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.equal(body.status, "success");
  return body.data.result;
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "headroom-rw-"));
  server = createServer((req, res) => setTimeout(() => res.end("ok"), req.url === "/slow" ? 20 : 0));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!hasPrometheus) return;
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  // No scrape_configs: the only samples are the ones the run writes.
  writeFileSync(join(tmp, "prometheus.yml"), "global:\n  scrape_interval: 1m\n");
  prom = spawn("prometheus", [`--config.file=${join(tmp, "prometheus.yml")}`, `--storage.tsdb.path=${join(tmp, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--web.enable-remote-write-receiver", "--log.level=warn"], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`${promUrl}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus did not become ready on ${promUrl} within 10 s`);
});

after(async () => {
  if (prom?.pid !== undefined && prom.exitCode === null) {
    const exited = new Promise((r) => prom!.once("exit", r));
    process.kill(prom.pid, "SIGTERM");
    await exited;
  }
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

test("--out prometheus-rw=URL: the run's series arrive while it runs, with the summary's counts at the end", { skip: SKIP }, async () => {
  const name = `rw-${process.pid}`;
  const dir = join(tmp, "run");
  const io = memoryIo({}, tmp);
  let done = false;
  const running = main(["run", "--url", `${base}/slow`, "-u", "2", "-d", "5s", "--workers", "1", "--no-report", "--name", name, "-o", dir, "-o", `prometheus-rw=${promUrl}/api/v1/write`], io).finally(() => (done = true));
  // While the run goes: the requests counter of this test shows up and grows.
  let seenWhileRunning: number | undefined;
  while (!done) {
    const r = await query(`headroom_requests_total{test="${name}",name=""}`);
    if (r.length === 1 && Number(r[0]!.value[1]) > 0) {
      seenWhileRunning ??= Number(r[0]!.value[1]);
      if (Number(r[0]!.value[1]) > seenWhileRunning) break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(!done && seenWhileRunning !== undefined, `no growing series before the run ended (${io.err()})`);
  assert.equal(await running, EXIT.OK, io.err());
  assert.doesNotMatch(io.err(), /remote-write/, "no push failed");

  const s = readRunStore(dir).summary!;
  const total = await query(`headroom_requests_total{test="${name}",name=""}`);
  assert.equal(Number(total[0]!.value[1]), s.requests.total);
  assert.equal(total[0]!.metric.run_id, readRunStore(dir).manifest.id);
  const perName = await query(`headroom_requests_total{test="${name}",name!=""}`);
  assert.deepEqual(perName.map((r) => [r.metric.name, r.metric.method, Number(r.value[1])]), [["/slow", "GET", s.requests.total]]);
  assert.equal(Number((await query(`headroom_failures_total{test="${name}",name=""}`))[0]!.value[1]), 0);
  assert.equal(Number((await query(`headroom_users{test="${name}"}`))[0]!.value[1]), 2);
  // One sample per second of the run, each that second's p95 (>= the 20 ms the server waits).
  const p95 = await query(`count_over_time(headroom_latency_p95_ms{test="${name}",name=""}[5m])`);
  assert.equal(Number(p95[0]!.value[1]), readRunStore(dir).intervals.length);
  const minP95 = await query(`min_over_time(headroom_latency_p95_ms{test="${name}",name=""}[5m])`);
  assert.ok(Number(minP95[0]!.value[1]) >= 19, `p95 ${minP95[0]!.value[1]} ms`);
  // The shipped dashboard's panels for headroom's run draw from these series: each query has data.
  const d = grafanaDashboard({ coresPerInstance: 2, memoryBytesPerInstance: 2 ** 31, maxConnections: 100 });
  const runPanels = d.panels.filter((p) => p.title.startsWith("headroom run:"));
  assert.equal(runPanels.length, 4);
  for (const t of runPanels.flatMap((p) => p.targets)) assert.ok((await query(t.expr)).length > 0, `no data for the panel query ${t.expr}`);
});

test("a remote-write URL nobody answers warns once and the run still completes", async () => {
  const port = await freePort();
  const io = memoryIo({}, tmp);
  const code = await main(["run", "--url", `${base}/`, "-u", "1", "-d", "2s", "--workers", "1", "--no-report", "-o", join(tmp, "run-unanswered"), "-o", `prometheus-rw=http://127.0.0.1:${port}/api/v1/write`], io);
  assert.equal(code, EXIT.OK, io.err());
  const warnings = io.err().split("\n").filter((l) => l.startsWith("warning: remote-write"));
  assert.equal(warnings.length, 2, io.err());
  assert.match(warnings[0]!, new RegExp(`^warning: remote-write http://127\\.0\\.0\\.1:${port}/api/v1/write failed: `));
  assert.match(warnings[1]!, /^warning: remote-write: 2 of 2 pushes to .* failed$/);
});
