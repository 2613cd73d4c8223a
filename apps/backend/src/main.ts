// `npm run start -w apps/backend`: the one way to start the MueJam API.
//   PORT (default 3000), HOST (default 127.0.0.1), DATABASE_URL (unset: embedded PostgreSQL,
//   migrated and seeded), REDIS_URL (unset: in-process cache, limiter and sessions), and the
//   flags below. Everything else is in apps/backend/README.md.
import cluster from "node:cluster";
import { parseArgs } from "node:util";
import { runClusterWorker } from "./cluster.js";
import { ConfigError } from "./errors.js";
import { runPlatformProcess, type PlatformFlags } from "./platform/platform-process.js";

const USAGE = `usage: npm run start -w apps/backend -- [options]

  --port N              port to listen on (env PORT, default 3000; 0 picks a free one)
  --host ADDR           address to bind (env HOST, default 127.0.0.1); any other than loopback
                        needs MUEJAM_TOKEN_SECRET (or --lab)
  --instances N         API workers on the one port, node:cluster (env MUEJAM_INSTANCES, default 1)
  --pool-size N         PostgreSQL pool per instance, 1-50 (env MUEJAM_POOL_SIZE, default 20)
  --lab                 allow lab faults (env MUEJAM_LAB=1); never on by default
  --fault a,b           lab faults: tiny-pool, n-plus-one, cache-off, slow-query, leak, cpu-burn
                        (env MUEJAM_LAB_FAULTS); needs --lab
  --data-dir DIR        embedded PostgreSQL data (env MUEJAM_DATA_DIR, default <tmp>/muejam-data)
  --seed-users N        seed size when seeding (default 10000)
  --seed-stories N      (default 50000)
  --seed / --no-seed    seed an empty database (default: yes on embedded PostgreSQL, no with DATABASE_URL)
  -h, --help`;

function flagsFrom(argv: string[]): PlatformFlags & { help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      instances: { type: "string" },
      "pool-size": { type: "string" },
      lab: { type: "boolean" },
      fault: { type: "string", multiple: true },
      "data-dir": { type: "string" },
      "seed-users": { type: "string" },
      "seed-stories": { type: "string" },
      seed: { type: "boolean" },
      "no-seed": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--${name} is "${v}"; expected a whole number`, `fix --${name}`);
    return n;
  };
  return {
    help: values.help ?? false,
    port: int("port", values.port),
    host: values.host,
    instances: int("instances", values.instances),
    poolSize: int("pool-size", values["pool-size"]),
    lab: values.lab,
    faults: values.fault?.flatMap((f) => f.split(",")),
    dataDir: values["data-dir"],
    seedUsers: int("seed-users", values["seed-users"]),
    seedStories: int("seed-stories", values["seed-stories"]),
    seed: values["no-seed"] ? false : values.seed,
  };
}

const say = (line: string): void => {
  process.stdout.write(`muejam: ${line}\n`);
};

if (cluster.isWorker) {
  await runClusterWorker(process.env);
} else {
  try {
    const flags = flagsFrom(process.argv.slice(2));
    if (flags.help) {
      process.stdout.write(USAGE + "\n");
      process.exit(0);
    }
    await runPlatformProcess(flags, process.env, say);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`muejam: error: ${err.message}\n  hint: ${err.hint}\n`);
      process.exit(2);
    }
    const message = err instanceof Error ? err.message : String(err);
    const hint = /EADDRINUSE/.test(message) ? "  hint: another process listens there; set PORT (or --port) to a free port, or 0 for any\n" : "";
    process.stderr.write(`muejam: error: ${message}\n${hint}${/Unknown option|unexpected argument/i.test(message) ? USAGE + "\n" : ""}`);
    process.exit(/Unknown option|unexpected argument/i.test(message) ? 2 : 1);
  }
}
