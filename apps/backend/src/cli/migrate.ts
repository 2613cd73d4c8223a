// npm run migrate -w apps/backend: applies pending migrations (the API also does this at start).
import { migrate } from "../db/migrate.js";
import { ConfigError } from "../errors.js";
import { databaseUrlFromEnv } from "../platform/platform-state.js";

try {
  const result = await migrate(databaseUrlFromEnv(process.env));
  process.stdout.write(`${result.applied.length ? `applied ${result.applied.join(", ")}` : "schema up to date"}; pg_stat_statements ${result.pgStatStatements ? "available" : "not available"}\n`);
} catch (err) {
  process.stderr.write(`migrate: error: ${(err as Error).message}\n${err instanceof ConfigError ? `  hint: ${err.hint}\n` : ""}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
