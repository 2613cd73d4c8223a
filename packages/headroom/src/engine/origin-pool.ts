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
  send(opts: Dispatcher.DispatchOptions, deadline: Deadline): Promise<RawResponse> {
    const client = this.free.pop() ?? (this.all.size < this.maxConnections ? this.create() : undefined);
    if (client) return new Promise((resolve, reject) => dispatchOnce(this, client, opts, deadline, resolve, reject));
    return new Promise<Client>((r) => this.waiting.push(r)).then(
      (c) => new Promise((resolve, reject) => dispatchOnce(this, c, opts, deadline, resolve, reject)),
    );
  }

  private create(): Client {
    const c = new Client(this.origin, this.clientOptions);
    this.all.add(c);
    return c;
  }

  /** Returns a connection after its response (or error) is complete. */
  release(c: Client): void {
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

/** undici dispatch handler that gathers one response; one object per request, methods on the prototype. */
class Gather implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private first: Buffer | undefined;
  private chunks: Buffer[] | undefined;
  private size = 0;

  constructor(
    private readonly pool: OriginPool,
    private readonly client: Client,
    private readonly deadline: Deadline,
    private readonly resolve: (r: RawResponse) => void,
    private readonly reject: (e: Error) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.deadline.controller = controller;
    if (this.deadline.expired) controller.abort(new RequestTimeout());
  }
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (!this.first) this.first = chunk;
    else (this.chunks ??= [this.first]).push(chunk);
  }
  onResponseEnd(): void {
    this.pool.release(this.client);
    this.resolve({ status: this.status, headers: this.headers, body: this.chunks ? Buffer.concat(this.chunks, this.size) : (this.first ?? EMPTY) });
  }
  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.pool.release(this.client);
    this.reject(err);
  }
}

function dispatchOnce(
  pool: OriginPool,
  client: Client,
  opts: Dispatcher.DispatchOptions,
  deadline: Deadline,
  resolve: (r: RawResponse) => void,
  reject: (e: Error) => void,
): void {
  try {
    client.dispatch(opts, new Gather(pool, client, deadline, resolve, reject));
  } catch (e) {
    pool.release(client);
    reject(e as Error);
  }
}
