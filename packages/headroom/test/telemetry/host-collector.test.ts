import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { HOST_KEYS } from "../../src/core/telemetry-keys.js";
import { HOST_EXTRA_KEYS, createHostCollector } from "../../src/telemetry/host-collector.js";

const body = Buffer.alloc(200_000, "x");
let server: Server;
let port: number;
before(async () => {
  server = createServer((_q, s) => s.end(body));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function fetchOnce(): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path: "/" }, (res) => {
      let n = 0;
      res.on("data", (d: Buffer) => (n += d.length));
      res.on("end", () => resolve(n));
    })
      .on("error", reject)
      .end();
  });
}

test("host: memory, cores, load, disk at once; CPU % and network rates from the second sample", async () => {
  const c = createHostCollector({ diskPath: tmpdir() });
  const [first] = await c.sample(0);
  assert.equal(first.ok, true);
  assert.equal(first.values[HOST_KEYS.cpuPct], undefined);
  assert.equal(first.values[HOST_KEYS.netRxBytesPerSec], undefined);
  assert.equal(first.values[HOST_KEYS.memTotalBytes], totalmem());
  assert.equal(first.values[HOST_KEYS.cores], cpus().length);
  assert.ok(first.values[HOST_KEYS.memUsedPct] > 0 && first.values[HOST_KEYS.memUsedPct] < 100);
  assert.ok(first.values[HOST_KEYS.diskUsedPct] > 0 && first.values[HOST_KEYS.diskUsedPct] <= 100);
  assert.ok(first.values[HOST_KEYS.load1] >= 0);
  assert.equal(first.labels?.disk_path, tmpdir());

  // 600 kB over loopback between the samples: the server's sends and our receives both cross lo.
  let got = 0;
  for (let i = 0; i < 3; i++) got += await fetchOnce();
  assert.equal(got, 3 * body.length);
  await new Promise((r) => setTimeout(r, 50));
  const [second] = await c.sample(1000); // injected: one second later, so rates are bytes
  const cpu = second.values[HOST_KEYS.cpuPct];
  assert.ok(cpu >= 0 && cpu <= 100, `cpu ${cpu}`);
  assert.ok(second.values[HOST_EXTRA_KEYS.netLoRxBytesPerSec] >= got, `lo rx ${second.values[HOST_EXTRA_KEYS.netLoRxBytesPerSec]} < ${got}`);
  assert.ok(second.values[HOST_EXTRA_KEYS.netLoTxBytesPerSec] >= got);
  assert.ok(second.values[HOST_KEYS.netRxBytesPerSec] >= 0, "non-loopback traffic is reported apart");
  await c.close();
});

test("host: a part that fails is named in the errors label, the rest is still read", async () => {
  const c = createHostCollector({ diskPath: "/no/such/dir/for/headroom" });
  const [r] = await c.sample(0);
  assert.equal(r.ok, true);
  assert.equal(r.values[HOST_KEYS.diskUsedPct], undefined);
  assert.match(r.labels?.errors ?? "", /^disk: .*ENOENT/);
  assert.ok(r.values[HOST_KEYS.memTotalBytes] > 0);

  const none = createHostCollector({ procRoot: "/no/such/proc", diskPath: "/no/such/dir" });
  const [bad] = await none.sample(0);
  assert.equal(bad.ok, false);
  assert.match(bad.error ?? "", /cpu: .*ENOENT.*memory:/);
});

const NETSTAT = readFileSync(new URL("./fixtures/netstat.txt", import.meta.url), "utf8");

/** The fixture with some TcpExt counters replaced (by name, so the test does not depend on their column). */
function netstatWith(counters: Record<string, number>): string {
  const [header, values, ...rest] = NETSTAT.split("\n");
  const names = header!.split(" ");
  const v = values!.split(" ");
  for (const [name, n] of Object.entries(counters)) {
    const i = names.indexOf(name);
    assert.ok(i > 0, `${name} is in the fixture`);
    v[i] = String(n);
  }
  return [header, v.join(" "), ...rest].join("\n");
}

test("host: listen overflows, drops and TCP timeouts per second from two netstat samples of a procRoot", async () => {
  const root = mkdtempSync(join(tmpdir(), "headroom-proc-"));
  try {
    mkdirSync(join(root, "net"));
    const file = join(root, "net/netstat");
    writeFileSync(file, netstatWith({ ListenOverflows: 1000, ListenDrops: 1010, TCPTimeouts: 500 }));
    const c = createHostCollector({ procRoot: root, diskPath: root });
    const [first] = await c.sample(10_000);
    assert.equal(first.ok, true);
    assert.equal(first.values[HOST_KEYS.listenOverflowsPerSec], undefined, "no rate from one sample");
    assert.doesNotMatch(first.labels?.errors ?? "", /netstat/);
    assert.match(first.labels?.errors ?? "", /cpu: .*ENOENT/, "the other parts of the fake root are missing");

    writeFileSync(file, netstatWith({ ListenOverflows: 1300, ListenDrops: 1320, TCPTimeouts: 560 }));
    const [second] = await c.sample(12_000); // two seconds later
    assert.equal(second.values[HOST_KEYS.listenOverflowsPerSec], 150);
    assert.equal(second.values[HOST_KEYS.listenDropsPerSec], 155);
    assert.equal(second.values[HOST_KEYS.tcpTimeoutsPerSec], 30);

    // Unreadable: left out and named; the next good sample's rate spans back to the last good one.
    rmSync(file);
    const [third] = await c.sample(13_000);
    assert.equal(third.values[HOST_KEYS.listenOverflowsPerSec], undefined);
    assert.match(third.labels?.errors ?? "", /netstat: .*ENOENT/);
    writeFileSync(file, netstatWith({ ListenOverflows: 1306, ListenDrops: 1326, TCPTimeouts: 500 }));
    const [fourth] = await c.sample(14_000);
    assert.equal(fourth.values[HOST_KEYS.listenOverflowsPerSec], 3, "6 over the 2 s since the last good read");
    assert.equal(fourth.values[HOST_KEYS.tcpTimeoutsPerSec], undefined, "a counter that went down gives no rate");

    writeFileSync(file, "IpExt: InOctets\nIpExt: 1\n");
    const [fifth] = await c.sample(15_000);
    assert.match(fifth.labels?.errors ?? "", /netstat: no TcpExt ListenOverflows/);
    await c.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("host: a listener that does not accept, with a backlog of 1, shows listen overflows in the real netstat", async () => {
  // A child listens with backlog 1 and is stopped, so nothing takes connections off its accept
  // queue; the kernel turns the SYNs beyond the queue away and counts ListenOverflows.
  const child = spawn(process.execPath, ["-e", "const s = require('node:net').createServer(); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port));"], { stdio: ["ignore", "pipe", "inherit"] });
  const sockets: Socket[] = [];
  try {
    const childPort = await new Promise<number>((resolve, reject) => {
      child.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim())));
      child.once("error", reject);
    });
    child.kill("SIGSTOP");
    const c = createHostCollector({ diskPath: tmpdir() });
    const [first] = await c.sample(0);
    assert.doesNotMatch(first.labels?.errors ?? "", /netstat/);
    for (let i = 0; i < 50; i++) sockets.push(connect({ port: childPort, host: "127.0.0.1" }).on("error", () => {}));
    await new Promise((r) => setTimeout(r, 300));
    const [second] = await c.sample(1000);
    // The SYNs beyond a queue of 2 (48 here; a kernel may size the queue a little differently);
    // other listeners of the namespace can only add.
    assert.ok(second.values[HOST_KEYS.listenOverflowsPerSec] >= 40, `overflows/s ${second.values[HOST_KEYS.listenOverflowsPerSec]}`);
    assert.ok(second.values[HOST_KEYS.listenDropsPerSec] >= second.values[HOST_KEYS.listenOverflowsPerSec], "drops include overflows");
    await c.close();
  } finally {
    for (const s of sockets) s.destroy();
    child.kill("SIGCONT");
    child.kill("SIGKILL");
  }
});
