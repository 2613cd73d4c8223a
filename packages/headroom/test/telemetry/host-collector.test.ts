import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
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
