// HTTP for scenarios, through undici: one keep-alive Pool per origin, shared by the users of a
// thread. Each request is timed from when it was due (the open model) or sent, recorded under
// its name, and judged by the accept rule and check. Requests never throw: a failure is a response
// with ok=false and an error class, so tasks decide what to do with it.
import { Pool, type Dispatcher } from "undici";
import type { AcceptStatus, HttpResponse, QueryValue, RequestOptions } from "../plan/scenario-api.js";
import { statusAccepted } from "../plan/scenario-api.js";
import type { ErrorClass } from "../store/types.js";
import type { Clock } from "./clock.js";
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
  if (err?.name === "AbortError" || err?.name === "TimeoutError") return "timeout";
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

export interface HttpContext {
  baseUrl: string;
  clock: Clock;
  recorder: Recorder;
  timeoutMs: number;
  defaults: { headers?: Record<string, string>; accept?: AcceptStatus };
}

/** The pools of one thread, by origin. */
export class PoolSet {
  private readonly pools = new Map<string, Pool>();

  get(origin: string, timeoutMs: number): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      p = new Pool(origin, { pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: Math.min(timeoutMs, 10_000) });
      this.pools.set(origin, p);
    }
    return p;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => undefined)));
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

function makeResponse(status: number, headers: HttpResponse["headers"], text: string, latencyMs: number): HttpResponse {
  return {
    status,
    ok: false,
    headers,
    text,
    latencyMs,
    json<T>(): T {
      return JSON.parse(text) as T;
    },
  };
}

/** Sends one request and records it. */
export async function sendRequest(ctx: HttpContext, pools: PoolSet, args: SendArgs): Promise<HttpResponse> {
  const { method, path, opts } = args;
  const query = buildQuery(opts.query);
  let url: URL;
  try {
    url = new URL(path + query, ctx.baseUrl);
  } catch {
    throw new Error(`request path "${path}" is not a valid URL relative to "${ctx.baseUrl}"`);
  }
  const name = opts.name ?? url.pathname;
  const acc = ctx.recorder.endpoint(name, method);
  const headers: Record<string, string> = { ...args.headers };
  let body: string | Uint8Array | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  }
  const bytesOut = (body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength) + method.length + url.pathname.length + url.search.length + 12;
  const timeoutMs = opts.timeoutMs ?? ctx.timeoutMs;
  let res: HttpResponse;
  let errorClass: ErrorClass | undefined;
  let errorMessage: string | undefined;
  let bytesIn = 0;
  try {
    const pool = pools.get(url.origin, ctx.timeoutMs);
    const r: Dispatcher.ResponseData = await pool.request({
      method: method as Dispatcher.HttpMethod,
      path: url.pathname + url.search,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(timeoutMs !== ctx.timeoutMs ? { headersTimeout: timeoutMs, bodyTimeout: timeoutMs } : {}),
    });
    const text = await r.body.text();
    bytesIn = Buffer.byteLength(text) + 17;
    for (const [k, v] of Object.entries(r.headers)) bytesIn += k.length + (Array.isArray(v) ? v.join(", ").length : String(v ?? "").length) + 4;
    res = makeResponse(r.statusCode, r.headers, text, ctx.clock.now() - args.startMs);
  } catch (e) {
    errorClass = classifyError(e);
    errorMessage = (e as Error)?.message ?? String(e);
    res = makeResponse(0, {}, "", ctx.clock.now() - args.startMs);
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
