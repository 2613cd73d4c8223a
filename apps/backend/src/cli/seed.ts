// npm run seed -w apps/backend -- [--users N] [--stories N] [--reset]
// Migrates, then seeds an empty database (or empties and reseeds it with --reset).
import { parseArgs } from "node:util";
import { migrate } from "../db/migrate.js";
import { DEFAULT_SEED, seedDatabase } from "../db/seed.js";
import { ConfigError } from "../errors.js";
import { databaseUrlFromEnv } from "../platform/platform-state.js";

try {
  const { values } = parseArgs({ options: { users: { type: "string" }, stories: { type: "string" }, reset: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    process.stdout.write("usage: npm run seed -w apps/backend -- [--users 10000] [--stories 50000] [--reset]\n");
    process.exit(0);
  }
  const users = Number(values.users ?? DEFAULT_SEED.users);
  const stories = Number(values.stories ?? DEFAULT_SEED.stories);
  if (!Number.isInteger(users) || users < 1) throw new ConfigError(`--users is "${values.users}"; expected a whole number of at least 1`, "for example --users 10000");
  if (!Number.isInteger(stories) || stories < 0) throw new ConfigError(`--stories is "${values.stories}"; expected a whole number`, "for example --stories 50000");
  const url = databaseUrlFromEnv(process.env);
  await migrate(url);
  const result = await seedDatabase(url, { users, stories }, { reset: values.reset });
  process.stdout.write(
    result.seeded
      ? `seeded ${result.users} users and ${result.stories} stories in ${(result.durationMs / 1000).toFixed(1)} s\n`
      : `the database already holds ${result.users} users and ${result.stories} stories; nothing done (--reset empties and reseeds it)\n`,
  );
} catch (err) {
  process.stderr.write(`seed: error: ${(err as Error).message}\n${err instanceof ConfigError ? `  hint: ${err.hint}\n` : ""}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
