// npm run -s tokens -w apps/backend -- --count 1000 > tokens.json   (or --out tokens.json)
// Prints a JSON array of {userId, token} for the first N seeded users (and nothing else on
// stdout). Without -s, npm itself prints a "> @muejam/backend tokens" banner on stdout first.
import { chmodSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { mintTokens } from "../auth/mint-tokens.js";
import { ConfigError } from "../errors.js";
import { databaseUrlFromEnv } from "../platform/platform-state.js";

const USAGE = `usage: npm run -s tokens -w apps/backend -- [--count N] [--ttl-hours H] [--out FILE] > tokens.json
  --count N       tokens for the first N users by id (default 100)
  --ttl-hours H   validity (default 168 = 7 days)
  --out FILE      write the JSON there instead of stdout (immune to npm's banner)
Uses DATABASE_URL, else the running platform on embedded PostgreSQL; signs with MUEJAM_TOKEN_SECRET
(else the development default the API also uses).`;

const OPTIONS = { count: { type: "string" }, "ttl-hours": { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } } as const;
const VALID = "--count N, --ttl-hours H, --out FILE, --help";

/** The options, or a usage error naming what was wrong and listing the valid options. */
function parseOptions(): ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"] {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (!err.code?.startsWith("ERR_PARSE_ARGS_")) throw e;
    // node's own message names the option ("Unknown option '--bogus'", "Option '--count <value>' argument missing").
    const first = err.message.split("\n")[0]!.replace(/\.? ?To specify .*$/, "");
    throw new ConfigError(`${first}; the options are ${VALID}`, "npm run -s tokens -w apps/backend -- --count 1000 > tokens.json (--help for more)");
  }
}

try {
  const values = parseOptions();
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    process.exit(0);
  }
  const count = Number(values.count ?? 100);
  const ttlHours = Number(values["ttl-hours"] ?? 168);
  if (!Number.isInteger(count) || count < 1) throw new ConfigError(`--count is "${values.count}"; expected a whole number of at least 1`, "for example --count 1000");
  if (!(ttlHours > 0)) throw new ConfigError(`--ttl-hours is "${values["ttl-hours"]}"; expected a positive number`, "for example --ttl-hours 24");
  const tokens = await mintTokens({ databaseUrl: databaseUrlFromEnv(process.env), count, ttlSec: Math.round(ttlHours * 3600) });
  const json = JSON.stringify(tokens, null, 1) + "\n";
  // npm runs scripts in the workspace directory; INIT_CWD is where the user typed the command.
  // Bearer tokens are credentials: the file is readable by its owner only.
  if (values.out) {
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
    writeFileSync(file, json, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  else process.stdout.write(json);
  process.stderr.write(`minted ${tokens.length} tokens valid for ${ttlHours} h${values.out ? ` into ${values.out}` : ""}\n`);
} catch (err) {
  process.stderr.write(`tokens: error: ${(err as Error).message}\n${err instanceof ConfigError ? `  hint: ${err.hint}\n` : ""}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
