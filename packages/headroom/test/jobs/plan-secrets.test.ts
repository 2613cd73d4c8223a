// `headroom plan` keeps its secrets out of what it writes (issue 14): the cheapest plan that still
// writes the whole report set (baseline only, 5 users for 15 s, no warm-up, no search, the small
// dataset) against a database reached with a password, then every file of the report folder and
// every line it printed is searched for that password and for bearer tokens.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";

const ADMIN_URL = process.env.HEADROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";
const suffix = `${process.pid}_${randomBytes(3).toString("hex")}`;
const role = `headroom_secret_${suffix}`;
const db = `headroom_secret_${suffix}`;
const password = `Pw${randomBytes(9).toString("hex")}`;
const out = mkdtempSync(join(tmpdir(), "headroom-plan-secrets-"));
/** A bearer token of the MueJam API: mj1.<payload>.<signature>. */
const TOKEN = /mj1\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

before(async () => {
  // Superuser so the migration may create pg_stat_statements, as the API's own role would.
  await admin(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
  await admin(`CREATE DATABASE ${db} OWNER ${role}`);
});

after(async () => {
  await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin(`DROP ROLE IF EXISTS ${role}`);
  rmSync(out, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const tokenDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith("headroom-tokens-"));

test("no file a plan writes, and no line it prints, holds the database password or a bearer token", { timeout: 180_000 }, async () => {
  const url = `postgres://${role}:${password}@127.0.0.1:5432/${db}`;
  const tokenDirsBefore = tokenDirs();
  const io = memoryIo({ DATABASE_URL: url }, out);
  const argv = ["plan", "--profiles", "baseline", "--scale", "0.05", "--warmup", "0", "--dataset", "small", "--out", out, "--var", `dsn=${url}`];
  const code = await main(argv, io);
  assert.ok(code === EXIT.OK || code === EXIT.TARGETS_FAILED, `exit ${code}\n${io.out()}\n${io.err()}`);

  const files = filesUnder(out);
  for (const f of ["capacity-plan.md", "performance-metrics.md", "report.html", "summary.json", "junit.xml", "alert-rules.yml", "grafana-dashboard.json", "test-results/baseline.md", "baseline/manifest.json", "baseline/telemetry.ndjson"]) {
    assert.ok(files.includes(join(out, f)), `${f} written`);
  }
  assert.ok(!existsSync(join(out, "tokens.json")), "the tokens stay out of the report folder");
  assert.deepEqual(tokenDirs(), tokenDirsBefore, "the private tokens folder is removed at the end");
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    assert.ok(!text.includes(password), `${file} holds the database password`);
    assert.doesNotMatch(text, TOKEN, `${file} holds a bearer token`);
  }
  for (const [stream, text] of [["stdout", io.out()], ["stderr", io.err()]] as const) {
    assert.ok(!text.includes(password), `${stream} printed the database password`);
    assert.doesNotMatch(text, TOKEN, `${stream} printed a bearer token`);
  }
  // The API believed its own generator's X-Forwarded-For only (each virtual user its own address).
  assert.match(io.out(), /api: X-Forwarded-For is trusted from 127\.0\.0\.1 only/);
  // The command line is in the documents, redacted.
  const plan = readFileSync(join(out, "capacity-plan.md"), "utf8");
  assert.ok(plan.includes(`dsn=postgres://${role}:***@127.0.0.1:5432/${db}`), "capacity-plan.md shows the redacted command line");

  // The same --out again is refused before anything starts (it would mix the two plans).
  const again = memoryIo({ DATABASE_URL: url }, out);
  assert.equal(await main(argv, again), EXIT.USAGE, again.err());
  assert.match(again.err(), /^error\[HR_OUT_NOT_EMPTY\]: --out ".*" is not empty/);
});
