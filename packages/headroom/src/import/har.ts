// A HAR recording (the browser's "Save all as HAR", a proxy's export) → the operations a scenario
// requests: the recorded API calls to the most requested origin, grouped by method and path
// (ids in paths folded to [id]), each weighted by how often it was recorded. Static files and
// other origins (CDNs, analytics) are left out; cookies and credentials are never copied.
import { HeadroomError } from "../core/errors.js";
import { MAX_OPERATIONS, type ApiAuth, type LearnedApi, type Operation } from "./operations.js";

interface HarHeader {
  name: string;
  value: string;
}

interface HarEntry {
  request: { method: string; url: string; headers?: HarHeader[]; postData?: { mimeType?: string; text?: string } };
}

const STATIC = /\.(js|mjs|css|map|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf|eot|mp4|webm|mp3|pdf|html?)$/i;
/** Headers worth replaying; everything else (cookies, authorization, browser noise) is dropped. */
const KEEP_HEADERS = ["accept", "content-type", "accept-language"];

/** "/users/1234/posts/5f3c...": numbers, UUIDs and long hex or base64-ish ids become [id]. */
export function pathTemplate(path: string): string {
  return path
    .split("/")
    .map((seg) => (/^\d+$/.test(seg) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg) || /^[0-9a-f]{16,}$/i.test(seg) || (/^[A-Za-z0-9_-]{20,}$/.test(seg) && /\d/.test(seg)) ? "[id]" : seg))
    .join("/");
}

export function isHar(doc: unknown): boolean {
  return typeof doc === "object" && doc !== null && Array.isArray((doc as { log?: { entries?: unknown } }).log?.entries);
}

export function operationsFromHar(doc: unknown, source: string): LearnedApi {
  if (!isHar(doc)) throw new HeadroomError("HR_CONFIG_INVALID", `${source} is not a HAR recording (no log.entries)`, "save the recording with your browser's developer tools (Network → Save all as HAR), or pass an OpenAPI document");
  const entries = ((doc as { log: { entries: HarEntry[] } }).log.entries ?? []).filter((e) => e?.request && typeof e.request.url === "string" && /^https?:/.test(e.request.url));
  const api = entries.filter((e) => !STATIC.test(new URL(e.request.url).pathname));
  const origins = new Map<string, number>();
  for (const e of api) origins.set(new URL(e.request.url).origin, (origins.get(new URL(e.request.url).origin) ?? 0) + 1);
  const origin = [...origins.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const groups = new Map<string, Operation>();
  let auth: ApiAuth | undefined;
  for (const e of api) {
    const url = new URL(e.request.url);
    if (url.origin !== origin) continue;
    const method = e.request.method.toUpperCase();
    const key = `${method} ${pathTemplate(url.pathname)}`;
    if ((e.request.headers ?? []).some((h) => h.name.toLowerCase() === "authorization" && /^bearer /i.test(h.value))) auth = { kind: "bearer" };
    const seen = groups.get(key);
    if (seen) {
      seen.weight += 1;
      continue;
    }
    const kept = (e.request.headers ?? []).filter((h) => KEEP_HEADERS.includes(h.name.toLowerCase()));
    const headers = Object.fromEntries(kept.map((h) => [h.name.toLowerCase(), h.value]));
    const op: Operation = { method, path: url.pathname + url.search, name: pathTemplate(url.pathname), weight: 1 };
    const text = e.request.postData?.text;
    if (text !== undefined && text !== "" && method !== "GET") {
      try {
        op.json = JSON.parse(text);
        delete headers["content-type"];
      } catch {
        op.body = text;
      }
    }
    if (Object.keys(headers).length > 0) op.headers = headers;
    groups.set(key, op);
  }
  const operations = [...groups.values()].sort((a, b) => b.weight - a.weight);
  const notes: string[] = [];
  const skipped = entries.length - api.length;
  if (skipped > 0) notes.push(`${skipped} static file request${skipped > 1 ? "s" : ""} left out`);
  const others = api.filter((e) => new URL(e.request.url).origin !== origin).length;
  if (others > 0) notes.push(`${others} request${others > 1 ? "s" : ""} to other origins left out (the scenario targets ${origin})`);
  if (operations.length > MAX_OPERATIONS) notes.push(`${operations.length} distinct requests recorded: the ${MAX_OPERATIONS} most frequent were written`);
  if (operations.length === 0) notes.push("the recording has no API requests: the scenario requests / only");
  notes.push("cookies and credentials in the recording were not copied");
  return { source, ...(origin ? { server: origin } : {}), operations: operations.slice(0, MAX_OPERATIONS), ...(auth ? { auth } : {}), notes };
}
