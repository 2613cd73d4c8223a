// The bearer tokens the MueJam suite's authenticated users send, for a plan's run of the API:
// as many as the database has users (at most what the plan needs), written where only this user
// can read them.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** Tokens the database can back: `wanted`, or as many as it has users (users beyond share them: user i takes token i mod N). */
export async function mintableTokens(databaseUrl: string, wanted: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const r = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
    return Math.max(1, Math.min(wanted, r.rows[0]?.n ?? wanted));
  } finally {
    await client.end();
  }
}

/**
 * The suite's tokens, readable by this user only (0600): in a private temporary folder removed when
 * the plan ends, or with --keep-tokens in the report folder (`keepIn`).
 */
export function writeTokens(tokens: readonly { userId: string; token: string }[], keepIn: string | undefined): string {
  const file = join(keepIn ?? mkdtempSync(join(tmpdir(), "headroom-tokens-")), "tokens.json");
  writeFileSync(file, JSON.stringify(tokens) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
