// Where a running platform on embedded PostgreSQL leaves its connection string, so the seed,
// tokens and migrate commands find the database without DATABASE_URL.
import { existsSync, readFileSync } from "node:fs";
import { chmod, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors.js";

export interface PlatformState {
  databaseUrl: string;
  pid: number;
  url?: string;
  startedAt: string;
}

/** MUEJAM_DATA_DIR, else a fixed directory under the system temp dir (kept between starts). */
export function defaultDataDir(env: Record<string, string | undefined>): string {
  return env.MUEJAM_DATA_DIR || join(tmpdir(), "muejam-data");
}

const stateFile = (dataDir: string): string => join(dataDir, "platform.json");

export async function writePlatformState(dataDir: string, state: PlatformState): Promise<void> {
  // It holds the connection string (with its password): readable by the owner only.
  await writeFile(stateFile(dataDir), JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  await chmod(stateFile(dataDir), 0o600);
}

export async function removePlatformState(dataDir: string): Promise<void> {
  await rm(stateFile(dataDir), { force: true });
}

export function readPlatformState(dataDir: string): PlatformState | undefined {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as PlatformState;
}

/** DATABASE_URL, else the database of the platform running on embedded PostgreSQL. */
export function databaseUrlFromEnv(env: Record<string, string | undefined>): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const dataDir = defaultDataDir(env);
  const state = readPlatformState(dataDir);
  if (state) return state.databaseUrl;
  throw new ConfigError(
    `DATABASE_URL is not set and no running platform was found in ${dataDir}`,
    "start the platform first (npm run start -w apps/backend), or set DATABASE_URL=postgres://user:password@host:port/database",
  );
}
