// startPlatform(): the whole MueJam platform for a caller such as headroom. PostgreSQL is
// embedded in the calling process when no databaseUrl is given (migrated, and seeded when
// empty); the API runs as a child process (`node --import tsx src/main.ts`), so a load
// generator and the platform never share an event loop.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { migrate } from "../db/migrate.js";
import { DEFAULT_SEED, seedDatabase, type SeedSize } from "../db/seed.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres.js";
import { LISTENING_PREFIX } from "./platform-process.js";

export interface StartPlatformOptions {
  /** 0 or absent: a free port. */
  port?: number;
  instances?: number;
  databaseUrl?: string;
  redisUrl?: string;
  /** Seed size when the database is empty (default 10,000 users / 50,000 stories); false: never seed. */
  seed?: SeedSize | false;
  lab?: boolean;
  faults?: string[];
  poolSize?: number;
  /** Embedded PostgreSQL data; absent: a temporary directory removed by stop(). */
  dataDir?: string;
  /** Receives the platform's log lines (startup, warnings, shutdown). */
  log?: (line: string) => void;
  /** More environment for the API process (MUEJAM_REDIS_PREFIX, MUEJAM_RATE_LIMITS, MUEJAM_LAB_SLOW_QUERY_MS, ...). */
  env?: Record<string, string>;
  /** How long to wait for the API to answer /health/ready (default 120 s). */
  readyTimeoutMs?: number;
  /** The secret tokens are signed with; absent: a random one for this platform (RunningPlatform.tokenSecret). */
  tokenSecret?: string;
  /**
   * Addresses whose X-Forwarded-For the API believes (MUEJAM_TRUST_PROXY), e.g. the load generator
   * that gives each virtual user an address of its own; absent: none.
   */
  trustProxy?: string[];
}

export interface RunningPlatform {
  url: string;
  /** The API's processes: the one process, or the cluster primary followed by its workers. */
  pids: number[];
  databaseUrl: string;
  redisUrl?: string;
  embeddedPostgres: boolean;
  /** What tokens for this platform must be signed with (mintTokens({ secret })). */
  tokenSecret: string;
  /**
   * SIGTERM (the API drains its in-flight requests), then SIGKILL after `graceMs` (default 40 s).
   * A caller with nothing left to wait for (the documents are written) passes a short grace.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

const BACKEND_DIR = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = join(BACKEND_DIR, "src", "main.ts");
// Settings the child must take from the options, never from the caller's environment.
const OWNED_ENV = /^(DATABASE_URL|DATABASE_REPLICA_URL|REDIS_URL|PORT|HOST|MUEJAM_.*)$/;

interface ListeningLine {
  url: string;
  pids: number[];
}

export async function startPlatform(opts: StartPlatformOptions = {}): Promise<RunningPlatform> {
  const log = opts.log ?? (() => {});
  let embedded: EmbeddedPostgres | undefined;
  let tempDir: string | undefined;
  let child: ChildProcess | undefined;
  const cleanup = async (): Promise<void> => {
    await embedded?.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      const dataDir = opts.dataDir ?? (tempDir = await mkdtemp(join(tmpdir(), "muejam-platform-")));
      embedded = await startEmbeddedPostgres({ dataDir, log });
      databaseUrl = embedded.url;
    }
    const migration = await migrate(databaseUrl);
    if (!migration.pgStatStatements) log("pg_stat_statements is not available in this database: slow-statement telemetry will be missing");
    if (opts.seed !== false) {
      const seeded = await seedDatabase(databaseUrl, opts.seed ?? DEFAULT_SEED);
      log(seeded.seeded ? `seeded ${seeded.users} users and ${seeded.stories} stories in ${(seeded.durationMs / 1000).toFixed(1)} s` : `database already holds ${seeded.users} users; not seeding`);
    }

    const tokenSecret = opts.tokenSecret ?? randomBytes(32).toString("base64url");
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !OWNED_ENV.test(k)) env[k] = v;
    Object.assign(env, {
      DATABASE_URL: databaseUrl,
      PORT: String(opts.port ?? 0),
      MUEJAM_INSTANCES: String(opts.instances ?? 1),
      MUEJAM_SEED: "0",
      MUEJAM_EXIT_WITH_PARENT: "1",
      ...(opts.trustProxy?.length ? { MUEJAM_TRUST_PROXY: opts.trustProxy.join(",") } : {}),
      ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
      ...(opts.poolSize !== undefined ? { MUEJAM_POOL_SIZE: String(opts.poolSize) } : {}),
      ...(opts.lab ? { MUEJAM_LAB: "1", MUEJAM_LAB_FAULTS: (opts.faults ?? []).join(",") } : {}),
      ...opts.env,
      // After opts.env: the secret returned to the caller is the one the API verifies with.
      MUEJAM_TOKEN_SECRET: tokenSecret,
    });
    if (!opts.lab && opts.faults?.length) throw new Error(`faults ${opts.faults.join(",")} need lab: true; lab faults are never enabled by default`);

    // A process group of its own: a terminal's Ctrl-C reaches the caller, which finishes its
    // current second and then stops the API in order, not the API mid-second under a load test.
    // (An embedded PostgreSQL is the caller's child, in its group: Ctrl-C shuts it down at once.)
    // The API still exits with its parent: MUEJAM_EXIT_WITH_PARENT watches the stdin pipe.
    child = spawn(process.execPath, ["--import", "tsx", MAIN], { cwd: BACKEND_DIR, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    const listening = await waitForListening(child, log, opts.readyTimeoutMs ?? 120_000);
    await waitForReady(listening.url, child, opts.readyTimeoutMs ?? 120_000);
    const proc = child;
    let stopping: Promise<void> | undefined;
    return {
      url: listening.url,
      pids: listening.pids,
      databaseUrl,
      redisUrl: opts.redisUrl,
      embeddedPostgres: embedded !== undefined,
      tokenSecret,
      stop(stopOpts) {
        stopping ??= (async () => {
          await stopChild(proc, stopOpts?.graceMs);
          await cleanup();
        })();
        return stopping;
      },
    };
  } catch (err) {
    if (child) await stopChild(child);
    await cleanup();
    throw err;
  }
}

function waitForListening(child: ChildProcess, log: (line: string) => void, timeoutMs: number): Promise<ListeningLine> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    const keep = (line: string): void => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
    };
    const timer = setTimeout(() => reject(new Error(`the MueJam API did not start within ${timeoutMs} ms; last output:\n${tail.join("\n")}`)), timeoutMs);
    const marker = `muejam: ${LISTENING_PREFIX}`;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      keep(line);
      if (line.startsWith(marker)) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(marker.length)) as ListeningLine);
      } else {
        log(line.replace(/^muejam: /, ""));
      }
    });
    createInterface({ input: child.stderr! }).on("line", (line) => {
      keep(line);
      log(line);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the MueJam API exited during startup (code ${code}, signal ${signal}); last output:\n${tail.join("\n")}`));
    });
  });
}

async function waitForReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the MueJam API exited (code ${child.exitCode}) before it was ready`);
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
      last = `${res.status} ${await res.text()}`;
      if (res.ok) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the MueJam API at ${url} was not ready within ${timeoutMs} ms; last answer: ${last}`);
}

/** SIGTERM (the API drains), then SIGKILL if it has not exited after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 40_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
  child.stdin?.destroy();
}
