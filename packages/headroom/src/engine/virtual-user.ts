// The `VirtualUser` a scenario's tasks receive: its class, state, headers and cookies, the
// request helpers (which record through the scenario HTTP client), random draws and skip().
import { SkipTask, type HttpResponse, type RequestOptions, type VirtualUser } from "../plan/scenario-api.js";
import type { Rng } from "../core/rng.js";
import { SimpleCookieJar } from "./cookie-jar.js";
import type { ClassAccumulator } from "./recorder.js";
import { sendRequest, type HttpContext, type PoolSet } from "./scenario-http.js";
import type { EffectiveClass } from "./scenario-classes.js";

/** What every user of a workload shares: the draws, the HTTP client and pools, its class's accumulator, default headers. */
export interface UserEnv {
  rng: Rng;
  http: HttpContext;
  pools: PoolSet;
  classAcc: ClassAccumulator;
  headers: Record<string, string>;
}

export class ScenarioUser implements VirtualUser<unknown, unknown> {
  state: unknown;
  headers: Record<string, string> = {};
  readonly cookies = new SimpleCookieJar();
  /** Open model: the first request of the iteration counts from this due time. */
  dueMs: number | undefined;

  constructor(
    readonly index: number,
    readonly classIndex: number,
    readonly cls: EffectiveClass,
    readonly baseUrl: string,
    readonly vars: Readonly<Record<string, string>>,
    readonly shared: unknown,
    private readonly env: UserEnv,
  ) {
    this.state = cls.def.state ? cls.def.state() : {};
  }

  get className(): string {
    return this.cls.name;
  }
  random(): number {
    return this.env.rng.next();
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick() needs a non-empty list");
    return items[Math.floor(this.env.rng.next() * items.length)]!;
  }
  skip(reason?: string): never {
    throw new SkipTask(reason);
  }
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const startMs = this.dueMs ?? this.env.http.clock.now();
    this.dueMs = undefined;
    const headers = { ...this.env.headers, ...this.cls.def.headers, ...this.headers, ...opts.headers };
    const cookie = this.cookies.header();
    if (cookie && !headers.cookie && !headers.Cookie) headers.cookie = cookie;
    const res = await sendRequest(this.env.http, this.env.pools, {
      method: method.toUpperCase(),
      path,
      opts,
      startMs,
      headers,
      accept: this.cls.def.accept ?? this.env.http.defaults.accept,
      classAcc: this.env.classAcc,
    });
    this.cookies.absorb(res.headers["set-cookie"]);
    return res;
  }
  get(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request("GET", path, opts);
  }
  post(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request("POST", path, opts);
  }
  put(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request("PUT", path, opts);
  }
  patch(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request("PATCH", path, opts);
  }
  delete(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request("DELETE", path, opts);
  }
}
