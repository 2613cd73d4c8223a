// A lean HTTP/1.1 keep-alive client for one pre-encoded request (single-URL runs), built for
// throughput: the request bytes are encoded once, responses are read into one shared buffer
// (net's `onread`, no Buffer per read), and only what framing needs is parsed: the status line,
// Content-Length, Transfer-Encoding: chunked and Connection: close. No promise or allocation per
// request on the hot path. A connection the server closed between requests (nginx's
// keepalive_requests, an idle timeout) is replaced transparently, and a request that found it
// closed before any byte came back is sent again once, as undici does for idempotent requests.
// The parts: encode-request.ts (the bytes), raw-connection.ts (a connection and its parser),
// http-head.ts (the response head), and here the client that pools the connections.
import type { EndpointAccumulator } from "./recorder.js";
import { RawConnection, type RawDone } from "./raw-connection.js";

export { encodeRequest, type RawRequestSpec } from "./encode-request.js";
export { RawConnection, type RawDone } from "./raw-connection.js";
export { classifyCode } from "./classify-code.js";

export interface RawClientOptions {
  host: string;
  port: number;
  request: Buffer;
  /** HEAD responses carry no body whatever their headers say. */
  isHead: boolean;
  timeoutMs: number;
  acc: EndpointAccumulator;
  /** Monotonic ms (the engine's clock). */
  now(): number;
}

/**
 * The connections to one host:port for one request. `send` takes a free connection (or opens a
 * new one: the caller bounds concurrency), and a sweep every few hundred ms fails requests older
 * than the timeout, so no timer is armed per request.
 */
export class RawClient {
  private readonly free: RawConnection[] = [];
  private readonly all = new Set<RawConnection>();
  inFlight = 0;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly opts: RawClientOptions) {
    const every = Math.max(10, Math.min(250, opts.timeoutMs / 4));
    this.sweepTimer = setInterval(() => this.sweep(), every);
    this.sweepTimer.unref();
  }

  send(startMs: number, done: RawDone): void {
    let conn = this.free.pop();
    if (!conn) this.all.add((conn = new RawConnection(this)));
    this.inFlight++;
    conn.send(startMs, done);
  }

  /** Called by a connection when its request completed. */
  release(conn: RawConnection): void {
    this.inFlight--;
    this.free.push(conn);
  }

  private sweep(): void {
    const now = this.opts.now();
    for (const c of this.all) if (c.busy && now - c.sentMs > this.opts.timeoutMs) c.fail("timeout");
  }

  /** Fails what is still in flight (as timeouts: they did not complete in time) and closes every socket. */
  close(failInFlight = true): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const c of this.all) {
      if (c.busy && failInFlight) c.fail("timeout");
      c.socket?.destroy();
      c.socket = null;
    }
  }
}
