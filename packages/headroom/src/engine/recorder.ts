// Per-second accumulation of samples: one accumulator per named request (histogram of µs,
// status counts, error classes, bytes) and per user class. The executors record into objects
// they hold on to (no lookups on the hot path); `flush` turns the second into an IntervalLine
// and resets the accumulators in place.
import { createHistogram, encodeHistogram, type Histogram } from "../metrics/histogram.js";
import { ERROR_CLASSES, type ClassInterval, type EndpointInterval, type ErrorClass, type GeneratorInterval, type IntervalLine } from "../core/types.js";

export const ERROR_INDEX: Record<ErrorClass, number> = Object.fromEntries(ERROR_CLASSES.map((c, i) => [c, i])) as Record<ErrorClass, number>;
/** Status codes tracked in a flat array; anything above counts under its own key. */
const STATUS_SLOTS = 600;

export class EndpointAccumulator {
  requests = 0;
  ok = 0;
  failed = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly status = new Int32Array(STATUS_SLOTS);
  readonly errors = new Int32Array(ERROR_CLASSES.length);
  private otherStatus: Record<string, number> | undefined;
  private hist: Histogram | undefined;

  constructor(
    readonly name: string,
    readonly method: string,
  ) {}

  /** One completed request. `status` 0 = no response; `errorIndex` -1 = success. */
  record(latencyUs: number, status: number, errorIndex: number, bytesIn: number, bytesOut: number): void {
    this.requests++;
    if (errorIndex < 0) this.ok++;
    else {
      this.failed++;
      this.errors[errorIndex]!++;
    }
    if (status > 0) {
      if (status < STATUS_SLOTS) this.status[status]!++;
      else (this.otherStatus ??= {})[status] = (this.otherStatus[status] ?? 0) + 1;
    }
    this.bytesIn += bytesIn;
    this.bytesOut += bytesOut;
    (this.hist ??= createHistogram()).recordValue(latencyUs < 1 ? 1 : Math.round(latencyUs));
  }

  /** The second's figures; resets for the next second. Undefined when nothing completed. */
  take(): EndpointInterval | undefined {
    if (this.requests === 0) return undefined;
    const status: Record<string, number> = {};
    for (let s = 1; s < STATUS_SLOTS; s++) if (this.status[s]) status[s] = this.status[s]!;
    if (this.otherStatus) Object.assign(status, this.otherStatus);
    const errors: Partial<Record<ErrorClass, number>> = {};
    for (let i = 0; i < ERROR_CLASSES.length; i++) if (this.errors[i]) errors[ERROR_CLASSES[i]!] = this.errors[i]!;
    const out: EndpointInterval = {
      method: this.method,
      requests: this.requests,
      ok: this.ok,
      failed: this.failed,
      status,
      errors,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      hist: this.hist ? encodeHistogram(this.hist) : "",
    };
    this.requests = this.ok = this.failed = this.bytesIn = this.bytesOut = 0;
    this.status.fill(0);
    this.errors.fill(0);
    this.otherStatus = undefined;
    this.hist?.reset();
    return out;
  }

  destroy(): void {
    this.hist?.destroy();
    this.hist = undefined;
  }
}

export class ClassAccumulator {
  requests = 0;
  failed = 0;
  rateLimited = 0;
  users = 0;

  record(status: number, ok: boolean): void {
    this.requests++;
    if (!ok) this.failed++;
    if (status === 429) this.rateLimited++;
  }

  take(): ClassInterval {
    const out = { requests: this.requests, failed: this.failed, rateLimited: this.rateLimited, users: this.users };
    this.requests = this.failed = this.rateLimited = 0;
    return out;
  }
}

export interface SecondState {
  users: number;
  inFlight?: number;
  phase?: string;
  targetRate?: number;
  generator: GeneratorInterval;
}

export class Recorder {
  private readonly endpoints = new Map<string, EndpointAccumulator>();
  private readonly classes = new Map<string, ClassAccumulator>();
  dropped = 0;

  /** The accumulator of a named request (created once; hold on to it). */
  endpoint(name: string, method: string): EndpointAccumulator {
    const key = `${method} ${name}`;
    let acc = this.endpoints.get(key);
    if (!acc) this.endpoints.set(key, (acc = new EndpointAccumulator(name, method)));
    return acc;
  }

  userClass(name: string): ClassAccumulator {
    let acc = this.classes.get(name);
    if (!acc) this.classes.set(name, (acc = new ClassAccumulator()));
    return acc;
  }

  /** Closes second `t` (starting at epoch `ts`) into an interval line and resets. */
  flush(t: number, ts: number, state: SecondState): IntervalLine {
    const endpoints: Record<string, EndpointInterval> = {};
    const namesByEndpoint = new Map<string, number>();
    for (const acc of this.endpoints.values()) namesByEndpoint.set(acc.name, (namesByEndpoint.get(acc.name) ?? 0) + 1);
    for (const acc of this.endpoints.values()) {
      const e = acc.take();
      // The same name under two methods gets the method in its key ("/api/stories [POST]").
      const key = namesByEndpoint.get(acc.name)! > 1 && acc.method !== "GET" ? `${acc.name} [${acc.method}]` : acc.name;
      if (e) endpoints[key] = e;
    }
    const line: IntervalLine = { t, ts, users: state.users, dropped: this.dropped, endpoints, generator: state.generator };
    this.dropped = 0;
    if (state.targetRate !== undefined) line.targetRate = state.targetRate;
    if (state.inFlight !== undefined) line.inFlight = state.inFlight;
    if (state.phase) line.phase = state.phase;
    if (this.classes.size > 0) {
      line.classes = {};
      for (const [name, c] of this.classes) line.classes[name] = c.take();
    }
    return line;
  }

  destroy(): void {
    for (const acc of this.endpoints.values()) acc.destroy();
  }
}
