// HTTP for scenarios, through undici: one keep-alive Pool per origin, shared by the users of a
// thread. Each request is timed from when it was due (the open model) or sent, recorded under
// its name, and judged by the accept rule and check. Requests never throw: a failure is a response
// with ok=false and an error class, so tasks decide what to do with it.
import type { Dispatcher } from "undici";
import { OriginPool, RequestTimeout, type Deadline } from "./origin-pool.js";
import type { AcceptStatus, HttpResponse, QueryValue, RequestOptions } from "../plan/scenario-api.js";
import { statusAccepted } from "../plan/scenario-api.js";
import type { ErrorClass } from "../core/types.js";
import type { Clock } from "../core/clock.js";
import { ERROR_INDEX, type ClassAccumulator, type Recorder } from "./recorder.js";

/** Maps an undici or socket error to an error class. */
export function classifyError(e: unknown): ErrorClass {
  const err = e as { code?: string; cause?: { code?: string }; name?: string; message?: string };
  const code = err?.code ?? err?.cause?.code ?? "";
  switch (code) {
    case "UND_ERR_CONNECT_TIMEOUT":
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
    case "ETIMEDOUT":
      return "timeout";
    case "ECONNREFUSED":
      return "refused";
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
    case "ECONNABORTED":
      return "reset";
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return "dns";
    case "UND_ERR_INVALID_ARG":
      return "other";
  }
  if (code.startsWith("HPE_") || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || code === "UND_ERR_RESPONSE_STATUS_CODE" || code === "UND_ERR_INFO") return "protocol";
  if (err?.name === "HTTPParserError" || err?.name === "ResponseContentLengthMismatchError") return "protocol";
  if (err?.name === "TimeoutError" || err?.name === "HeadersTimeoutError" || err?.name === "BodyTimeoutError") return "timeout";
  return "other";
}

export function buildQuery(query: Record<string, QueryValue | readonly QueryValue[]> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) if (one !== undefined && one !== null) params.append(k, String(one));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

/**
 * Connections per origin and thread. Users share connections (a user holds one only while its
 * request is in flight), so with think times a few dozen serve thousands of users; the cap keeps
 * a burst from opening thousands of sockets. Requests beyond it wait, and the wait is latency.
 */
export const DEFAULT_MAX_CONNECTIONS = 2048;

export interface HttpContext {
  baseUrl: string;
  clock: Clock;
  recorder: Recorder;
  timeoutMs: number;
  defaults: { headers?: Record<string, string>; accept?: AcceptStatus };
}

/**
 * The pools of one thread, by origin, and the deadlines of the requests in flight. undici's own
 * timeouts run on coarse timers (a 300 ms timeout fires after about a second), so a sweep every
 * min(250 ms, timeout / 4) aborts the requests past their deadline: timeouts are exact to the
 * sweep, with no timer per request.
 */
export class PoolSet {
  private readonly pools = new Map<string, OriginPool>();
  private readonly inFlight = new Set<Deadline>();
  private sweep: ReturnType<typeof setInterval> | undefined;
  /** Set once the run is over: failures from then on are the shutdown's, not the target's. */
  closing = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly maxConnections = DEFAULT_MAX_CONNECTIONS,
  ) {}

  get(origin: string): OriginPool {
    let p = this.pools.get(origin);
    if (!p) {
      // undici's timeouts stay as a backstop, above ours.
      const backstop = this.timeoutMs + 2000;
      p = new OriginPool(origin, this.maxConnections, {
        pipelining: 1,
        keepAliveTimeout: 10_000,
        headersTimeout: backstop,
        bodyTimeout: backstop,
        connectTimeout: Math.min(this.timeoutMs, 10_000),
      });
      this.pools.set(origin, p);
    }
    return p;
  }

  /** Registers a request's deadline; `untrack` when it settles. */
  track(timeoutMs: number): Deadline {
    const d: Deadline = { deadlineMs: this.now() + timeoutMs, expired: false, controller: undefined };
    this.inFlight.add(d);
    if (!this.sweep) {
      this.sweep = setInterval(() => this.expire(), Math.max(10, Math.min(250, this.timeoutMs / 4)));
      this.sweep.unref();
    }
    return d;
  }

  untrack(d: Deadline): void {
    this.inFlight.delete(d);
  }

  private expire(): void {
    const now = this.now();
    for (const d of this.inFlight) {
      if (d.deadlineMs <= now) {
        this.inFlight.delete(d);
        d.expired = true;
        d.controller?.abort(new RequestTimeout());
      }
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = undefined;
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}

export interface SendArgs {
  method: string;
  path: string;
  opts: RequestOptions;
  startMs: number;
  headers: Record<string, string>;
  accept: AcceptStatus | undefined;
  classAcc?: ClassAccumulator;
}

/** A response whose text and JSON are decoded only when a task asks for them. */
class Response implements HttpResponse {
  ok = false;
  error?: ErrorClass;
  errorMessage?: string;
  private decoded: string | undefined;

  constructor(
    readonly status: number,
    readonly headers: HttpResponse["headers"],
    private readonly body: Buffer,
    readonly latencyMs: number,
  ) {}

  get text(): string {
    return (this.decoded ??= this.body.toString("utf8"));
  }
  json<T>(): T {
    return JSON.parse(this.text) as T;
  }
}

function makeResponse(status: number, headers: HttpResponse["headers"], body: Buffer, latencyMs: number): Response {
  return new Response(status, headers, body, latencyMs);
}

const NO_BODY = Buffer.alloc(0);
const base = new Map<string, { origin: string; url: URL }>();

/** Origin and path+query of a request path relative to the base URL (no URL object for "/..." paths). */
export function resolveTarget(baseUrl: string, path: string, query: string): { origin: string; path: string } {
  let b = base.get(baseUrl);
  if (!b) {
    const url = new URL(baseUrl);
    base.set(baseUrl, (b = { origin: url.origin, url }));
  }
  if (path.startsWith("/") && !path.startsWith("//")) return { origin: b.origin, path: path + query };
  let url: URL;
  try {
    url = new URL(path + query, b.url);
  } catch {
    throw new Error(`request path "${path}" is not a valid URL relative to "${baseUrl}"`);
  }
  return { origin: url.origin, path: url.pathname + url.search };
}

/** Sends one request and records it. */
export async function sendRequest(ctx: HttpContext, pools: PoolSet, args: SendArgs): Promise<HttpResponse> {
  const { method, path, opts } = args;
  const target = resolveTarget(ctx.baseUrl, path, buildQuery(opts.query));
  const q = target.path.indexOf("?");
  const name = opts.name ?? (q < 0 ? target.path : target.path.slice(0, q));
  const acc = ctx.recorder.endpoint(name, method);
  const headers = args.headers;
  let body: string | Uint8Array | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  }
  const bytesOut = (body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength) + method.length + target.path.length + 12;
  const timeoutMs = opts.timeoutMs ?? ctx.timeoutMs;
  let res: Response;
  let errorClass: ErrorClass | undefined;
  let errorMessage: string | undefined;
  let bytesIn = 0;
  const deadline = pools.track(timeoutMs);
  try {
    const dispatch = { method: method as Dispatcher.HttpMethod, path: target.path, headers, ...(body !== undefined ? { body } : {}) };
    const r = await pools.get(target.origin).send(dispatch, deadline);
    bytesIn = r.body.length + 17;
    for (const k in r.headers) {
      const v = r.headers[k];
      bytesIn += k.length + 4 + (typeof v === "string" ? v.length : Array.isArray(v) ? v.join(", ").length : 0);
    }
    res = makeResponse(r.status, r.headers, r.body, ctx.clock.now() - args.startMs);
  } catch (e) {
    errorClass = deadline.expired ? "timeout" : classifyError(e);
    errorMessage = errorClass === "timeout" ? `no complete response within ${timeoutMs} ms` : ((e as Error)?.message ?? String(e));
    res = makeResponse(0, {}, NO_BODY, ctx.clock.now() - args.startMs);
  } finally {
    pools.untrack(deadline);
  }
  if (pools.closing && res.status === 0) {
    // Cut off by the end of the run after the grace period: not a result about the target.
    res.error = "other";
    res.errorMessage = "the run ended before the response";
    return res;
  }
  if (!errorClass) {
    if (!statusAccepted(res.status, opts.accept ?? args.accept)) errorClass = "status";
    else if (opts.check) {
      try {
        const verdict = opts.check(res);
        if (verdict === false || typeof verdict === "string") {
          errorClass = "check";
          errorMessage = typeof verdict === "string" ? verdict : "check returned false";
        }
      } catch (e) {
        errorClass = "check";
        errorMessage = `check threw: ${(e as Error)?.message ?? String(e)}`;
      }
    }
  }
  res.ok = errorClass === undefined;
  if (errorClass) res.error = errorClass;
  if (errorMessage) res.errorMessage = errorMessage;
  acc.record(res.latencyMs * 1000, res.status, errorClass ? ERROR_INDEX[errorClass] : -1, bytesIn, bytesOut);
  args.classAcc?.record(res.status, res.ok);
  return res;
}
