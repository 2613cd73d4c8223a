// The MueJam API as a headroom Target: what `headroom plan` starts when neither --target nor
// --platform is given (headroom loads this file by path; it never imports the backend). It starts
// the platform on DATABASE_URL / REDIS_URL or embedded PostgreSQL, mints the suite's bearer tokens
// with a secret of this run only, and hands headroom the URL, the telemetry sources and what the
// failure-scenarios test may break. The types come from headroom's source, for the type check only.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import type { RunningTarget, Target, TargetOptions, TargetStartContext } from "../../../packages/headroom/src/targets/types.js";
import { APP_VERSION } from "./app.js";
import { mintTokens } from "./auth/mint-tokens.js";
import { mintableTokens, writeTokens } from "./headroom-tokens.js";
import { serviceVersions } from "./headroom-versions.js";
import { startPlatform, type RunningPlatform } from "./platform/start-platform.js";

export { writeTokens } from "./headroom-tokens.js";

/** The load generator runs on this host and gives each virtual user an address of its own. */
const LOAD_GENERATOR_ADDRESS = "127.0.0.1";

/** An error whose `hint` headroom prints under its message. */
function withHint(message: string, hint: string, cause: unknown): Error {
  return Object.assign(new Error(message, { cause }), { hint });
}

async function startApi(o: TargetOptions, log: (line: string) => void): Promise<RunningPlatform> {
  const databaseUrl = o.env.DATABASE_URL || undefined;
  const redisUrl = o.env.REDIS_URL || undefined;
  const n = o.instances;
  log(`starting the MueJam API (${n} instance${n > 1 ? "s" : ""}) on ${databaseUrl ? "DATABASE_URL" : "embedded PostgreSQL"}${redisUrl ? " and REDIS_URL" : " with the in-process cache and limiter (no REDIS_URL)"}...`);
  try {
    return await startPlatform({
      instances: n,
      // A secret of this run only: tokens minted for it are worthless once it ends.
      tokenSecret: randomBytes(32).toString("base64url"),
      trustProxy: [LOAD_GENERATOR_ADDRESS],
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(redisUrl ? { redisUrl } : {}),
      seed: o.dataset,
      ...(o.lab ? { lab: true, faults: o.faults.flatMap((x) => x.split(",")).filter(Boolean) } : {}),
      // Keys of this plan apart from any other user of the same Redis; rate-limit windows do not carry over.
      env: { MUEJAM_REDIS_PREFIX: `muejam:plan-${Date.now().toString(36)}:` },
      log: (line) => log(`  api: ${line}`),
    });
  } catch (e) {
    const hint = "check that Node can write to the temp directory (embedded PostgreSQL), or give DATABASE_URL of a running PostgreSQL; run with --verbose for detail";
    throw withHint((e as Error).message, hint, e);
  }
}

/** Above `count` users, users share the minted tokens: why the API's per-user rate limit still holds. */
function sharedTokensNote(count: number): string {
  return `${count} bearer tokens were minted (as many as the database has users, at most the search's cap): above ${count} users some authenticated users share a token (user i takes token i mod ${count}); at the suite's 1-5 s think time two users on one token send about 40 requests a minute, under the 100/min per-user rate limit`;
}

function runningTarget(o: TargetOptions, api: RunningPlatform, tokens: { file: string; count: number }): RunningTarget {
  const n = o.instances;
  const notes: string[] = [];
  if (!api.redisUrl) notes.push("no REDIS_URL: the API used its in-process cache and rate limiter (Redis telemetry not measured)");
  if (o.lab) notes.push(`lab faults enabled: ${o.faults.join(",") || "none"}`);
  return {
    url: api.url,
    instances: n,
    vars: { tokens: tokens.file },
    searchNotes: (maxUsers) => (tokens.count < maxUsers ? [sharedTokensNote(tokens.count)] : []),
    faultTargets: {
      baseUrl: api.url,
      databaseUrl: api.databaseUrl,
      pids: api.pids,
      ...(api.redisUrl ? { redisUrl: api.redisUrl } : {}),
      missing: { redis: "the API ran its in-process cache and rate limiter (no REDIS_URL): there is no Redis to pause" },
    },
    telemetry: {
      prometheus: { url: `${api.url}/metrics` },
      postgres: { connectionString: api.databaseUrl },
      ...(api.redisUrl ? { redis: { url: api.redisUrl } } : {}),
      processes: { pids: api.pids },
      host: true,
      others: { pids: api.pids },
    },
    environment: `local lab: MueJam API ${APP_VERSION} (${n} instance${n > 1 ? "s" : ""}) on ${api.embeddedPostgres ? "embedded PostgreSQL" : "PostgreSQL (DATABASE_URL)"}${api.redisUrl ? " and Redis (REDIS_URL)" : ", in-process cache and limiter (no REDIS_URL)"}, same host as the load generator`,
    notes,
    versions: () => serviceVersions(api.databaseUrl, api.redisUrl),
    stop: async (opts) => {
      try {
        await api.stop(opts);
      } finally {
        if (!o.keepTokens) rmSync(dirname(tokens.file), { recursive: true, force: true });
      }
    },
  };
}

async function start(o: TargetOptions, ctx: TargetStartContext): Promise<RunningTarget> {
  const api = await startApi(o, ctx.log);
  try {
    const minted = await mintTokens({ databaseUrl: api.databaseUrl, secret: api.tokenSecret, count: await mintableTokens(api.databaseUrl, Math.max(1, ctx.maxUsers)) });
    const file = writeTokens(minted, o.keepTokens ? ctx.outDir : undefined);
    ctx.log(`API ready at ${api.url} (pids ${api.pids.join(", ")}); minted ${minted.length} tokens`);
    if (o.keepTokens) ctx.log(`warning: --keep-tokens: ${file} holds bearer tokens valid for 7 days against this run's API (mode 0600); delete it before sharing the report folder`);
    return runningTarget(o, api, { file, count: minted.length });
  } catch (e) {
    await api.stop();
    throw e;
  }
}

/** The MueJam API as `headroom plan` starts it (the options come from its flags). */
export function createTarget(options: TargetOptions): Target {
  return { name: "the MueJam API", start: (ctx) => start(options, ctx) };
}
