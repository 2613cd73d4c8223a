// Connections to one origin for scenario requests: undici Clients (one keep-alive connection
// each) on a free list. undici's own Pool looks for a free client by scanning all of them on every
// request, which turns quadratic when thousands of users burst at once; here taking and returning a
// connection is O(1), the most recently used one is reused first (so a few stay warm), and idle
// ones beyond what the load needs close on undici's keep-alive timeout.
//
// Requests go through undici's low-level `dispatch` with a handler that gathers the body chunks:
// no stream, no AbortController and a single promise per request, which keeps the garbage per
// request (and so the heap of a 10,000-user run) small.
import type { IncomingHttpHeaders } from "node:http";
import { Client, type Dispatcher } from "undici";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request's deadline: the timeout sweep aborts it through the controller undici hands over. */
export interface Deadline {
  deadlineMs: number;
  expired: boolean;
  controller: Dispatcher.DispatchController | undefined;
}

const EMPTY = Buffer.alloc(0);

export class RequestTimeout extends Error {
  override name = "TimeoutError";
}

export class OriginPool {
  private readonly free: Client[] = [];
  private readonly all = new Set<Client>();
  private readonly waiting: ((c: Client) => void)[] = [];
  private closed = false;

  constructor(
    readonly origin: string,
    /** Most connections at once; requests beyond wait for a free one (the wait counts in their latency). */
    private readonly maxConnections: number,
    private readonly clientOptions: Client.Options,
  ) {}

  get size(): number {
    return this.all.size;
  }

  /** Sends one request on a connection of its own and gathers the whole response. */
  async send(opts: Dispatcher.DispatchOptions, deadline: Deadline): Promise<RawResponse> {
    const client = this.free.pop() ?? (this.all.size < this.maxConnections ? this.create() : await new Promise<Client>((resolve) => this.waiting.push(resolve)));
    try {
      return await dispatchOnce(client, opts, deadline);
    } finally {
      this.release(client);
    }
  }

  private create(): Client {
    const c = new Client(this.origin, this.clientOptions);
    this.all.add(c);
    return c;
  }

  private release(c: Client): void {
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next) next(c);
    else this.free.push(c);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((c) => c.destroy().catch(() => undefined)));
    this.all.clear();
    this.free.length = 0;
  }
}

function dispatchOnce(client: Client, opts: Dispatcher.DispatchOptions, deadline: Deadline): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    try {
      client.dispatch(opts, {
        onRequestStart(controller) {
          deadline.controller = controller;
          if (deadline.expired) controller.abort(new RequestTimeout());
        },
        onResponseStart(_c, statusCode, h) {
          status = statusCode;
          headers = h;
        },
        onResponseData(_c, chunk) {
          size += chunk.length;
          if (!first) first = chunk;
          else (chunks ??= [first]).push(chunk);
        },
        onResponseEnd() {
          resolve({ status, headers, body: chunks ? Buffer.concat(chunks, size) : (first ?? EMPTY) });
        },
        onResponseError(_c, err) {
          reject(err);
        },
      });
    } catch (e) {
      reject(e as Error);
    }
  });
}
