// A lean HTTP/1.1 keep-alive client for one pre-encoded request (single-URL runs), built for
// throughput: the request bytes are encoded once, responses are read into one shared buffer
// (net's `onread`, no Buffer per read), and only what framing needs is parsed: the status line,
// Content-Length, Transfer-Encoding: chunked and Connection: close. No promise or allocation per
// request on the hot path. A connection the server closed between requests (nginx's
// keepalive_requests, an idle timeout) is replaced transparently, and a request that found it
// closed before any byte came back is sent again once, as undici does for idempotent requests.
import { connect, type Socket } from "node:net";
import { ERROR_INDEX, type EndpointAccumulator } from "./recorder.js";

/** Called when a request completes (after it was recorded); `status` is 0 when no response came. */
export type RawDone = (ok: boolean, status: number) => void;

export interface RawRequestSpec {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** The request bytes, encoded once: request line, Host, the user's headers, Content-Length, body. */
export function encodeRequest(spec: RawRequestSpec): Buffer {
  const path = (spec.url.pathname || "/") + spec.url.search;
  const lines = [`${spec.method} ${path} HTTP/1.1`, `Host: ${spec.url.host}`];
  const lower = new Set(Object.keys(spec.headers).map((k) => k.toLowerCase()));
  if (!lower.has("user-agent")) lines.push("User-Agent: headroom");
  if (!lower.has("accept")) lines.push("Accept: */*");
  for (const [k, v] of Object.entries(spec.headers)) if (k.toLowerCase() !== "host" && k.toLowerCase() !== "content-length") lines.push(`${k}: ${v}`);
  if (spec.body && spec.body.length > 0) lines.push(`Content-Length: ${spec.body.length}`);
  else if (spec.method !== "GET" && spec.method !== "HEAD") lines.push("Content-Length: 0");
  const head = Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1");
  return spec.body && spec.body.length > 0 ? Buffer.concat([head, spec.body]) : head;
}

// Parser states.
const IDLE = 0;
const HEAD = 1;
const BODY_LENGTH = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_DATA_END = 5;
const TRAILERS = 6;
const BODY_UNTIL_CLOSE = 7;

const CRLFCRLF = Buffer.from("\r\n\r\n");
const H_CONTENT_LENGTH = Buffer.from("content-length:");
const H_CONNECTION = Buffer.from("connection:");
const H_TRANSFER_ENCODING = Buffer.from("transfer-encoding:");
/** Headers bigger than this are a protocol error (a runaway or non-HTTP peer). */
const MAX_HEAD_BYTES = 64 * 1024;

/** Case-insensitive match of a lower-case ASCII name at buf[pos]. */
function matchLower(buf: Buffer, pos: number, end: number, name: Buffer): boolean {
  if (end - pos < name.length) return false;
  for (let i = 0; i < name.length; i++) if ((buf[pos + i]! | 0x20) !== name[i]) return false;
  return true;
}

const W_CLOSE = Buffer.from("close");
const W_KEEP_ALIVE = Buffer.from("keep-alive");
const W_CHUNKED = Buffer.from("chunked");

/** Whether buf[from, to) contains `word` (lower-case ASCII), case-insensitively; no allocation. */
function valueHas(buf: Buffer, from: number, to: number, word: Buffer): boolean {
  for (let i = from; i + word.length <= to; i++) if (matchLower(buf, i, to, word)) return true;
  return false;
}

const SHARED_READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

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

/** One keep-alive connection with its response parser. */
export class RawConnection {
  socket: Socket | null = null;
  busy = false;
  /** Latency counts from here (the due time in the open model). */
  startMs = 0;
  /** The timeout counts from here (when the request was written). */
  sentMs = 0;
  /** Responses completed on the current socket. */
  served = 0;
  retried = false;
  done: RawDone | null = null;

  private state = IDLE;
  private status = 0;
  private remaining = 0;
  private bytesIn = 0;
  private closeAfter = false;
  private noBody = false;
  private pendingHead: Buffer | null = null;
  private errorCode: string | undefined;

  constructor(private readonly client: RawClient) {}

  send(startMs: number, done: RawDone): void {
    this.busy = true;
    this.done = done;
    this.startMs = startMs;
    this.retried = false;
    this.write();
  }

  private write(): void {
    const c = this.client;
    if (!this.socket) this.open();
    this.sentMs = c.opts.now();
    this.state = HEAD;
    this.bytesIn = 0;
    this.status = 0;
    this.socket!.write(c.opts.request);
  }

  private open(): void {
    const c = this.client;
    this.served = 0;
    this.errorCode = undefined;
    const socket = connect({
      host: c.opts.host,
      port: c.opts.port,
      noDelay: true,
      onread: {
        buffer: SHARED_READ_BUFFER,
        callback: (n: number, buf: Uint8Array): boolean => {
          if (socket === this.socket) this.onData(buf as Buffer, n);
          return true;
        },
      },
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (socket === this.socket) this.errorCode = e.code ?? e.message;
    });
    socket.on("close", () => {
      if (socket === this.socket) this.onClose();
    });
    this.socket = socket;
  }

  private onClose(): void {
    this.socket = null;
    if (!this.busy) return;
    if (this.state === BODY_UNTIL_CLOSE) return this.complete();
    // A reused connection the server closed before answering: send once more on a fresh one.
    if (this.bytesIn === 0 && this.served > 0 && !this.retried) {
      this.retried = true;
      this.write();
      return;
    }
    this.fail(this.bytesIn > 0 ? "reset" : classifyCode(this.errorCode));
  }

  /** Ends the request in flight as failed (timeout, reset, ...) and drops the socket. */
  fail(errorClass: keyof typeof ERROR_INDEX): void {
    const s = this.socket;
    this.socket = null;
    s?.destroy();
    if (!this.busy) return;
    const c = this.client;
    c.opts.acc.record((c.opts.now() - this.startMs) * 1000, this.status, ERROR_INDEX[errorClass], this.bytesIn, c.opts.request.length);
    this.finish(false);
  }

  private complete(): void {
    const c = this.client;
    this.served++;
    const ok = this.status >= 200 && this.status < 400;
    c.opts.acc.record((c.opts.now() - this.startMs) * 1000, this.status, ok ? -1 : ERROR_INDEX.status, this.bytesIn, c.opts.request.length);
    if (this.closeAfter) {
      const s = this.socket;
      this.socket = null;
      s?.destroy();
    }
    this.finish(ok);
  }

  private finish(ok: boolean): void {
    this.gen++;
    this.state = IDLE;
    this.busy = false;
    this.pendingHead = null;
    const done = this.done!;
    this.done = null;
    this.client.release(this);
    done(ok, this.status);
  }

  private onData(buf: Buffer, end: number): void {
    this.bytesIn += end;
    const gen = this.gen;
    let pos = 0;
    while (pos < end && this.gen === gen) {
      switch (this.state) {
        case HEAD: {
          if (this.pendingHead) {
            // Rare path: the head spans reads; join and parse from the copy.
            const joined = Buffer.concat([this.pendingHead, buf.subarray(pos, end)]);
            const at = joined.indexOf(CRLFCRLF);
            if (at < 0) {
              if (joined.length > MAX_HEAD_BYTES) return this.fail("protocol");
              this.pendingHead = joined;
              return;
            }
            this.pendingHead = null;
            const consumedFromBuf = at + 4 - (joined.length - (end - pos));
            if (!this.parseHead(joined, 0, at)) return this.fail("protocol");
            pos += consumedFromBuf;
            break;
          }
          const at = buf.indexOf(CRLFCRLF, pos);
          if (at < 0 || at >= end) {
            this.pendingHead = Buffer.from(buf.subarray(pos, end));
            return;
          }
          if (!this.parseHead(buf, pos, at)) return this.fail("protocol");
          pos = at + 4;
          break;
        }
        case BODY_LENGTH: {
          const take = Math.min(this.remaining, end - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case CHUNK_SIZE: {
          // Hex digits, optional extensions after ';', then CRLF; the line may span reads.
          for (; pos < end; pos++) {
            const ch = buf[pos]!;
            if (ch === 0x0a) {
              pos++;
              this.remaining = this.chunkSize;
              this.chunkSize = 0;
              this.chunkExt = false;
              this.lineLength = 0;
              this.state = this.remaining === 0 ? TRAILERS : CHUNK_DATA;
              break;
            }
            if (this.chunkExt) continue;
            const lc = ch | 0x20;
            const d = ch >= 0x30 && ch <= 0x39 ? ch - 0x30 : lc >= 0x61 && lc <= 0x66 ? lc - 0x57 : -1;
            if (d < 0) this.chunkExt = true;
            else this.chunkSize = this.chunkSize * 16 + d;
          }
          break;
        }
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, end - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) {
            this.state = CHUNK_DATA_END;
            this.remaining = 2;
          }
          break;
        }
        case CHUNK_DATA_END: {
          const take = Math.min(this.remaining, end - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) {
            this.state = CHUNK_SIZE;
            this.chunkSize = 0;
          }
          break;
        }
        case TRAILERS: {
          // Lines until an empty one: count characters per line, ignoring CR.
          for (; pos < end; pos++) {
            const ch = buf[pos]!;
            if (ch === 0x0a) {
              if (this.lineLength === 0) {
                pos++;
                this.complete();
                break;
              }
              this.lineLength = 0;
            } else if (ch !== 0x0d) this.lineLength++;
          }
          break;
        }
        case BODY_UNTIL_CLOSE:
          return;
        default:
          // Bytes while idle: the server sent what we did not ask for.
          return this.fail("protocol");
      }
    }
  }

  private chunkSize = 0;
  private chunkExt = false;
  private lineLength = 0;
  /** Bumped when a request ends: bytes left in a read after that belong to nothing we asked for. */
  private gen = 0;

  /** Parses the status line and the framing headers of buf[from, at) (at = the CRLFCRLF). */
  private parseHead(buf: Buffer, from: number, at: number): boolean {
    // "HTTP/1.1 200 OK"
    if (at - from < 12 || buf[from] !== 0x48 || buf[from + 4] !== 0x2f) return false;
    const s0 = buf[from + 9]! - 0x30;
    const s1 = buf[from + 10]! - 0x30;
    const s2 = buf[from + 11]! - 0x30;
    if (s0 < 1 || s0 > 9 || s1 < 0 || s1 > 9 || s2 < 0 || s2 > 9) return false;
    const status = s0 * 100 + s1 * 10 + s2;
    const http10 = buf[from + 7] === 0x30; // "HTTP/1.0"
    let contentLength = -1;
    let chunked = false;
    let close = http10;
    let lineStart = buf.indexOf(0x0a, from) + 1;
    while (lineStart > 0 && lineStart < at) {
      let lineEnd = buf.indexOf(0x0d, lineStart);
      if (lineEnd < 0 || lineEnd > at) lineEnd = at;
      const first = buf[lineStart]! | 0x20;
      if (first === 0x63 /* c */) {
        if (matchLower(buf, lineStart, lineEnd, H_CONTENT_LENGTH)) {
          let n = 0;
          for (let i = lineStart + H_CONTENT_LENGTH.length; i < lineEnd; i++) {
            const ch = buf[i]!;
            if (ch >= 0x30 && ch <= 0x39) n = n * 10 + (ch - 0x30);
          }
          contentLength = n;
        } else if (matchLower(buf, lineStart, lineEnd, H_CONNECTION)) {
          const v = lineStart + H_CONNECTION.length;
          if (valueHas(buf, v, lineEnd, W_CLOSE)) close = true;
          else if (http10 && valueHas(buf, v, lineEnd, W_KEEP_ALIVE)) close = false;
        }
      } else if (first === 0x74 /* t */ && matchLower(buf, lineStart, lineEnd, H_TRANSFER_ENCODING)) {
        chunked = valueHas(buf, lineStart + H_TRANSFER_ENCODING.length, lineEnd, W_CHUNKED);
      }
      lineStart = lineEnd + 2;
    }
    if (status >= 100 && status < 200 && status !== 101) {
      // An interim response (100 Continue): the real one follows.
      this.state = HEAD;
      return true;
    }
    this.status = status;
    this.closeAfter = close;
    this.noBody = this.client.opts.isHead || status === 204 || status === 304;
    if (this.noBody || (contentLength === 0 && !chunked)) {
      this.complete();
    } else if (chunked) {
      this.state = CHUNK_SIZE;
      this.chunkSize = 0;
      this.remaining = 0;
    } else if (contentLength > 0) {
      this.state = BODY_LENGTH;
      this.remaining = contentLength;
    } else {
      this.state = BODY_UNTIL_CLOSE;
      this.closeAfter = true;
    }
    return true;
  }
}

/** Maps a socket error code to an error class. */
export function classifyCode(code: string | undefined): keyof typeof ERROR_INDEX {
  switch (code) {
    case "ECONNREFUSED":
      return "refused";
    case "ECONNRESET":
    case "EPIPE":
    case "ECONNABORTED":
    case undefined:
      return "reset";
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return "dns";
    case "ETIMEDOUT":
      return "timeout";
    default:
      return "other";
  }
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
