// The response head as the raw client needs it: the status line and the three framing headers
// (Content-Length, Transfer-Encoding: chunked, Connection: close), read in place from the read
// buffer into a ResponseHead each connection owns, so parsing a head allocates nothing.

export const CRLFCRLF = Buffer.from("\r\n\r\n");
/** Headers bigger than this are a protocol error (a runaway or non-HTTP peer). */
export const MAX_HEAD_BYTES = 64 * 1024;

const H_CONTENT_LENGTH = Buffer.from("content-length:");
const H_CONNECTION = Buffer.from("connection:");
const H_TRANSFER_ENCODING = Buffer.from("transfer-encoding:");
const W_CLOSE = Buffer.from("close");
const W_KEEP_ALIVE = Buffer.from("keep-alive");
const W_CHUNKED = Buffer.from("chunked");

/** Case-insensitive match of a lower-case ASCII name at buf[pos]. */
function matchLower(buf: Buffer, pos: number, end: number, name: Buffer): boolean {
  if (end - pos < name.length) return false;
  for (let i = 0; i < name.length; i++) if ((buf[pos + i]! | 0x20) !== name[i]) return false;
  return true;
}

/** Whether buf[from, to) contains `word` (lower-case ASCII), case-insensitively; no allocation. */
function valueHas(buf: Buffer, from: number, to: number, word: Buffer): boolean {
  for (let i = from; i + word.length <= to; i++) if (matchLower(buf, i, to, word)) return true;
  return false;
}

/** What framing needs from one response head; a connection reuses one for all its responses. */
export interface ResponseHead {
  status: number;
  /** -1 when absent. */
  contentLength: number;
  chunked: boolean;
  /** The server closes the connection after this response (Connection: close, or HTTP/1.0 without keep-alive). */
  close: boolean;
}

/** The decimal digits of buf[from, to) as a number (spaces skipped). */
function decimalAt(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const ch = buf[i]!;
    if (ch >= 0x30 && ch <= 0x39) n = n * 10 + (ch - 0x30);
  }
  return n;
}

/** Reads one header line buf[lineStart, lineEnd) into `head` when it is a framing header. */
function readFramingHeader(buf: Buffer, lineStart: number, lineEnd: number, http10: boolean, head: ResponseHead): void {
  const first = buf[lineStart]! | 0x20;
  if (first === 0x63 /* c */) {
    if (matchLower(buf, lineStart, lineEnd, H_CONTENT_LENGTH)) {
      head.contentLength = decimalAt(buf, lineStart + H_CONTENT_LENGTH.length, lineEnd);
    } else if (matchLower(buf, lineStart, lineEnd, H_CONNECTION)) {
      const v = lineStart + H_CONNECTION.length;
      if (valueHas(buf, v, lineEnd, W_CLOSE)) head.close = true;
      else if (http10 && valueHas(buf, v, lineEnd, W_KEEP_ALIVE)) head.close = false;
    }
  } else if (first === 0x74 /* t */ && matchLower(buf, lineStart, lineEnd, H_TRANSFER_ENCODING)) {
    head.chunked = valueHas(buf, lineStart + H_TRANSFER_ENCODING.length, lineEnd, W_CHUNKED);
  }
}

/**
 * Parses the status line and the framing headers of buf[from, at) (at = the CRLFCRLF) into
 * `head`. Returns false when the status line is not HTTP's.
 */
export function parseResponseHead(buf: Buffer, from: number, at: number, head: ResponseHead): boolean {
  // "HTTP/1.1 200 OK"
  if (at - from < 12 || buf[from] !== 0x48 || buf[from + 4] !== 0x2f) return false;
  const s0 = buf[from + 9]! - 0x30;
  const s1 = buf[from + 10]! - 0x30;
  const s2 = buf[from + 11]! - 0x30;
  if (s0 < 1 || s0 > 9 || s1 < 0 || s1 > 9 || s2 < 0 || s2 > 9) return false;
  head.status = s0 * 100 + s1 * 10 + s2;
  const http10 = buf[from + 7] === 0x30; // "HTTP/1.0"
  head.contentLength = -1;
  head.chunked = false;
  head.close = http10;
  let lineStart = buf.indexOf(0x0a, from) + 1;
  while (lineStart > 0 && lineStart < at) {
    let lineEnd = buf.indexOf(0x0d, lineStart);
    if (lineEnd < 0 || lineEnd > at) lineEnd = at;
    readFramingHeader(buf, lineStart, lineEnd, http10, head);
    lineStart = lineEnd + 2;
  }
  return true;
}

/** The value of one hex digit (of a chunk size), or -1 for anything else. */
export function hexDigit(ch: number): number {
  const lc = ch | 0x20;
  return ch >= 0x30 && ch <= 0x39 ? ch - 0x30 : lc >= 0x61 && lc <= 0x66 ? lc - 0x57 : -1;
}
