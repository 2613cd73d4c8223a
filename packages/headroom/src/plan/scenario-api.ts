// The scenario API: what a scenario file imports from "headroom". A scenario is a set of user
// classes (Locust's HttpUser): each has a weight (its share of the users), a wait strategy,
// weighted tasks, an optional onStart, and per-user state. Requests are named (one name for many
// URLs), and a check per request decides what counts as success.
import type { ErrorClass } from "../core/types.js";
import type { Profile } from "./profile.js";
import type { WaitSpec } from "./wait.js";

export type QueryValue = string | number | boolean | undefined | null;

/** Which statuses count as success: a list, or a predicate. Default: 200-399. */
export type AcceptStatus = readonly number[] | ((status: number) => boolean);

export interface RequestOptions {
  /** The name in reports; many URLs can share one, e.g. "/api/stories/[slug]". Default: the path without its query. */
  name?: string;
  query?: Record<string, QueryValue | readonly QueryValue[]>;
  headers?: Record<string, string>;
  /** Sent as JSON with content-type application/json. */
  json?: unknown;
  body?: string | Uint8Array;
  /** Statuses that count as success for this request (a 429 can be expected). */
  accept?: AcceptStatus;
  /** Decides success from the response: false, or a string (the reason), marks it failed ("check"). */
  check?(res: HttpResponse): boolean | string | void;
  timeoutMs?: number;
}

export interface HttpResponse {
  /** HTTP status, or 0 when no response arrived (see `error`). */
  status: number;
  /** The request counted as a success (status accepted, check passed). */
  ok: boolean;
  /** Why it failed, when it did. */
  error?: ErrorClass;
  errorMessage?: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON; throws when it is not JSON. */
  json<T = unknown>(): T;
  latencyMs: number;
}

export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
  clear(): void;
}

/** Thrown by `user.skip()`: the task lacked its data; the engine picks another task at once. */
export class SkipTask extends Error {
  constructor(reason = "skipped") {
    super(reason);
    this.name = "SkipTask";
  }
}

/** One virtual user, as tasks see it. `S` is the per-user state, `H` what the scenario's setup returned. */
export interface VirtualUser<S = Record<string, unknown>, H = unknown> {
  /** Global index in start order (0-based), the same whatever the worker count. */
  readonly index: number;
  /** Index among the users of this class (0-based): use it to give each user a different token. */
  readonly classIndex: number;
  readonly className: string;
  readonly baseUrl: string;
  readonly vars: Readonly<Record<string, string>>;
  /** What the scenario's `setup` returned (once per worker process). */
  readonly shared: H;
  state: S;
  /** Headers this user sends with every request (e.g. its Authorization, set in onStart). */
  headers: Record<string, string>;
  readonly cookies: CookieJar;
  /** Uniform in [0, 1), from the run's seeded generator. */
  random(): number;
  /** A random element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** Skips the current task: another one is picked at once. */
  skip(reason?: string): never;
  request(method: string, path: string, opts?: RequestOptions): Promise<HttpResponse>;
  get(path: string, opts?: RequestOptions): Promise<HttpResponse>;
  post(path: string, opts?: RequestOptions): Promise<HttpResponse>;
  put(path: string, opts?: RequestOptions): Promise<HttpResponse>;
  patch(path: string, opts?: RequestOptions): Promise<HttpResponse>;
  delete(path: string, opts?: RequestOptions): Promise<HttpResponse>;
}

export interface TaskDef<S = Record<string, unknown>, H = unknown> {
  name: string;
  /** Relative weight: a task of weight 10 runs ten times as often as one of weight 1. */
  weight: number;
  // Method syntax on purpose: it keeps classes with different state types assignable to one list.
  run(user: VirtualUser<S, H>): Promise<void> | void;
}

export interface UserClassDef<S = Record<string, unknown>, H = unknown> {
  name: string;
  /** Share of the users, relative to the other classes (70/25/4/1). */
  weight: number;
  wait: WaitSpec;
  tasks: readonly TaskDef<S, H>[];
  /** A fresh state for each user. */
  state?(): S;
  onStart?(user: VirtualUser<S, H>): Promise<void> | void;
  onStop?(user: VirtualUser<S, H>): Promise<void> | void;
  /** Headers sent with every request of this class. */
  headers?: Record<string, string>;
  /** Statuses that count as success for this class's requests (unless a request says otherwise). */
  accept?: AcceptStatus;
}

export interface SetupContext {
  baseUrl: string;
  vars: Readonly<Record<string, string>>;
}

export interface ScenarioDef<H = unknown> {
  name: string;
  description?: string;
  /** Runs once per worker process before any user starts, e.g. to read a tokens file named by a var. */
  setup?(ctx: SetupContext): Promise<H> | H;
  // `unknown` state: each class keeps its own state type (task methods are checked bivariantly).
  classes: readonly UserClassDef<unknown, H>[];
  defaults?: { headers?: Record<string, string>; accept?: AcceptStatus; timeoutMs?: number };
  /** Base URL used when neither --host nor runTest's baseUrl gives one. */
  host?: string;
}

/** A loaded scenario: the definition plus where it came from (workers load it again by path). */
export interface Scenario<H = unknown> extends ScenarioDef<H> {
  readonly kind: "headroom.scenario";
  /** Absolute path of the file it was loaded from; absent for scenarios built in memory. */
  sourcePath?: string;
  /** Named profiles the file exports as `profiles` (run one with --profile NAME). */
  profiles?: Record<string, Profile>;
}

/** Declares a scenario (the default export of a scenario file). */
export function scenario<H = unknown>(def: ScenarioDef<H>): Scenario<H> {
  return { ...def, kind: "headroom.scenario" };
}

/** Declares a user class; `S` is the per-user state type, `H` the type `setup` returns. */
export function userClass<S = Record<string, unknown>, H = unknown>(def: UserClassDef<S, H>): UserClassDef<S, H> {
  return def;
}

/** A weighted task. */
export function task<S = Record<string, unknown>, H = unknown>(name: string, weight: number, run: TaskDef<S, H>["run"]): TaskDef<S, H> {
  return { name, weight, run };
}

export function isScenario(v: unknown): v is Scenario {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "headroom.scenario";
}

/** Whether a status counts as success under an accept rule (default 200-399). */
export function statusAccepted(status: number, accept: AcceptStatus | undefined): boolean {
  if (accept === undefined) return status >= 200 && status < 400;
  return typeof accept === "function" ? accept(status) : accept.includes(status);
}

/** Accepts 2xx/3xx plus the given statuses, e.g. `acceptAlso(429)` when rate limiting is expected. */
export function acceptAlso(...statuses: number[]): (status: number) => boolean {
  return (status) => (status >= 200 && status < 400) || statuses.includes(status);
}
