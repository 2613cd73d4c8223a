// The primary process of `npm run start`: database (given, or embedded), migrations, seed, then
// one API instance in this process or N cluster workers; drains everything on SIGTERM/SIGINT.
// The last startup line is machine-readable: `muejam: listening {"url":...,"pids":[...]}`
// (startPlatform waits for it).
import { readFileSync } from "node:fs";
import { APP_VERSION, type BuildOptions } from "../app.js";
import { startClusterPrimary, type ClusterHandle } from "../cluster.js";
import { checkTokenSecret, configInputFromEnv, resolveConfig, type AppConfigInput } from "../config.js";
import { migrate } from "../db/migrate.js";
import { DEFAULT_SEED, seedDatabase } from "../db/seed.js";
import { ConfigError } from "../errors.js";
import { redactUrl } from "../redact.js";
import { startServer, type RunningServer } from "../server.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres.js";
import { defaultDataDir, removePlatformState, writePlatformState } from "./platform-state.js";

export interface PlatformFlags {
  port?: number;
  host?: string;
  instances?: number;
  poolSize?: number;
  lab?: boolean;
  faults?: string[];
  dataDir?: string;
  seedUsers?: number;
  seedStories?: number;
  /** undefined: seed only embedded PostgreSQL */
  seed?: boolean;
}

export const LISTENING_PREFIX = "listening ";
export const MAX_INSTANCES = 64;

function envInt(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} is "${v}"; expected a whole number`, `fix ${name}`);
  return n;
}

export async function runPlatformProcess(flags: PlatformFlags, env: Record<string, string | undefined>, say: (line: string) => void): Promise<void> {
  const fromEnv = configInputFromEnv(env);
  const input: Omit<AppConfigInput, "databaseUrl"> & { databaseUrl?: string } = {
    ...fromEnv,
    poolSize: flags.poolSize ?? fromEnv.poolSize,
    lab: flags.lab ?? fromEnv.lab,
    faults: flags.faults ?? fromEnv.faults,
  };
  const port = flags.port ?? envInt(env, "PORT") ?? 3000;
  const host = flags.host ?? (env.HOST || "127.0.0.1");
  const instances = flags.instances ?? envInt(env, "MUEJAM_INSTANCES") ?? 1;
  if (instances < 1 || instances > MAX_INSTANCES) {
    throw new ConfigError(`instances is ${instances}; expected 1 to ${MAX_INSTANCES}`, "set --instances (or MUEJAM_INSTANCES) to the number of API workers, at most the CPU count is sensible");
  }
  // Validate everything before starting anything.
  checkTokenSecret(resolveConfig({ ...input, databaseUrl: input.databaseUrl ?? "postgres://placeholder/db" }), host);

  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  if (!input.databaseUrl) {
    dataDir = flags.dataDir ?? defaultDataDir(env);
    say("DATABASE_URL is not set: starting embedded PostgreSQL");
    embedded = await startEmbeddedPostgres({ dataDir, log: say });
    input.databaseUrl = embedded.url;
  }
  const stopEmbedded = async (): Promise<void> => {
    if (dataDir) await removePlatformState(dataDir);
    await embedded?.stop();
  };
  try {
    const config = resolveConfig(input as AppConfigInput);
    const migration = await migrate(config.databaseUrl);
    say(`database migrated (${migration.applied.length ? `applied ${migration.applied.join(", ")}` : "up to date"}); pg_stat_statements ${migration.pgStatStatements ? "available" : "NOT available (add it to shared_preload_libraries for slow-query telemetry)"}`);
    const seedWanted = flags.seed ?? (env.MUEJAM_SEED ? /^(1|true|yes|on)$/i.test(env.MUEJAM_SEED) : embedded !== undefined);
    if (seedWanted) {
      const size = { users: flags.seedUsers ?? envInt(env, "MUEJAM_SEED_USERS") ?? DEFAULT_SEED.users, stories: flags.seedStories ?? envInt(env, "MUEJAM_SEED_STORIES") ?? DEFAULT_SEED.stories };
      const seeded = await seedDatabase(config.databaseUrl, size);
      say(seeded.seeded ? `seeded ${seeded.users} users and ${seeded.stories} stories in ${(seeded.durationMs / 1000).toFixed(1)} s` : `database already holds ${seeded.users} users and ${seeded.stories} stories; not seeding`);
    }
    describeConfig(config, instances, say);

    const buildInput: Omit<BuildOptions, "logger"> = { ...input, databaseUrl: config.databaseUrl, faults: [...config.faults] };
    const logLevel = env.LOG_LEVEL || "warn";
    let server: RunningServer | undefined;
    let clusterHandle: ClusterHandle | undefined;
    let boundPort: number;
    if (instances === 1) {
      server = await startServer({ ...buildInput, port, host, logger: { level: logLevel } });
      boundPort = server.port;
    } else {
      clusterHandle = await startClusterPrimary({ build: buildInput, port, host, logLevel }, instances, say);
      boundPort = clusterHandle.port;
    }
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;
    const pids = clusterHandle ? clusterHandle.pids() : [process.pid];
    if (dataDir) await writePlatformState(dataDir, { databaseUrl: config.databaseUrl, pid: process.pid, url, startedAt: new Date().toISOString() });
    say(`MueJam API ${APP_VERSION} ready: try curl ${url}/api/discovery/trending`);
    say(LISTENING_PREFIX + JSON.stringify({ url, pids, instances, databaseUrl: redactUrl(config.databaseUrl), embeddedPostgres: embedded !== undefined }));

    let stopping = false;
    const shutdown = (why: string): void => {
      if (stopping) return;
      stopping = true;
      say(`${why}: draining in-flight requests`);
      const drained = server ? server.close() : clusterHandle!.stop();
      void drained
        .then(stopEmbedded)
        .then(
          () => {
            say("stopped");
            process.exit(0);
          },
          (err: Error) => {
            say(`error while stopping: ${err.message}`);
            process.exit(1);
          },
        );
    };
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
    if (env.MUEJAM_EXIT_WITH_PARENT === "1") {
      // startPlatform keeps our stdin open; it closes when that parent exits, however it exits.
      process.stdin.on("end", () => shutdown("parent exited"));
      process.stdin.on("error", () => shutdown("parent exited"));
      process.stdin.resume();
    }
  } catch (err) {
    await stopEmbedded().catch(() => {});
    throw err;
  }
}

function describeConfig(config: ReturnType<typeof resolveConfig>, instances: number, say: (line: string) => void): void {
  say(`${instances} instance(s), PostgreSQL pool ${config.poolSize} per instance${config.pgbouncer ? " (pgbouncer transaction mode)" : ""}${config.databaseReplicaUrl ? ", reads from DATABASE_REPLICA_URL" : ""}`);
  if (config.redisUrl) say(`Redis at ${redactUrl(config.redisUrl)} for cache, rate limits and sessions (key prefix ${config.redisPrefix}; circuit breaker cool-down ${config.redisCoolDownMs} ms)`);
  else say("REDIS_URL is not set: cache, rate limits and sessions are IN-PROCESS (not shared between instances)");
  say(config.rateLimits ? `rate limits: ${config.rateLimits.userPerMin}/min per user, ${config.rateLimits.anonReadPerMin} reads and ${config.rateLimits.anonWritePerMin} writes/min per anonymous IP, ${config.rateLimits.submissionsPerHour} submissions/hour per user` : "rate limits: OFF (MUEJAM_RATE_LIMITS=off)");
  if (config.tokenSecretIsDefault) say(`MUEJAM_TOKEN_SECRET is not set: using the development default secret (${config.lab ? "lab mode" : "loopback only"}; tokens minted with the same default work)`);
  if (config.trustProxy.length > 0) say(`X-Forwarded-For is trusted from ${config.trustProxy.join(", ")} only (MUEJAM_TRUST_PROXY): the client is the rightmost hop not in that list`);
  const somaxconn = readSomaxconn();
  const capped = somaxconn !== undefined && somaxconn < config.listenBacklog ? `; the kernel caps it at net.core.somaxconn = ${somaxconn}: raise that too` : "";
  say(`listen backlog ${config.listenBacklog} (MUEJAM_LISTEN_BACKLOG)${capped}`);
  if (config.lab) say(`LAB MODE: faults ${config.faults.size ? [...config.faults].join(", ") : "none"} enabled`);
}

/** net.core.somaxconn of this network namespace (Linux), the cap on any listen backlog. */
function readSomaxconn(): number | undefined {
  try {
    const v = Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8").trim());
    return Number.isInteger(v) && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}
