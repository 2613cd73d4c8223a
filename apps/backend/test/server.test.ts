// A real listening server: graceful close drains a request in flight; reads go to the replica
// when one is configured; pgbouncer mode sends no statement names and no session parameters.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { build } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { resolveConfig } from "../src/config.js";
import { poolConfig, queryConfig } from "../src/db/database.js";
import { startServer } from "../src/server.js";
import { bearer, createTestDatabase, TEST_SECRET, type TestDatabase } from "./helpers.js";

let primary: TestDatabase;
let replica: TestDatabase;

before(async () => {
  // Two different databases stand in for primary and replica, so the test can tell them apart.
  [primary, replica] = await Promise.all([createTestDatabase({ users: 40, stories: 100 }), createTestDatabase({ users: 60, stories: 100 })]);
});

after(async () => {
  await Promise.all([primary?.drop(), replica?.drop()]);
});

it("close() lets the request in flight finish, then refuses new connections", async () => {
  const server = await startServer({ databaseUrl: primary.url, tokenSecret: TEST_SECRET, lab: true, faults: ["slow-query"], labTuning: { slowQueryMs: 600 }, port: 0, host: "127.0.0.1" });
  const inFlight = fetch(`${server.url}/api/search/stories?q=fantasy`);
  // Wait until the search holds a database connection: it is then truly in flight.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const s = server.app.muejam.db.poolStats()[0]!;
    if (s.total - s.idle >= 1) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const closed = server.close();
  const res = await inFlight;
  assert.equal(res.status, 200, "drained, not cut off");
  assert.equal(res.headers.get("connection"), "close", "the keep-alive connection does not hold the shutdown open");
  assert.ok(((await res.json()) as { results: unknown[] }).results.length > 0);
  await closed;
  await assert.rejects(fetch(`${server.url}/health`), "no longer listening");
});

it("DATABASE_REPLICA_URL: reads from the replica, own-writes reads and writes on the primary", async () => {
  const app = build({ databaseUrl: primary.url, databaseReplicaUrl: replica.url, tokenSecret: TEST_SECRET });
  try {
    const headers = bearer(signToken(TEST_SECRET, "55")); // user 55 exists on the "replica" only
    const me = await app.inject({ url: "/api/users/me", headers });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().username, "reader000055");
    const mine = await app.inject({ url: "/api/stories/mine", headers });
    assert.equal(mine.statusCode, 200);
    assert.deepEqual(mine.json().results, [], "read on the primary, which has no stories by user 55");
    const stats = app.muejam.db.poolStats();
    assert.deepEqual(stats.map((s) => s.pool), ["primary", "replica"]);
    assert.match((await app.inject({ url: "/metrics" })).body, /muejam_db_pool_total_connections\{pool="replica"\} [1-9]/);
  } finally {
    await app.close();
  }
});

it("pgbouncer mode: unnamed statements, a client-side timeout instead of a startup parameter; the API works", async () => {
  const stmt = { name: "trending", text: "SELECT 1" };
  assert.deepEqual(queryConfig(stmt, [], true), { text: "SELECT 1", values: [] });
  assert.deepEqual(queryConfig(stmt, [], false), { name: "trending", text: "SELECT 1", values: [] });
  const bouncer = poolConfig(primary.url, resolveConfig({ databaseUrl: primary.url, pgbouncer: true }));
  assert.equal(bouncer.statement_timeout, undefined);
  assert.equal(bouncer.query_timeout, 30_000);
  assert.equal(poolConfig(primary.url, resolveConfig({ databaseUrl: primary.url })).statement_timeout, 30_000);

  const app = build({ databaseUrl: primary.url, tokenSecret: TEST_SECRET, pgbouncer: true });
  try {
    assert.equal((await app.inject({ url: "/api/discovery/trending" })).statusCode, 200);
    assert.equal((await app.inject({ url: "/api/users/me", headers: bearer(signToken(TEST_SECRET, "3")) })).statusCode, 200);
  } finally {
    await app.close();
  }
});
