// Live results of a test split across hosts, through Redis Streams: each runner (`headroom run
// --segment i/n --stream redis://HOST:PORT/RUN_ID`) XADDs its manifest (at the start and the end)
// and every interval line as it closes; `headroom collect` reads both streams from where it left
// off and merges what arrived into one run (merge-runs.ts) while the test runs and after.
//
// Keys: headroom:run:<RUN_ID>:lines and headroom:run:<RUN_ID>:manifests, each entry
// { seg: "2/4", json: "<the line or the manifest>" }; both expire 7 days after the last write.
import { Redis } from "ioredis";
import { HeadroomError } from "../core/errors.js";
import { intervalLineSchema, manifestSchema, schemaProblem } from "../store/run-schemas.js";
import type { IntervalLine, Manifest } from "../core/types.js";
import type { RunPart } from "./merge-runs.js";
import { STREAM_TTL_SEC, streamKeys, type StreamTarget } from "./stream-target.js";
import { redactUserinfo } from "../core/redact.js";

/** Connects, or throws HR_TARGET_UNREACHABLE naming `what` (the URL's password hidden) and the socket's error. */
export async function openRedis(url: string, what: string, hint: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 5000 });
  let lastError: Error | undefined;
  // Errors after the connect (a restart of Redis) are retried by ioredis; a failed write is reported by its caller.
  redis.on("error", (e: Error) => (lastError = e));
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new HeadroomError("HR_TARGET_UNREACHABLE", `cannot reach ${what} ${redactUserinfo(url)} (${(lastError ?? (e as Error)).message})`, hint);
  }
  return redis;
}

export interface StreamPublisher {
  manifest(m: Manifest): void;
  line(l: IntervalLine): void;
  /** Waits for what was sent, then disconnects. */
  close(): Promise<void>;
}

/** Publishes a runner's manifest and lines; a failed write is reported once through onError and the run goes on. */
export async function openStreamPublisher(target: StreamTarget, segment: string, onError: (message: string) => void): Promise<StreamPublisher> {
  const redis = await openRedis(target.redisUrl, "the Redis of --stream", "check the host and port (every pod must reach it), or drop --stream and copy the run directories for `headroom merge`");
  const keys = streamKeys(target.runId);
  const pending = new Set<Promise<unknown>>();
  let reported = false;
  const add = (key: string, value: unknown): void => {
    const p = redis
      .multi()
      .xadd(key, "*", "seg", segment, "json", JSON.stringify(value))
      .expire(key, STREAM_TTL_SEC)
      .exec()
      .catch((e: Error) => {
        if (!reported) onError(`--stream: writing to ${key} failed (${e.message}); the run directory still has every line`);
        reported = true;
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  return {
    manifest: (m) => add(keys.manifests, m),
    line: (l) => add(keys.lines, l),
    async close() {
      await Promise.all([...pending]);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

interface SegmentState {
  manifest?: Manifest;
  lines: Map<number, IntervalLine>;
}

/** Reads a run's streams incrementally; `parts()` gives what arrived so far, one part per segment that sent its manifest. */
export class StreamReader {
  private readonly keys: { lines: string; manifests: string };
  private readonly cursor = { lines: "0", manifests: "0" };
  private readonly segments = new Map<string, SegmentState>();
  /** Entries that were not a line or manifest of a run (written by something else), skipped. */
  skipped = 0;

  constructor(
    private readonly redis: Redis,
    readonly runId: string,
  ) {
    this.keys = streamKeys(runId);
  }

  private state(seg: string): SegmentState {
    let s = this.segments.get(seg);
    if (!s) this.segments.set(seg, (s = { lines: new Map() }));
    return s;
  }

  /** Reads everything new in both streams. */
  async poll(): Promise<void> {
    for (const which of ["manifests", "lines"] as const) {
      for (;;) {
        const res = await this.redis.xread("COUNT", 2000, "STREAMS", this.keys[which], this.cursor[which]);
        const entries = res?.[0]?.[1] ?? [];
        for (const [id, fields] of entries) {
          this.cursor[which] = id;
          const f: Record<string, string> = {};
          for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
          let value: unknown;
          try {
            value = JSON.parse(f.json ?? "");
          } catch {
            value = undefined;
          }
          if (!f.seg || schemaProblem(which === "lines" ? intervalLineSchema : manifestSchema, value) !== undefined) {
            this.skipped++;
            continue;
          }
          const s = this.state(f.seg);
          if (which === "lines") s.lines.set((value as IntervalLine).t, value as IntervalLine);
          else s.manifest = value as Manifest;
        }
        if (entries.length < 2000) break;
      }
    }
  }

  parts(): RunPart[] {
    const out: RunPart[] = [];
    for (const [seg, s] of this.segments) {
      if (!s.manifest) continue;
      const intervals = [...s.lines.values()].sort((a, b) => a.t - b.t);
      out.push({ manifest: s.manifest, intervals, telemetry: [], source: `redis stream ${this.runId} segment ${seg}` });
    }
    return out;
  }

  /** Deletes the run's streams (after collecting, or in tests). */
  async delete(): Promise<void> {
    await this.redis.del(this.keys.lines, this.keys.manifests);
  }
}
