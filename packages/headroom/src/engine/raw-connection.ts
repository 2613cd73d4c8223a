// One keep-alive connection of the raw client (raw-http.ts) with its response parser: a state
// machine over net's shared read buffer, one method per state, no promise or allocation per
// request (the head that spans reads is the one rare copy).
import { connect, type Socket } from "node:net";
import { ERROR_INDEX } from "./recorder.js";
import { classifyCode } from "./classify-code.js";
import { CRLFCRLF, hexDigit, MAX_HEAD_BYTES, parseResponseHead, type ResponseHead } from "./http-head.js";
import type { RawClient } from "./raw-http.js";

/** Called when a request completes (after it was recorded); `status` is 0 when no response came. */
export type RawDone = (ok: boolean, status: number) => void;

// Parser states.
const IDLE = 0;
const HEAD = 1;
const BODY_LENGTH = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_DATA_END = 5;
const TRAILERS = 6;
const BODY_UNTIL_CLOSE = 7;

/** `step`'s answer when the rest of a read is not to be parsed (the request ended or failed). */
const STOP = -1;

const SHARED_READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

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
  private pendingHead: Buffer | null = null;
  private errorCode: string | undefined;
  private chunkSize = 0;
  private chunkExt = false;
  private lineLength = 0;
  /** Bumped when a request ends: bytes left in a read after that belong to nothing we asked for. */
  private gen = 0;
  private readonly head: ResponseHead = { status: 0, contentLength: -1, chunked: false, close: false };

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
    while (pos !== STOP && pos < end && this.gen === gen) pos = this.step(buf, pos, end);
  }

  /** Parses buf[pos, end) in the current state; returns where parsing goes on, or STOP. */
  private step(buf: Buffer, pos: number, end: number): number {
    switch (this.state) {
      case HEAD:
        return this.pendingHead ? this.readSplitHead(buf, pos, end) : this.readHead(buf, pos, end);
      case BODY_LENGTH: {
        pos = this.skipRemaining(pos, end);
        if (this.remaining === 0) this.complete();
        return pos;
      }
      case CHUNK_SIZE:
        return this.readChunkSize(buf, pos, end);
      case CHUNK_DATA: {
        pos = this.skipRemaining(pos, end);
        if (this.remaining === 0) {
          this.state = CHUNK_DATA_END;
          this.remaining = 2;
        }
        return pos;
      }
      case CHUNK_DATA_END: {
        pos = this.skipRemaining(pos, end);
        if (this.remaining === 0) {
          this.state = CHUNK_SIZE;
          this.chunkSize = 0;
        }
        return pos;
      }
      case TRAILERS:
        return this.readTrailers(buf, pos, end);
      case BODY_UNTIL_CLOSE:
        return STOP;
      default:
        // Bytes while idle: the server sent what we did not ask for.
        this.fail("protocol");
        return STOP;
    }
  }

  /** Consumes up to `remaining` bytes of buf[pos, end); returns the position after them. */
  private skipRemaining(pos: number, end: number): number {
    const take = Math.min(this.remaining, end - pos);
    this.remaining -= take;
    return pos + take;
  }

  /** The head within one read, or its start kept for the next read. */
  private readHead(buf: Buffer, pos: number, end: number): number {
    const at = buf.indexOf(CRLFCRLF, pos);
    if (at < 0 || at >= end) {
      this.pendingHead = Buffer.from(buf.subarray(pos, end));
      return STOP;
    }
    if (!this.onHead(buf, pos, at)) return this.failProtocol();
    return at + 4;
  }

  /** Rare path: the head spans reads; join and parse from the copy. */
  private readSplitHead(buf: Buffer, pos: number, end: number): number {
    const joined = Buffer.concat([this.pendingHead!, buf.subarray(pos, end)]);
    const at = joined.indexOf(CRLFCRLF);
    if (at < 0) {
      if (joined.length > MAX_HEAD_BYTES) return this.failProtocol();
      this.pendingHead = joined;
      return STOP;
    }
    this.pendingHead = null;
    const consumedFromBuf = at + 4 - (joined.length - (end - pos));
    if (!this.onHead(joined, 0, at)) return this.failProtocol();
    return pos + consumedFromBuf;
  }

  private failProtocol(): number {
    this.fail("protocol");
    return STOP;
  }

  /** Hex digits, optional extensions after ';', then CRLF; the line may span reads. */
  private readChunkSize(buf: Buffer, pos: number, end: number): number {
    for (; pos < end; pos++) {
      const ch = buf[pos]!;
      if (ch === 0x0a) {
        this.remaining = this.chunkSize;
        this.chunkSize = 0;
        this.chunkExt = false;
        this.lineLength = 0;
        this.state = this.remaining === 0 ? TRAILERS : CHUNK_DATA;
        return pos + 1;
      }
      if (this.chunkExt) continue;
      const d = hexDigit(ch);
      if (d < 0) this.chunkExt = true;
      else this.chunkSize = this.chunkSize * 16 + d;
    }
    return pos;
  }

  /** Lines until an empty one: count characters per line, ignoring CR. */
  private readTrailers(buf: Buffer, pos: number, end: number): number {
    for (; pos < end; pos++) {
      const ch = buf[pos]!;
      if (ch === 0x0a) {
        if (this.lineLength === 0) {
          this.complete();
          return pos + 1;
        }
        this.lineLength = 0;
      } else if (ch !== 0x0d) this.lineLength++;
    }
    return pos;
  }

  /** Takes a parsed head: the framing of the body that follows, or the end of the response. */
  private onHead(buf: Buffer, from: number, at: number): boolean {
    const head = this.head;
    if (!parseResponseHead(buf, from, at, head)) return false;
    const status = head.status;
    if (status >= 100 && status < 200 && status !== 101) {
      // An interim response (100 Continue): the real one follows.
      this.state = HEAD;
      return true;
    }
    this.status = status;
    this.closeAfter = head.close;
    const noBody = this.client.opts.isHead || status === 204 || status === 304;
    if (noBody || (head.contentLength === 0 && !head.chunked)) {
      this.complete();
    } else if (head.chunked) {
      this.state = CHUNK_SIZE;
      this.chunkSize = 0;
      this.remaining = 0;
    } else if (head.contentLength > 0) {
      this.state = BODY_LENGTH;
      this.remaining = head.contentLength;
    } else {
      this.state = BODY_UNTIL_CLOSE;
      this.closeAfter = true;
    }
    return true;
  }
}
