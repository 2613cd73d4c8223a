// The MueJam API's own throughput and latency: a cached read, a cached story view, an uncached
// read, search and a write, each driven by autocannon (in this process) against the platform
// started by startPlatform() (its own process, on 127.0.0.1), bounded in time. Alongside each
// case it records what the API itself counted (/metrics: cache hits, queries per request) and
// the API's CPU, so a figure can be told apart from a generator limit.
//
//   node --import tsx bench/platform.ts                      defaults: 10 s per case, 50 connections
//   node --import tsx bench/platform.ts --duration 5 --readme  also rewrite the table in apps/backend/README.md
//
// Rate limits are off for the run (MUEJAM_RATE_LIMITS=off): one client address and a few
// hundred users would otherwise measure the limiter's 429s, not the API.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { mintTokens, startPlatform, type RunningPlatform } from "../apps/backend/src/index.js";
import { promSum, renderPlatformMarkdown, replaceBetween, type PlatformBenchReport, type PlatformCaseResult } from "./platform-report.js";

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number; max: number };
  duration: number;
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: { url: string; connections: number; duration: number; requests: AutocannonRequest[]; timeout?: number }) => Promise<AutocannonResult>;
// autocannon ships no type declarations; this is the slice of its API used here.
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const README = join(ROOT, "apps/backend/README.md");
const START = "<!-- platform-bench:start -->";
const END = "<!-- platform-bench:end -->";
const TERMS = ["fantasy", "romance", "adventure", "mystery", "scifi"];

interface CaseSpec {
  id: string;
  label: string;
  request: string;
  /** The route template in the API's metrics. */
  route: string;
  cacheFamily?: string;
  make(ctx: { tokens: string[]; slugs: string[] }): AutocannonRequest;
}

function rotating<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

const CASES: CaseSpec[] = [
  {
    id: "cached-read",
    label: "cached read (trending)",
    request: "GET /api/discovery/trending",
    route: "/api/discovery/trending",
    cacheFamily: "trending",
    make: () => ({ method: "GET", path: "/api/discovery/trending" }),
  },
  {
    id: "cached-story",
    label: "cached read (story view)",
    request: "GET /api/stories/{slug}, 20 trending slugs",
    route: "/api/stories/:slug",
    cacheFamily: "story",
    make: ({ slugs }) => {
      const next = rotating(slugs);
      return { method: "GET", setupRequest: (req) => ({ ...req, path: `/api/stories/${next()}` }) };
    },
  },
  {
    id: "uncached-read",
    label: "uncached read (library shelves)",
    request: "GET /api/library/shelves, 1000 users",
    route: "/api/library/shelves",
    make: ({ tokens }) => {
      const next = rotating(tokens);
      return { method: "GET", path: "/api/library/shelves", setupRequest: (req) => ({ ...req, headers: { authorization: `Bearer ${next()}` } }) };
    },
  },
  {
    id: "search",
    label: "search",
    request: "GET /api/search/stories?q=<5 terms>",
    route: "/api/search/stories",
    make: () => {
      const next = rotating(TERMS);
      return { method: "GET", setupRequest: (req) => ({ ...req, path: `/api/search/stories?q=${next()}` }) };
    },
  },
  {
    id: "write",
    label: "write (post a whisper)",
    request: "POST /api/whispers, 1000 users",
    route: "/api/whispers",
    make: ({ tokens }) => {
      const next = rotating(tokens);
      let n = 0;
      return {
        method: "POST",
        path: "/api/whispers",
        setupRequest: (req) => ({
          ...req,
          headers: { authorization: `Bearer ${next()}`, "content-type": "application/json" },
          body: JSON.stringify({ content: `benchmark whisper ${n++}`, scope: "public" }),
        }),
      };
    },
  },
];

/** utime + stime in seconds of each pid, from /proc (Linux). */
function cpuSeconds(pids: number[]): number {
  const ticksPerSec = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerSec;
    } catch {
      // the process is gone; its time is lost to the measurement
    }
  }
  return total;
}

/** The embedded (or local) PostgreSQL serving `port`: its postmaster and every backend, from /proc. */
function postgresPids(port: string): number[] {
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  const postmaster = pids.find((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return /postgres$/.test(args[0] ?? "") && args.includes("-p") && args[args.indexOf("-p") + 1] === port;
    } catch {
      return false;
    }
  });
  if (postmaster === undefined) return [];
  return [
    postmaster,
    ...pids.filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster;
      } catch {
        return false;
      }
    }),
  ];
}

async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

async function runCase(platform: RunningPlatform, spec: CaseSpec, ctx: { tokens: string[]; slugs: string[] }, opts: { durationSec: number; connections: number; warmupSec: number }): Promise<PlatformCaseResult> {
  const run = (durationSec: number): Promise<AutocannonResult> =>
    autocannon({ url: platform.url, connections: opts.connections, duration: durationSec, requests: [spec.make(ctx)], timeout: 30 });
  // Warm-up: connections, prepared statements, sessions of the tokens used, the cache.
  await run(opts.warmupSec);
  const m0 = await metricsText(platform.url);
  // Backends live as long as the pool's connections, so the same pids are read before and after.
  const dbPids = postgresPids(new URL(platform.databaseUrl).port || "5432");
  const cpu0 = cpuSeconds(platform.pids);
  const db0 = cpuSeconds(dbPids);
  const result = await run(opts.durationSec);
  const cpu1 = cpuSeconds(platform.pids);
  const db1 = cpuSeconds(dbPids);
  const m1 = await metricsText(platform.url);
  const delta = (series: string): number => promSum(m1, series) - promSum(m0, series);
  const hits = spec.cacheFamily ? delta(`muejam_cache_hits_total{family="${spec.cacheFamily}"}`) : 0;
  const misses = spec.cacheFamily ? delta(`muejam_cache_misses_total{family="${spec.cacheFamily}"}`) : 0;
  const queries = delta(`muejam_db_queries_per_request_sum{route="${spec.route}"}`);
  const counted = delta(`muejam_db_queries_per_request_count{route="${spec.route}"}`);
  return {
    id: spec.id,
    label: spec.label,
    request: spec.request,
    connections: opts.connections,
    durationSec: result.duration,
    requests: result.requests.total,
    ratePerSec: result.requests.total / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    apiCpuPct: ((cpu1 - cpu0) / result.duration) * 100,
    dbCpuPct: dbPids.length > 0 ? ((db1 - db0) / result.duration) * 100 : null,
    cacheHitPct: spec.cacheFamily ? (hits / Math.max(1, hits + misses)) * 100 : null,
    queriesPerRequest: counted > 0 ? queries / counted : 0,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      connections: { type: "string", default: "50" },
      instances: { type: "string", default: "1" },
      "redis-url": { type: "string", default: "redis://127.0.0.1:6379" },
      "database-url": { type: "string" },
      cases: { type: "string" },
      readme: { type: "boolean", default: false },
    },
  });
  const durationSec = Number(values.duration);
  const warmupSec = Number(values.warmup);
  const connections = Number(values.connections);
  const instances = Number(values.instances);
  if (!(durationSec > 0 && durationSec <= 120) || !(connections >= 1 && connections <= 1000)) {
    throw new Error(`--duration ${values.duration} / --connections ${values.connections}: expected 0 < duration <= 120 s and 1-1000 connections`);
  }
  const selected = values.cases ? CASES.filter((c) => values.cases!.split(",").includes(c.id)) : CASES;
  if (selected.length === 0) throw new Error(`--cases ${values.cases}: expected some of ${CASES.map((c) => c.id).join(",")}`);
  const redisUrl = values["redis-url"] === "none" ? undefined : values["redis-url"];
  const prefix = `muejam-bench:${randomBytes(4).toString("hex")}:`;

  const log = (line: string): void => void process.stderr.write(`[platform-bench] ${line}\n`);
  // Other work on the host skews every figure; the load average before the run is reported with them.
  const loadBefore = loadavg()[0]!;
  const platform = await startPlatform({
    instances,
    redisUrl,
    databaseUrl: values["database-url"],
    env: { MUEJAM_RATE_LIMITS: "off", MUEJAM_REDIS_PREFIX: prefix, LOG_LEVEL: "error" },
    log,
  });
  const results: PlatformCaseResult[] = [];
  try {
    log(`platform at ${platform.url} (pids ${platform.pids.join(", ")}${platform.embeddedPostgres ? ", embedded PostgreSQL" : ""})`);
    const tokens = (await mintTokens({ databaseUrl: platform.databaseUrl, count: 1000, secret: platform.tokenSecret })).map((t) => t.token);
    const trending = (await (await fetch(`${platform.url}/api/discovery/trending`)).json()) as { results: { slug: string }[] };
    const ctx = { tokens, slugs: trending.results.map((s) => s.slug) };
    for (const spec of selected) {
      log(`${spec.label}: ${warmupSec} s warm-up + ${durationSec} s, ${connections} connections`);
      const r = await runCase(platform, spec, ctx, { durationSec, connections, warmupSec });
      log(`  ${Math.round(r.ratePerSec)} req/s, p50 ${r.latencyP50Ms} ms, p99 ${r.latencyP99Ms} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
      results.push(r);
    }
  } finally {
    await platform.stop();
    if (redisUrl) {
      const redis = new Redis(redisUrl);
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
      redis.disconnect();
    }
  }

  const report: PlatformBenchReport = {
    date: new Date().toISOString().slice(0, 10),
    command: ["node --import tsx bench/platform.ts", ...process.argv.slice(2).filter((a) => a !== "--readme")].join(" "),
    host: `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadBefore.toFixed(1)} before the run`,
    setup:
      `One API instance${instances > 1 ? ` × ${instances} (cluster)` : ""}, pool 20, ${platform.embeddedPostgres ? "embedded PostgreSQL 18" : "PostgreSQL from --database-url"} seeded with 10,000 users / 50,000 stories, ` +
      `${redisUrl ? "Redis (cache, sessions)" : "in-process cache"}, rate limits off; autocannon ${connections} connections, ${durationSec} s per case after ${warmupSec} s warm-up, ` +
      "all on the same host (generator, API and PostgreSQL share its cores). Latency is autocannon's (closed loop, from send).",
    cases: results,
  };
  const markdown = renderPlatformMarkdown(report);
  process.stdout.write(markdown + "\n");
  writeFileSync(join(ROOT, "bench/platform-results.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(ROOT, "bench/platform-results.md"), markdown + "\n");
  if (values.readme) {
    writeFileSync(README, replaceBetween(readFileSync(README, "utf8"), START, END, markdown));
    log(`table written into ${README}`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`[platform-bench] error: ${err.message}\n`);
  process.exit(1);
});
