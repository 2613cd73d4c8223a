// Tokens for seeded users, so a load test logs thousands of users in without a login storm.
import pg from "pg";
import { DEFAULT_TOKEN_SECRET } from "../config.js";
import { signToken } from "./tokens.js";

export interface MintedToken {
  userId: string;
  token: string;
}

/** Signs one token for each of the first `count` users (by id). `secret` defaults to MUEJAM_TOKEN_SECRET, then the development default. */
export async function mintTokens(opts: { databaseUrl: string; count: number; secret?: string; ttlSec?: number; nowSec?: number }): Promise<MintedToken[]> {
  if (!Number.isInteger(opts.count) || opts.count < 1) {
    throw new Error(`token count is ${opts.count}; expected a whole number of at least 1`);
  }
  const secret = opts.secret ?? (process.env.MUEJAM_TOKEN_SECRET || DEFAULT_TOKEN_SECRET);
  const client = new pg.Client({ connectionString: opts.databaseUrl, application_name: "muejam-tokens" });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>("SELECT u.id::text AS id FROM users u ORDER BY u.id LIMIT $1", [opts.count]);
    if (rows.length < opts.count) {
      throw new Error(
        `asked for ${opts.count} tokens but the database has only ${rows.length} users; ` +
          `seed more (npm run seed -w apps/backend -- --users ${opts.count} --reset) or ask for fewer`,
      );
    }
    return rows.map((r) => ({ userId: r.id, token: signToken(secret, r.id, { ttlSec: opts.ttlSec, nowSec: opts.nowSec }) }));
  } finally {
    await client.end();
  }
}
