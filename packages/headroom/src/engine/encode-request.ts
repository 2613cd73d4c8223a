// The request bytes of a single-URL run, encoded once before the run and written as they are for
// every request (raw-http.ts).

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
