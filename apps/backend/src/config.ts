// The platform's settings: one typed object, resolved and validated once at start from explicit
// input (tests, startPlatform) or from the environment and flags (main.ts). Nothing below reads
// process.env.
import { ConfigError } from "./errors.js";

export const LAB_FAULTS = ["tiny-pool", "n-plus-one", "cache-off", "slow-query", "leak", "cpu-burn"] as const;
export type LabFault = (typeof LAB_FAULTS)[number];

/**
 * Used when MUEJAM_TOKEN_SECRET is unset, by the app and by token minting alike. Development only:
 * the API refuses it unless it listens on loopback only or runs in lab mode (checkTokenSecret).
 */
export const DEFAULT_TOKEN_SECRET = "muejam-development-secret-do-not-use-in-production";

export const REDIS_COOL_DOWN_MS_DEFAULT = 1_000;

export const POOL_SIZE_DEFAULT = 20;
export const POOL_SIZE_MIN = 1;
export const POOL_SIZE_MAX = 50;
/** The pool size the `tiny-pool` lab fault forces. */
export const TINY_POOL_SIZE = 2;

/**
 * The listen backlog: connections the kernel queues until the server accepts them. Node's default,
 * 511, overflows when a load balancer or load generator opens thousands of connections at once
 * (the turned-away SYNs are retried after 1 s). The kernel caps it at net.core.somaxconn.
 */
export const LISTEN_BACKLOG_DEFAULT = 4096;
export const LISTEN_BACKLOG_MAX = 65535;
const LISTEN_BACKLOG_HINT = `set MUEJAM_LISTEN_BACKLOG to a whole number from 1 to ${LISTEN_BACKLOG_MAX} (default ${LISTEN_BACKLOG_DEFAULT}), or leave it unset; the kernel caps it at net.core.somaxconn`;

export interface RateLimits {
  /** Every request of an authenticated user (the load-test configuration of the seed). */
  userPerMin: number;
  /** Anonymous reads per client IP. */
  anonReadPerMin: number;
  /** Anonymous writes per client IP. */
  anonWritePerMin: number;
  /** Content submissions (story creation) per user. */
  submissionsPerHour: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { userPerMin: 100, anonReadPerMin: 100, anonWritePerMin: 20, submissionsPerHour: 10 };

export interface LabTuning {
  /** How long the `slow-query` fault sleeps inside the search statement (> 1 s counts as a slow query). */
  slowQueryMs: number;
  /** Bytes the `leak` fault retains per request. */
  leakBytesPerRequest: number;
  /** The `leak` fault stops retaining past this, so a forgotten lab process cannot exhaust the machine. */
  leakMaxBytes: number;
  /** Synchronous CPU work per request of the `cpu-burn` fault. */
  cpuBurnMs: number;
}

export const DEFAULT_LAB_TUNING: LabTuning = { slowQueryMs: 1200, leakBytesPerRequest: 16 * 1024, leakMaxBytes: 1024 * 1024 * 1024, cpuBurnMs: 5 };

export interface CacheTtls {
  trendingSec: number;
  storySec: number;
  profileSec: number;
}

export interface AppConfigInput {
  databaseUrl: string;
  /** Reads go here when set (a streaming replica); writes and read-your-writes stay on the primary. */
  databaseReplicaUrl?: string;
  /** Without it the cache, limiter and sessions live in this process (not shared between instances). */
  redisUrl?: string;
  /** Prefix of every Redis key; rate-limit keys are `<prefix>rl:<group>:<key>`. */
  redisPrefix?: string;
  /** How long the Redis circuit breaker stays open after a timeout or connection error before one probe goes through. */
  redisCoolDownMs?: number;
  poolSize?: number;
  /** Transaction-pooling mode (pgbouncer): no named prepared statements, no session parameters. */
  pgbouncer?: boolean;
  tokenSecret?: string;
  /** `false` turns every limit off (only for measuring the app itself, as bench/platform.ts does). */
  rateLimits?: Partial<RateLimits> | false;
  lab?: boolean;
  faults?: readonly string[];
  labTuning?: Partial<LabTuning>;
  /**
   * The proxies whose X-Forwarded-For is believed (the load balancer's addresses, or the lab's load
   * generator): addresses or CIDRs, comma-separated. The client is the rightmost hop not in the
   * list. Absent or false: the header is ignored and the peer address is the client.
   */
  trustProxy?: false | string | readonly string[];
  cacheTtls?: Partial<CacheTtls>;
  requestTimeoutMs?: number;
  bodyLimitBytes?: number;
  /** The backlog passed to listen() (LISTEN_BACKLOG_DEFAULT when absent). */
  listenBacklog?: number;
}

export interface AppConfig {
  databaseUrl: string;
  databaseReplicaUrl?: string;
  redisUrl?: string;
  redisPrefix: string;
  redisCoolDownMs: number;
  poolSize: number;
  pgbouncer: boolean;
  tokenSecret: string;
  tokenSecretIsDefault: boolean;
  rateLimits: RateLimits | false;
  lab: boolean;
  faults: ReadonlySet<LabFault>;
  labTuning: LabTuning;
  /** Addresses or CIDRs of trusted proxies; empty: X-Forwarded-For is ignored. */
  trustProxy: string[];
  cacheTtls: CacheTtls;
  requestTimeoutMs: number;
  bodyLimitBytes: number;
  listenBacklog: number;
}

function isLabFault(name: string): name is LabFault {
  return (LAB_FAULTS as readonly string[]).includes(name);
}

function positiveInt(name: string, value: number, min: number, max: number, hint: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} is ${String(value)}; expected a whole number from ${min} to ${max}`, hint);
  }
  return value;
}

export function resolveConfig(input: AppConfigInput): AppConfig {
  if (!input.databaseUrl || !/^postgres(ql)?:\/\//.test(input.databaseUrl)) {
    throw new ConfigError(
      `database URL is "${input.databaseUrl ?? ""}"; expected postgres://user:password@host:port/database`,
      "set DATABASE_URL, or leave it unset to start embedded PostgreSQL",
    );
  }
  if (input.redisUrl !== undefined && !/^rediss?:\/\//.test(input.redisUrl)) {
    throw new ConfigError(`Redis URL is "${input.redisUrl}"; expected redis://host:port[/db]`, "set REDIS_URL, or leave it unset for the in-process cache and limiter");
  }
  const faults = new Set<LabFault>();
  for (const raw of input.faults ?? []) {
    const name = raw.trim();
    if (name === "") continue;
    if (!isLabFault(name)) {
      throw new ConfigError(`unknown lab fault "${name}"; expected one of ${LAB_FAULTS.join(", ")}`, "fix the name given to --fault or MUEJAM_LAB_FAULTS");
    }
    faults.add(name);
  }
  const lab = input.lab ?? false;
  if (faults.size > 0 && !lab) {
    throw new ConfigError(`lab faults ${[...faults].join(",")} were asked for without lab mode`, "add --lab (or MUEJAM_LAB=1): faults are never enabled by default");
  }
  const poolSize = faults.has("tiny-pool")
    ? TINY_POOL_SIZE
    : positiveInt("pool size", input.poolSize ?? POOL_SIZE_DEFAULT, POOL_SIZE_MIN, POOL_SIZE_MAX, "set MUEJAM_POOL_SIZE (or --pool-size) within 1-50 per instance");
  const limits = input.rateLimits === false ? false : { ...DEFAULT_RATE_LIMITS, ...input.rateLimits };
  if (limits) {
    for (const [k, v] of Object.entries(limits)) positiveInt(`rate limit ${k}`, v, 1, 1_000_000, "give each rate limit as a positive whole number");
  }
  const labTuning = { ...DEFAULT_LAB_TUNING, ...input.labTuning };
  return {
    databaseUrl: input.databaseUrl,
    databaseReplicaUrl: input.databaseReplicaUrl || undefined,
    redisUrl: input.redisUrl || undefined,
    redisPrefix: input.redisPrefix ?? "muejam:",
    redisCoolDownMs: positiveInt("Redis cool-down (ms)", input.redisCoolDownMs ?? REDIS_COOL_DOWN_MS_DEFAULT, 10, 600_000, "set MUEJAM_REDIS_COOL_DOWN_MS to the milliseconds the Redis circuit breaker stays open, 10-600000 (default 1000)"),
    poolSize,
    pgbouncer: input.pgbouncer ?? false,
    tokenSecret: input.tokenSecret || DEFAULT_TOKEN_SECRET,
    tokenSecretIsDefault: !input.tokenSecret,
    rateLimits: limits,
    lab,
    faults,
    labTuning,
    trustProxy: trustedProxies(input.trustProxy),
    cacheTtls: { trendingSec: 60, storySec: 300, profileSec: 300, ...input.cacheTtls },
    requestTimeoutMs: input.requestTimeoutMs ?? 30_000,
    bodyLimitBytes: input.bodyLimitBytes ?? 16 * 1024,
    listenBacklog: positiveInt("listen backlog", input.listenBacklog ?? LISTEN_BACKLOG_DEFAULT, 1, LISTEN_BACKLOG_MAX, LISTEN_BACKLOG_HINT),
  };
}

/** The trusted proxy list; `true` (trust every hop, so any client picks its address) is refused. */
function trustedProxies(value: AppConfigInput["trustProxy"] | boolean | undefined): string[] {
  if (value === undefined || value === false) return [];
  if (value === true) {
    throw new ConfigError("trust proxy is true (every hop trusted), which lets any client choose its rate-limit identity with X-Forwarded-For", "set MUEJAM_TRUST_PROXY to the load balancer's addresses, e.g. 10.0.0.5,10.0.0.6 or 10.0.0.0/24");
  }
  const list = (typeof value === "string" ? value.split(",") : [...value]).map((s) => s.trim()).filter(Boolean);
  for (const a of list) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a) && !["loopback", "linklocal", "uniquelocal"].includes(a)) {
      throw new ConfigError(`trusted proxy "${a}" is not an address or CIDR`, "set MUEJAM_TRUST_PROXY to comma-separated addresses or CIDRs, e.g. 127.0.0.1 or 10.0.0.0/24");
    }
  }
  return list;
}

/** 127.0.0.0/8, ::1 and localhost: an API bound there is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * The development secret is in the source: anyone could mint a token for any user with it. The API
 * refuses to serve beyond loopback with it, except in lab mode (a measurement lab, never production).
 */
export function checkTokenSecret(config: Pick<AppConfig, "tokenSecretIsDefault" | "lab">, host: string): void {
  if (!config.tokenSecretIsDefault || config.lab || isLoopbackHost(host)) return;
  throw new ConfigError(
    `MUEJAM_TOKEN_SECRET is not set and the API would listen on ${host}, beyond loopback: with the development secret, which is in the source, anyone could mint a token for any user`,
    "set MUEJAM_TOKEN_SECRET to a long random value (e.g. openssl rand -base64 32) and mint tokens with the same one; or listen on 127.0.0.1; or run a measurement lab with --lab",
  );
}

function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`flag value "${value}" is not a boolean; expected 1/0, true/false, yes/no or on/off`, "fix the environment variable");
}

function envInt(name: string, value: string | undefined, hint = `fix ${name}`): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new ConfigError(`${name} is "${value}"; expected a whole number`, hint);
  return n;
}

/**
 * The settings main.ts reads from the environment (documented in apps/backend/README.md).
 * `databaseUrl` may still be empty here: main.ts starts embedded PostgreSQL then.
 */
export function configInputFromEnv(env: Record<string, string | undefined>): Omit<AppConfigInput, "databaseUrl"> & { databaseUrl?: string } {
  const limitsOff = env.MUEJAM_RATE_LIMITS !== undefined && envFlag(env.MUEJAM_RATE_LIMITS) === false;
  const tuning: Partial<LabTuning> = {};
  const slow = envInt("MUEJAM_LAB_SLOW_QUERY_MS", env.MUEJAM_LAB_SLOW_QUERY_MS);
  if (slow !== undefined) tuning.slowQueryMs = slow;
  const leak = envInt("MUEJAM_LAB_LEAK_BYTES", env.MUEJAM_LAB_LEAK_BYTES);
  if (leak !== undefined) tuning.leakBytesPerRequest = leak;
  const leakMaxMb = envInt("MUEJAM_LAB_LEAK_MAX_MB", env.MUEJAM_LAB_LEAK_MAX_MB);
  if (leakMaxMb !== undefined) tuning.leakMaxBytes = leakMaxMb * 1024 * 1024;
  const cpu = envInt("MUEJAM_LAB_CPU_MS", env.MUEJAM_LAB_CPU_MS);
  if (cpu !== undefined) tuning.cpuBurnMs = cpu;
  const limits: Partial<RateLimits> = {};
  const user = envInt("MUEJAM_RATE_USER_PER_MIN", env.MUEJAM_RATE_USER_PER_MIN);
  if (user !== undefined) limits.userPerMin = user;
  const trust = env.MUEJAM_TRUST_PROXY;
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    databaseReplicaUrl: env.DATABASE_REPLICA_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.MUEJAM_REDIS_PREFIX || undefined,
    redisCoolDownMs: envInt("MUEJAM_REDIS_COOL_DOWN_MS", env.MUEJAM_REDIS_COOL_DOWN_MS),
    poolSize: envInt("MUEJAM_POOL_SIZE", env.MUEJAM_POOL_SIZE),
    listenBacklog: envInt("MUEJAM_LISTEN_BACKLOG", env.MUEJAM_LISTEN_BACKLOG, LISTEN_BACKLOG_HINT),
    pgbouncer: envFlag(env.MUEJAM_PGBOUNCER),
    tokenSecret: env.MUEJAM_TOKEN_SECRET || undefined,
    rateLimits: limitsOff ? false : limits,
    lab: envFlag(env.MUEJAM_LAB),
    faults: (env.MUEJAM_LAB_FAULTS ?? "").split(",").filter((s) => s.trim() !== ""),
    labTuning: tuning,
    trustProxy: trust === undefined || trust === "" || trust === "false" ? undefined : trust === "true" ? trustedProxies(true) : trust,
  };
}
