// test-needs: redis
// startPlatform() end to end: embedded PostgreSQL in this process (small seed), the API as a
// child process with two cluster workers sharing the machine's Redis, a lab fault whose slow
// statement shows in pg_stat_statements, and a clean stop.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import pg from "pg";
import { mintTokens } from "../src/auth/mint-tokens.js";
import { startPlatform, type RunningPlatform } from "../src/platform/start-platform.js";
import { deleteRedisPrefix, REDIS_URL, uniquePrefix } from "./helpers.js";

let platform: RunningPlatform | undefined;
const prefix = uniquePrefix();
const logLines: string[] = [];

before(async () => {
  platform = await startPlatform({
    instances: 2,
    redisUrl: REDIS_URL,
    seed: { users: 300, stories: 1500 },
    lab: true,
    faults: ["slow-query"],
    env: { MUEJAM_REDIS_PREFIX: prefix, MUEJAM_LAB_SLOW_QUERY_MS: "100" },
    log: (line) => logLines.push(line),
  });
});

after(async () => {
  await platform?.stop();
  await deleteRedisPrefix(REDIS_URL, prefix);
});

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("serves the API from two workers on embedded PostgreSQL, limits shared, slow statement visible, stops cleanly", async () => {
  const p = platform!;
  assert.equal(p.embeddedPostgres, true);
  assert.match(p.databaseUrl, /^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/muejam$/);
  assert.equal(p.pids.length, 3, "cluster primary and two workers");
  for (const pid of p.pids) assert.ok(isAlive(pid), `pid ${pid} alive`);
  assert.ok(logLines.some((l) => /seeded 300 users and 1500 stories/.test(l)), logLines.join("\n"));
  assert.ok(logLines.some((l) => /LAB MODE: faults slow-query/.test(l)));

  const servedBy = new Set<number>();
  for (let i = 0; i < 8; i++) {
    const res = await fetch(`${p.url}/health/ready`);
    assert.equal(res.status, 200);
    servedBy.add(((await res.json()) as { instance: { pid: number } }).instance.pid);
  }
  assert.deepEqual([...servedBy].sort(), p.pids.slice(1).sort(), "both workers answer");

  const [minted] = await mintTokens({ databaseUrl: p.databaseUrl, count: 1, secret: p.tokenSecret });
  const headers = { authorization: `Bearer ${minted!.token}` };
  const me = await fetch(`${p.url}/api/users/me`, { headers });
  assert.equal(me.status, 200);
  assert.equal(((await me.json()) as { id: string }).id, minted!.userId);
  for (let i = 1; i < 100; i++) assert.equal((await fetch(`${p.url}/api/users/me`, { headers })).status, 200, `request ${i + 1}`);
  const refused = await fetch(`${p.url}/api/users/me`, { headers });
  assert.equal(refused.status, 429, "the 101st request across both workers");
  assert.ok(Number(refused.headers.get("retry-after")) >= 1);

  const metrics = await (await fetch(`${p.url}/metrics`)).text();
  assert.match(metrics, /muejam_app_info\{[^}]*lab_faults="slow-query"[^}]*\} 2/, "aggregated over both workers");
  assert.match(metrics, /muejam_rate_limited_requests_total\{group="user"\} 1/);

  const search = await fetch(`${p.url}/api/search/stories?q=romance`);
  assert.equal(search.status, 200);
  const client = new pg.Client({ connectionString: p.databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ calls: string; mean_ms: number }>(
    "SELECT calls::text, mean_exec_time AS mean_ms FROM pg_stat_statements WHERE query LIKE '%pg_sleep%' AND query LIKE '%websearch_to_tsquery%'",
  );
  await client.end();
  assert.equal(rows.length, 1);
  assert.ok(rows[0]!.mean_ms >= 100, `mean ${rows[0]!.mean_ms} ms`);

  await p.stop();
  for (const pid of p.pids) assert.equal(isAlive(pid), false, `pid ${pid} stopped`);
  const after = new pg.Client({ connectionString: p.databaseUrl, connectionTimeoutMillis: 2000 });
  await assert.rejects(after.connect(), "embedded PostgreSQL stopped");
});
