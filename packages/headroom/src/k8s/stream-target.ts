// Where a multi-host test's live results go: redis://HOST:PORT/RUN_ID parsed into the Redis URL
// and the run id, and the stream keys of a run. Kept apart from the Redis client so that
// `headroom run` loads ioredis only when --stream is given.
import { HeadroomError } from "../core/errors.js";
import { redactUserinfo } from "../core/redact.js";

export const STREAM_TTL_SEC = 7 * 24 * 3600;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface StreamTarget {
  /** The Redis URL without the run id. */
  redisUrl: string;
  runId: string;
}

export function streamKeys(runId: string): { lines: string; manifests: string } {
  return { lines: `headroom:run:${runId}:lines`, manifests: `headroom:run:${runId}:manifests` };
}

export function checkRunId(runId: string, flag: string): string {
  if (!RUN_ID.test(runId)) {
    throw new HeadroomError("HR_BAD_ARGUMENT", `${flag}: run id "${runId}" is not of the form letters, digits, ".", "_" or "-" (at most 100)`, "name the test, e.g. checkout-2026-12-04 (every host of one test uses the same id)");
  }
  return runId;
}

/** "redis://HOST:PORT/RUN_ID" (rediss://, user:password@ allowed) → the Redis URL and the run id. */
export function parseStreamUrl(text: string, flag = "--stream"): StreamTarget {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    u = new URL("invalid:");
  }
  const runId = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if ((u.protocol !== "redis:" && u.protocol !== "rediss:") || !u.hostname || !runId) {
    throw new HeadroomError("HR_BAD_URL", `${flag} "${redactUserinfo(text)}" is not of the form redis://HOST:PORT/RUN_ID`, `give the Redis every host can reach and one id for the test, e.g. ${flag} redis://redis.loadtest:6379/checkout-1`);
  }
  checkRunId(runId, flag);
  u.pathname = "";
  return { redisUrl: u.toString().replace(/\/$/, ""), runId };
}
