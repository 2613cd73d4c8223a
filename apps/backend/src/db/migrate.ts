// Applies the SQL files in ./migrations in name order, each once, each in its own transaction.
// An advisory lock makes concurrent starts (cluster workers, two platforms) safe.
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";

const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));
const LOCK_KEY = 4_271_305; // any constant: identifies "muejam migrations" among advisory locks

export interface MigrateResult {
  applied: string[];
  /** Whether pg_stat_statements could be created (needs the library preloaded and a superuser). */
  pgStatStatements: boolean;
}

export async function migrate(databaseUrl: string): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "muejam-migrate" });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    const done = new Set((await client.query<{ name: string }>("SELECT name FROM schema_migrations")).rows.map((r) => r.name));
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith(".sql")).sort();
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(MIGRATIONS_DIR + file, "utf8");
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query("INSERT INTO schema_migrations (name) VALUES ($1)", [file]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
    const pgStatStatements = await ensurePgStatStatements(client);
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
    return { applied, pgStatStatements };
  } finally {
    await client.end();
  }
}

// Telemetry reads slow statements from pg_stat_statements; a managed database may not allow
// creating it, which is not a reason to refuse to start.
async function ensurePgStatStatements(client: pg.Client): Promise<boolean> {
  try {
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await client.query("SELECT 1 FROM pg_stat_statements LIMIT 1");
    return true;
  } catch {
    return false;
  }
}
