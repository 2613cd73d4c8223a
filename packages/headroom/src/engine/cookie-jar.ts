// A per-user cookie jar: enough for session cookies (name=value, deleted by Max-Age=0 or an
// expiry in the past). Domains and paths are not tracked: a virtual user talks to one platform.
import type { CookieJar } from "../plan/scenario-api.js";

export class SimpleCookieJar implements CookieJar {
  private readonly values = new Map<string, string>();

  get(name: string): string | undefined {
    return this.values.get(name);
  }
  set(name: string, value: string): void {
    this.values.set(name, value);
  }
  delete(name: string): void {
    this.values.delete(name);
  }
  clear(): void {
    this.values.clear();
  }

  /** The Cookie header value, or undefined when the jar is empty. */
  header(): string | undefined {
    if (this.values.size === 0) return undefined;
    return [...this.values].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** Takes the Set-Cookie header(s) of a response. */
  absorb(setCookie: string | string[] | undefined, nowMs = Date.now()): void {
    if (!setCookie) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      let expired = false;
      for (const a of attrs) {
        const [k, v = ""] = a.split("=");
        const key = k!.trim().toLowerCase();
        if (key === "max-age" && Number(v) <= 0) expired = true;
        if (key === "expires" && Date.parse(v) < nowMs) expired = true;
      }
      if (expired) this.values.delete(name);
      else this.values.set(name, value);
    }
  }
}
