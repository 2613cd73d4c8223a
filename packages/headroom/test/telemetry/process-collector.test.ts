import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { findPortProcesses } from "../../src/telemetry/port-owner.js";
import { parsePidStat } from "../../src/telemetry/proc-files.js";
import { createProcessCollector } from "../../src/telemetry/process-collector.js";
import { PROCESS_KEYS } from "../../src/core/telemetry-keys.js";

const ownTicks = (): number => {
  const st = parsePidStat(readFileSync("/proc/self/stat", "utf8"));
  return st.utimeTicks + st.stimeTicks;
};

const started: ChildProcess[] = [];
const servers: Server[] = [];
const scratch = mkdtempSync(join(tmpdir(), "headroom-proc-"));
after(async () => {
  rmSync(scratch, { recursive: true, force: true });
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const c of started) {
    if (c.exitCode !== null || c.signalCode !== null || !c.pid) continue;
    try {
      process.kill(c.pid, "SIGTERM");
    } catch {
      // exited between the check and the kill
    }
  }
});

/** Open file descriptors of this process as a listing of /proc/self/fd sees them (the collector's way: its own directory handle included). */
function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

test("CPU % of a core from utime+stime deltas over the injected interval; RSS, fds, threads", async () => {
  const c = createProcessCollector({ pids: [process.pid] });
  const before1 = ownTicks();
  const [first] = await c.sample(0);
  const after1 = ownTicks();
  assert.equal(first.ok, true);
  assert.equal(first.labels?.pid, String(process.pid));
  assert.equal(first.values[PROCESS_KEYS.cpuPct], undefined, "no CPU % without a previous sample");
  // Burn at least 20 ticks (0.2 s of CPU) and open 5 files.
  while (ownTicks() - after1 < 20) Math.sqrt(Math.random());
  const fds = Array.from({ length: 5 }, () => openSync("/proc/self/stat", "r"));
  const before2 = ownTicks();
  const fdsBefore = openFds();
  const [second] = await c.sample(1000); // injected: exactly one second later
  const fdsAfter = openFds();
  const after2 = ownTicks();
  fds.forEach((fd) => closeSync(fd));
  // Over 1 s, % of a core equals ticks used (100 ticks = 1 s): bounded by what we measured around the samples.
  const cpu = second.values[PROCESS_KEYS.cpuPct];
  assert.ok(cpu >= before2 - after1 && cpu <= after2 - before1, `cpu ${cpu} not within [${before2 - after1}, ${after2 - before1}]`);
  // The count the collector saw lies between the counts read just before and after it (the
  // runtime itself may open or close a descriptor meanwhile), and the 5 files opened show in it.
  const seen = second.values[PROCESS_KEYS.fds];
  assert.ok(seen >= Math.min(fdsBefore, fdsAfter) && seen <= Math.max(fdsBefore, fdsAfter), `fds ${seen} not within [${fdsBefore}, ${fdsAfter}]`);
  assert.ok(seen - first.values[PROCESS_KEYS.fds] >= 4, `fds ${first.values[PROCESS_KEYS.fds]} -> ${seen} after opening 5`);
  assert.ok(second.values[PROCESS_KEYS.threads] >= 2);
  const rss = process.memoryUsage().rss;
  assert.ok(Math.abs(second.values[PROCESS_KEYS.rssBytes] - rss) < rss * 0.5, `rss ${second.values[PROCESS_KEYS.rssBytes]} vs ${rss}`);
  assert.match(second.labels?.command ?? "", /node/);
  await c.close();
});

test("a pid that is not running gives an ok=false reading with the pid", async () => {
  const c = createProcessCollector({ pids: [4_194_000] });
  const [r] = await c.sample(0);
  assert.equal(r.ok, false);
  assert.match(r.error ?? "", /process 4194000 is not running/);
  assert.equal(r.labels?.pid, "4194000");
});

test("by port: finds this process listening on a port", async () => {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const found = await findPortProcesses(port);
  assert.deepEqual(found.listeners, [process.pid]);
  const c = createProcessCollector({ port });
  const readings = await c.sample(0);
  const mine = readings.find((r) => r.labels?.pid === String(process.pid));
  assert.equal(mine?.ok, true);
  assert.equal(mine?.labels?.role, "listener");
  assert.equal(mine?.labels?.port, String(port));
});

test("by port: a Node cluster is its primary (holding the socket) and its workers", async () => {
  const script = `
    const cluster = require("node:cluster");
    const http = require("node:http");
    if (cluster.isPrimary) {
      const workers = [cluster.fork(), cluster.fork()];
      let ready = 0;
      for (const w of workers) w.on("listening", (a) => { if (++ready === 2) console.log(JSON.stringify({ port: a.port, primary: process.pid, workers: workers.map((x) => x.process.pid) })); });
    } else http.createServer((q, s) => s.end("x")).listen(0, "127.0.0.1");`;
  // cluster.fork() re-runs the main module, so the script must be a file.
  const file = join(scratch, "cluster.cjs");
  writeFileSync(file, script);
  const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "inherit"] });
  started.push(child);
  const info = await new Promise<{ port: number; primary: number; workers: number[] }>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(JSON.parse(out));
    });
    child.on("exit", (code) => reject(new Error(`cluster exited early (${code})`)));
  });
  const found = await findPortProcesses(info.port);
  assert.deepEqual(found.listeners, [info.primary]);
  assert.deepEqual(found.workers, [...info.workers].sort((a, b) => a - b));
  const readings = await createProcessCollector({ port: info.port }).sample(0);
  assert.deepEqual(
    readings.map((r) => [r.labels?.role, Number(r.labels?.pid)]).sort(),
    [["listener", info.primary], ...info.workers.map((w) => ["worker", w])].sort(),
  );
  assert.ok(readings.every((r) => r.ok));
  process.kill(info.primary, "SIGTERM");
});

test("by port: nothing listening gives an ok=false reading naming the port", async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  const readings = await createProcessCollector({ port }).sample(0);
  assert.equal(readings.length, 1);
  assert.equal(readings[0].ok, false);
  assert.match(readings[0].error ?? "", new RegExp(`no process is listening on TCP port ${port}`));
});
