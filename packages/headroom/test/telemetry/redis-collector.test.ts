// test-needs: redis
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { REDIS_KEYS } from "../../src/core/telemetry-keys.js";
import { REDIS_EXTRA_KEYS, createRedisCollector } from "../../src/telemetry/redis-collector.js";
import { parseRedisInfo } from "../../src/telemetry/redis-info.js";

// A private redis-server, so counts are exact and it can be stopped ("Redis goes down").
let port = 0;
let server: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

async function startRedis(): Promise<void> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory", "3mb", "--maxmemory-policy", "allkeys-lru"], { stdio: ["ignore", "pipe", "inherit"] });
  server = child;
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Ready to accept connections")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)));
  });
}

async function stopRedis(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(child.pid, "SIGTERM");
  await exited;
}

before(async () => {
  port = await freePort();
  await startRedis();
});
after(stopRedis);

test("INFO parsing: fields, keyspace of every db, command calls", () => {
  const info = parseRedisInfo("# Server\r\nredis_version:7.0.15\r\n\r\n# Keyspace\r\ndb0:keys=12,expires=3,avg_ttl=0\r\ndb3:keys=5,expires=0,avg_ttl=0\r\n# Commandstats\r\ncmdstat_set:calls=42,usec=100,usec_per_call=2.38,rejected_calls=0,failed_calls=0\r\ncmdstat_client|setname:calls=1,usec=1\r\n");
  assert.equal(info.fields.get("redis_version"), "7.0.15");
  assert.deepEqual([...info.keyspace.entries()], [
    ["db0", { keys: 12, expires: 3 }],
    ["db3", { keys: 5, expires: 0 }],
  ]);
  assert.equal(info.commandCalls.get("set"), 42);
  assert.equal(info.commandCalls.get("client|setname"), 1);
});

test("exact per-interval figures against a private redis-server: hits, misses, hit %, commands/s, keys, memory", async () => {
  const app = new Redis({ port, host: "127.0.0.1", lazyConnect: true });
  await app.connect();
  await app.ping(); // the app's own connection setup happens before the baseline
  const c = createRedisCollector({ url: `redis://127.0.0.1:${port}` });
  const [first] = await c.sample(0);
  assert.equal(first.ok, true, first.error);
  assert.equal(first.values[REDIS_KEYS.hitPct], undefined, "no rates without a baseline");
  assert.equal(first.labels?.maxmemory_policy, "allkeys-lru");
  assert.equal(first.values[REDIS_KEYS.maxMemoryBytes], 3 * 1024 * 1024);

  // Exactly 20 commands: 10 SET, 6 GET hits, 4 GET misses.
  for (let i = 0; i < 10; i++) await app.set(`k${i}`, "v");
  for (let i = 0; i < 6; i++) await app.get(`k${i}`);
  for (let i = 0; i < 4; i++) await app.get(`missing${i}`);
  const [second] = await c.sample(2000); // injected: 2 s later
  assert.equal(second.ok, true, second.error);
  assert.equal(second.values[REDIS_KEYS.hitsPerSec], 3);
  assert.equal(second.values[REDIS_KEYS.missesPerSec], 2);
  assert.equal(second.values[REDIS_KEYS.hitPct], 60);
  assert.equal(second.values[REDIS_KEYS.opsPerSec], 10, "the collector's own INFO and SETNAME are not counted");
  assert.equal(second.values[REDIS_EXTRA_KEYS.setsPerSec], 5);
  assert.equal(second.values[REDIS_KEYS.evictedPerSec], 0);
  assert.equal(second.values[REDIS_KEYS.evictionPct], 0);
  assert.equal(second.values[REDIS_KEYS.keys], 10);
  assert.equal(second.values[REDIS_KEYS.clients], 1, "the app's connection; the collector's own is excluded");
  const used = second.values[REDIS_KEYS.usedMemoryBytes];
  assert.ok(used > 0);
  assert.equal(second.values[REDIS_KEYS.memoryPct], Math.round((used / (3 * 1024 * 1024)) * 10000) / 100);

  // Write well past maxmemory: allkeys-lru must evict.
  const big = "x".repeat(50_000);
  for (let i = 0; i < 120; i++) await app.set(`big${i}`, big);
  const [third] = await c.sample(4000);
  assert.ok(third.values[REDIS_KEYS.evictedPerSec] > 0, "evictions");
  assert.ok(third.values[REDIS_KEYS.evictionPct] > 0 && third.values[REDIS_KEYS.evictionPct] <= 100, `eviction % ${third.values[REDIS_KEYS.evictionPct]}`);
  assert.equal(third.values[REDIS_EXTRA_KEYS.setsPerSec], 60);
  app.disconnect();
  await c.close();
});

test("Redis going down gives ok=false lines; after a restart sampling resumes on a new baseline", async () => {
  const c = createRedisCollector({ url: `redis://127.0.0.1:${port}`, timeoutMs: 500 });
  const [up] = await c.sample(0);
  assert.equal(up.ok, true);
  await stopRedis();
  const [down] = await c.sample(1000);
  assert.equal(down.ok, false);
  assert.match(down.error ?? "", new RegExp(`redis 127.0.0.1:${port}: .*(ECONNREFUSED|closed|ECONNRESET)`));
  const [stillDown] = await c.sample(2000);
  assert.equal(stillDown.ok, false);
  await startRedis();
  const [back] = await c.sample(3000);
  assert.equal(back.ok, true, back.error);
  assert.equal(back.values[REDIS_KEYS.opsPerSec], undefined, "a restarted server (new run_id) has no rates against the old one");
  const [next] = await c.sample(4000);
  assert.equal(next.values[REDIS_KEYS.opsPerSec], 0);
  await c.close();
});

test("the machine's Redis on 6379: a reading with every key", async () => {
  const c = createRedisCollector({ url: "redis://127.0.0.1:6379" });
  const [a] = await c.sample(0);
  const [b] = await c.sample(1000);
  assert.equal(a.ok, true, a.error);
  assert.equal(b.ok, true, b.error);
  for (const key of [REDIS_KEYS.usedMemoryBytes, REDIS_KEYS.maxMemoryBytes, REDIS_KEYS.clients, REDIS_KEYS.keys, REDIS_KEYS.opsPerSec, REDIS_KEYS.hitsPerSec, REDIS_KEYS.missesPerSec, REDIS_KEYS.evictedPerSec]) {
    assert.equal(typeof b.values[key], "number", key);
  }
  assert.ok(b.values[REDIS_KEYS.opsPerSec] >= 0);
  assert.ok(b.labels?.maxmemory_policy);
  await c.close();
});
