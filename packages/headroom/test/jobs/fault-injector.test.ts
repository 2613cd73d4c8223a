// test-needs: redis
// The fault injector against real things: a pool of our own on the machine's PostgreSQL loses its
// connection to pg_terminate_backend and reconnects; a child process we spawn is stopped and
// resumed; a redis-server of our own is paused (never the shared one at :6379, other tests use
// it); and the injector writes its events and readiness polls as telemetry lines.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { Redis } from "ioredis";
import pg from "pg";
import { startOwnRedis, type OwnRedis } from "../../../../apps/backend/test/helpers.js";
import type { TelemetryLine } from "../../src/core/types.js";
import { pauseRedis, stallProcesses, startFaultInjector, terminateAppConnections } from "../../src/faults/fault-injector.js";

const ADMIN_URL = process.env.HEADROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";
let redis: OwnRedis | undefined;
after(async () => {
  await redis?.stop();
});

const procState = (pid: number): string => readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "")[0]!;

test("db-connections: the pool's connection is terminated by application_name and the pool reconnects", async () => {
  const appName = `headroom-fault-test-${process.pid}`;
  const pool = new pg.Pool({ connectionString: ADMIN_URL, max: 2, application_name: appName });
  pool.on("error", () => {});
  try {
    const before = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    // (events.once would reject on the pool's "error", which is the point of the test.)
    const removed = new Promise<void>((resolve) => pool.once("remove", () => resolve()));
    const r = await terminateAppConnections(ADMIN_URL, appName);
    assert.equal(r.terminated, 1);
    assert.equal(r.database, "postgres");
    await removed;
    const afterPid = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    assert.notEqual(afterPid, before, "a new connection serves the pool");
    assert.equal((await terminateAppConnections(ADMIN_URL, `${appName}-nobody`)).terminated, 0, "only the named application's connections");
  } finally {
    await pool.end();
  }
});

test("app-stall: a child process is stopped for the stall and resumed after it; headroom's own process never", async () => {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  try {
    const pid = child.pid!;
    const stall = stallProcesses([pid, process.pid], 500);
    const states: string[] = [];
    // The kernel delivers the stop when it next schedules the child: sample from 50 ms on.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 50));
      states.push(procState(pid));
    }
    const r = await stall;
    assert.deepEqual(r.stopped, [pid], "headroom's own pid is refused");
    assert.ok(states.every((s) => s === "T"), `stopped during the stall: ${states.join("")}`);
    assert.notEqual(procState(pid), "T", "resumed after it");
  } finally {
    child.kill("SIGKILL");
  }
});

test("redis-pause: CLIENT PAUSE holds another client's commands until it releases itself", async () => {
  redis = await startOwnRedis();
  const client = new Redis(redis.url);
  try {
    await client.ping();
    await pauseRedis(redis.url, 400);
    const t0 = performance.now();
    assert.equal(await client.ping(), "PONG");
    assert.ok(performance.now() - t0 >= 250, "the PING waited for the pause to end");
  } finally {
    client.disconnect();
  }
});

test("the injector records each fault (or why it could not act) and polls readiness", async () => {
  let ready = 200;
  const server: Server = createServer((req, res) => {
    res.writeHead(req.url === "/health/ready" ? ready : 404, { "content-type": "application/json" });
    res.end(JSON.stringify({ reasons: ready === 200 ? [] : ["postgres: down"] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const lines: TelemetryLine[] = [];
  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const inj = startFaultInjector({
      faults: [{ index: 0, kind: "db-connections", atSec: 0.1, durationSec: 0, applicationName: "muejam-api" }],
      targets: { baseUrl, missing: { database: "no --postgres given" } },
      startedAtMs: Date.now(),
      emit: (l) => lines.push(l),
      readinessIntervalMs: 100,
    });
    await new Promise((r) => setTimeout(r, 250));
    ready = 503;
    await new Promise((r) => setTimeout(r, 250));
    await inj.stop();
  } finally {
    server.close();
  }
  const fault = lines.filter((l) => l.source === "fault");
  assert.equal(fault.length, 1);
  assert.equal(fault[0]!.ok, false);
  assert.equal(fault[0]!.error, "not measured: no --postgres given");
  const polls = lines.filter((l) => l.source === "readiness");
  assert.ok(polls.some((p) => p.values.status === 200) && polls.some((p) => p.values.status === 503 && p.labels?.reason === "postgres: down"), JSON.stringify(polls.map((p) => p.values.status)));
});
