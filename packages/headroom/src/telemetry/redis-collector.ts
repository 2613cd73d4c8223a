// Samples Redis with one `INFO all` per tick on a dedicated connection: hit ratio, hits, misses,
// evictions and commands per second (deltas between samples), memory against maxmemory and the
// eviction policy, clients, keys (the keyspace section, all databases).
//
// Counts exclude the collector itself: connected_clients minus its own connection, and commands/s
// minus the commands it sent (one INFO per sample; Redis counts an INFO after replying to it, so
// each delta holds exactly the previous sample's INFO, plus CLIENT SETNAME/SELECT on a reconnect).
// The eviction share is evicted keys / keys written by SET-family commands over the interval.
// A restarted server (new run_id) starts a new baseline: no rates across a restart.
import { Redis } from "ioredis";
import { REDIS_KEYS } from "../core/telemetry-keys.js";
import { infoNumber, parseRedisInfo, type RedisInfo } from "./redis-info.js";
import { errorMessage, round, type Collector } from "./types.js";

/** Redis keys beyond REDIS_KEYS. */
export const REDIS_EXTRA_KEYS = {
  expiredPerSec: "expired_keys_per_sec",
  usedMemoryRssBytes: "used_memory_rss_bytes",
  blockedClients: "blocked_clients",
  rejectedConnectionsPerSec: "rejected_connections_per_sec",
  setsPerSec: "sets_per_sec",
} as const;

export interface RedisCollectorOptions {
  url: string;
  /** Connect and command timeout. Default 3000. */
  timeoutMs?: number;
}

/** Commands that write a string key (the denominator of the eviction share). */
const SET_COMMANDS = ["set", "setex", "psetex", "setnx", "mset", "msetnx", "getset", "setrange", "append", "incr", "incrby", "incrbyfloat", "decr", "decrby"];

interface Counters {
  nowMs: number;
  runId: string;
  hits?: number;
  misses?: number;
  evicted?: number;
  expired?: number;
  commands?: number;
  rejected?: number;
  sets?: number;
}

function counters(info: RedisInfo, nowMs: number): Counters {
  const sets = info.commandCalls.size > 0 ? SET_COMMANDS.reduce((s, c) => s + (info.commandCalls.get(c) ?? 0), 0) : undefined;
  return {
    nowMs,
    runId: info.fields.get("run_id") ?? "",
    hits: infoNumber(info, "keyspace_hits"),
    misses: infoNumber(info, "keyspace_misses"),
    evicted: infoNumber(info, "evicted_keys"),
    expired: infoNumber(info, "expired_keys"),
    commands: infoNumber(info, "total_commands_processed"),
    rejected: infoNumber(info, "rejected_connections"),
    sets,
  };
}

/** Sets values[key] when v is a finite number. */
function put(values: Record<string, number>, key: string, v: number | undefined): void {
  if (v !== undefined && Number.isFinite(v)) values[key] = v;
}

/** The figures INFO gives as they are: memory, clients (this collector's own left out), keys. */
function levelValues(info: RedisInfo, values: Record<string, number>): void {
  const used = infoNumber(info, "used_memory");
  const max = infoNumber(info, "maxmemory");
  put(values, REDIS_KEYS.usedMemoryBytes, used);
  put(values, REDIS_KEYS.maxMemoryBytes, max);
  if (used !== undefined && max) put(values, REDIS_KEYS.memoryPct, round((used / max) * 100, 2));
  const clients = infoNumber(info, "connected_clients");
  put(values, REDIS_KEYS.clients, clients === undefined ? undefined : Math.max(0, clients - 1));
  put(values, REDIS_KEYS.keys, [...info.keyspace.values()].reduce((s, d) => s + d.keys, 0));
  put(values, REDIS_EXTRA_KEYS.usedMemoryRssBytes, infoNumber(info, "used_memory_rss"));
  put(values, REDIS_EXTRA_KEYS.blockedClients, infoNumber(info, "blocked_clients"));
}

/** Rates between two INFO reads of the same server run; `ownCommands` (the collector's) are left out of ops/s. */
function rateValues(before: Counters, cur: Counters, ownCommands: number, values: Record<string, number>): void {
  const dtSec = (cur.nowMs - before.nowMs) / 1000;
  const delta = (a?: number, b?: number): number | undefined => (a === undefined || b === undefined || a < b ? undefined : a - b);
  const perSec = (d?: number): number | undefined => (d === undefined ? undefined : round(d / dtSec, 3));
  const dHits = delta(cur.hits, before.hits);
  const dMisses = delta(cur.misses, before.misses);
  const dEvicted = delta(cur.evicted, before.evicted);
  const dSets = delta(cur.sets, before.sets);
  const dCommands = delta(cur.commands, before.commands);
  put(values, REDIS_KEYS.hitsPerSec, perSec(dHits));
  put(values, REDIS_KEYS.missesPerSec, perSec(dMisses));
  if (dHits !== undefined && dMisses !== undefined && dHits + dMisses > 0) put(values, REDIS_KEYS.hitPct, round((dHits / (dHits + dMisses)) * 100, 2));
  put(values, REDIS_KEYS.evictedPerSec, perSec(dEvicted));
  if (dEvicted !== undefined && dSets) put(values, REDIS_KEYS.evictionPct, round((dEvicted / dSets) * 100, 2));
  put(values, REDIS_EXTRA_KEYS.setsPerSec, perSec(dSets));
  put(values, REDIS_EXTRA_KEYS.expiredPerSec, perSec(delta(cur.expired, before.expired)));
  put(values, REDIS_EXTRA_KEYS.rejectedConnectionsPerSec, perSec(delta(cur.rejected, before.rejected)));
  put(values, REDIS_KEYS.opsPerSec, dCommands === undefined ? undefined : round(Math.max(0, dCommands - ownCommands) / dtSec, 3));
}

export function createRedisCollector(opts: RedisCollectorOptions): Collector {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const db = Number(new URL(opts.url).pathname.slice(1) || 0);
  let client: Redis | undefined;
  let prev: Counters | undefined;
  // Commands this collector sent that the next INFO will count.
  let ownCommands = 0;

  async function connect(): Promise<Redis> {
    if (client && client.status === "ready") return client;
    client?.disconnect();
    const c = new Redis(opts.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      // No background reconnects: the next sample reconnects, so a down server costs one
      // failed connect per tick and shows as a gap.
      retryStrategy: () => null,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      connectionName: "headroom-telemetry",
      disableClientInfo: true,
    });
    c.on("error", () => {
      /* reported by the failing command of the sample */
    });
    client = c;
    await c.connect();
    ownCommands += 1 + (db !== 0 ? 1 : 0); // CLIENT SETNAME, SELECT
    return c;
  }

  return {
    source: "redis",
    async sample(nowMs) {
      let text: string;
      try {
        const c = await connect();
        text = await c.info("all");
      } catch (e) {
        client?.disconnect();
        client = undefined;
        return [{ ok: false, error: `redis ${new URL(opts.url).host}: ${errorMessage(e)}`, values: {} }];
      }
      const info = parseRedisInfo(text);
      const cur = counters(info, nowMs);
      const values: Record<string, number> = {};
      levelValues(info, values);
      const before = prev && prev.runId === cur.runId ? prev : undefined;
      if (before && nowMs - before.nowMs > 0) rateValues(before, cur, ownCommands, values);
      prev = cur;
      ownCommands = 1; // this sample's INFO, counted by the next one
      const labels: Record<string, string> = { maxmemory_policy: info.fields.get("maxmemory_policy") ?? "unknown" };
      const version = info.fields.get("redis_version");
      if (version) labels.redis_version = version;
      return [{ ok: true, values, labels }];
    },
    async close() {
      const c = client;
      client = undefined;
      if (c) await c.quit().catch(() => c.disconnect());
    },
  };
}
