// A circuit breaker around the one Redis client that the cache, the rate limiter, the session
// store and readiness share. Each Redis command times out after 500 ms, and one request makes
// several (rate limit, session, cache read, cache store): during a Redis stall every request
// would wait out each of those timeouts in turn. The guard turns the first failure into a fast
// refusal for everyone:
//   closed     commands go through; a command that times out or meets a connection error opens
//              the guard (an error *reply* does not: Redis answered).
//   open       commands are refused at once with RedisUnavailableError, for `coolDownMs`; the
//              callers degrade as they do when Redis is down (cache miss, limiter fails open,
//              session from the token alone).
//   half-open  after the cool-down the next command is the probe and goes through; the others
//              are still refused until it answers. Any answer closes the guard, a failure opens
//              it for another cool-down.
// With `probe` set, the guard sends that command itself once the cool-down is over, so it closes
// again (and replays what waited for it) even when no request comes along.
import { ReplyError } from "ioredis";
import { errorText } from "../errors.js";

export type BreakerState = "closed" | "open" | "half-open";

export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

export interface GuardStatus {
  state: BreakerState;
  /** When the guard entered this state. */
  sinceMs: number;
  /** The failure that opened it last. */
  lastError?: string;
  /** While open: when the cool-down ends and a probe may go through. */
  probeAtMs?: number;
}

export interface RedisGuardOptions {
  coolDownMs: number;
  now?: () => number;
  /** Whether an error means Redis could not answer; default: anything but an error reply. */
  isOutage?: (err: unknown) => boolean;
  /** Sent by the guard itself after each cool-down that no request has probed. */
  probe?: () => Promise<unknown>;
  /** A command refused without being sent. */
  onRejected?: () => void;
}

export interface RedisGuard {
  /**
   * Runs one Redis command, or refuses it at once while the guard is open. `mayProbe: false`
   * keeps a command from being the probe (a cache read must not be the first command after an
   * outage: the entry could be one whose invalidation is still to be replayed).
   */
  run<T>(command: () => Promise<T>, opts?: { mayProbe?: boolean }): Promise<T>;
  status(): GuardStatus;
  onTransition(listener: (to: BreakerState, cause?: string) => void): void;
  /** Stops the probe timer (the app is closing). */
  close(): void;
}

export function isRedisOutage(err: unknown): boolean {
  return !(err instanceof ReplyError) && !(err instanceof RedisUnavailableError);
}

export function createRedisGuard(opts: RedisGuardOptions): RedisGuard {
  const now = opts.now ?? Date.now;
  const isOutage = opts.isOutage ?? isRedisOutage;
  const listeners: ((to: BreakerState, cause?: string) => void)[] = [];
  let state: BreakerState = "closed";
  let sinceMs = now();
  let lastError: string | undefined;
  let probeAtMs = 0;
  // Bumped at every transition: a command's outcome only counts in the state it was sent in, so
  // the stragglers sent before the guard opened cannot reopen it or close it later.
  let epoch = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const transition = (to: BreakerState, cause?: string): void => {
    state = to;
    sinceMs = now();
    epoch += 1;
    if (to === "open") {
      lastError = cause;
      probeAtMs = sinceMs + opts.coolDownMs;
      scheduleProbe();
    }
    for (const listener of listeners) listener(to, cause);
  };

  const scheduleProbe = (): void => {
    if (!opts.probe || closed) return;
    clearTimeout(timer);
    const probe = opts.probe;
    timer = setTimeout(() => {
      timer = undefined;
      if (state === "open") send(probe, true).catch(() => {});
    }, opts.coolDownMs);
    timer.unref();
  };

  const refuse = (why: string): RedisUnavailableError => {
    opts.onRejected?.();
    return new RedisUnavailableError(`Redis is not called: circuit breaker ${why} (opened by: ${lastError ?? "unknown"})`);
  };

  async function send<T>(command: () => Promise<T>, force = false, mayProbe = true): Promise<T> {
    let probing = false;
    if (state === "half-open") throw refuse("half-open, a probe is in flight");
    if (state === "open") {
      const leftMs = probeAtMs - now();
      if (leftMs > 0 && !force) throw refuse(`open, next probe in ${leftMs} ms`);
      if (!mayProbe) throw refuse("open, waiting for a probe");
      transition("half-open");
      probing = true;
    }
    const sentIn = epoch;
    try {
      const value = await command();
      if (probing && epoch === sentIn) transition("closed");
      return value;
    } catch (err) {
      if (epoch === sentIn) {
        if (isOutage(err)) transition("open", errorText(err));
        else if (probing) transition("closed");
      }
      throw err;
    }
  }

  return {
    run: (command, runOpts) => send(command, false, runOpts?.mayProbe ?? true),
    status() {
      const s: GuardStatus = { state, sinceMs };
      if (lastError !== undefined) s.lastError = lastError;
      if (state === "open") s.probeAtMs = probeAtMs;
      return s;
    },
    onTransition(listener) {
      listeners.push(listener);
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
