// The MueJam API as `headroom plan` uses it when no --target is given. It belongs to this
// repository (apps/backend), not to the published package: it is loaded by a specifier held in a
// variable, so neither the build nor a run with --target resolves @muejam/backend. The shape below
// is the part plan uses; test/cli/muejam-backend.test.ts checks the real module against it.

export interface MuejamPlatformOptions {
  instances?: number;
  databaseUrl?: string;
  redisUrl?: string;
  seed?: { users: number; stories: number } | false;
  lab?: boolean;
  faults?: string[];
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** The secret tokens are signed with; absent: a random one for this platform. */
  tokenSecret?: string;
  /** Proxy addresses whose X-Forwarded-For the API trusts (the load generator on this host). */
  trustProxy?: string[];
}

export interface MuejamRunningPlatform {
  url: string;
  pids: number[];
  databaseUrl: string;
  redisUrl?: string;
  embeddedPostgres: boolean;
  /** What tokens for this platform must be signed with (mintTokens({ secret })). */
  tokenSecret: string;
  stop(opts?: { graceMs?: number }): Promise<void>;
}

export interface MuejamBackend {
  APP_VERSION: string;
  startPlatform(opts?: MuejamPlatformOptions): Promise<MuejamRunningPlatform>;
  mintTokens(opts: { databaseUrl: string; count: number; secret?: string }): Promise<{ userId: string; token: string }[]>;
}

const BACKEND_SPECIFIER: string = "@muejam/backend";

export async function loadMuejamBackend(): Promise<MuejamBackend> {
  return (await import(BACKEND_SPECIFIER)) as MuejamBackend;
}
