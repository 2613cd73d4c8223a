// The scenario workload: virtual users of weighted classes running weighted tasks with waits.
// User i's class comes from striping the class weights (segments.ts), so the mix is exact for
// any number of users and the same whatever the worker count. A task that calls `skip()` is
// replaced at once by another; a task that throws is reported (once per distinct message) and
// the user goes on; an `onStart` that throws stops the run: it is a bug in the scenario.
import { HeadroomError } from "../core/errors.js";
import type { Profile } from "../plan/profile.js";
import { SkipTask, type HttpResponse, type RequestOptions, type Scenario, type TaskDef, type UserClassDef, type VirtualUser } from "../plan/scenario-api.js";
import { describeWait, nextWaitMs, type WaitSpec } from "../plan/wait.js";
import type { Rng } from "../core/rng.js";
import type { Clock } from "../core/clock.js";
import { SimpleCookieJar } from "./cookie-jar.js";
import type { ClassAccumulator, Recorder } from "./recorder.js";
import { PoolSet, sendRequest, type HttpContext } from "./scenario-http.js";
import { WeightedPartition } from "./segments.js";
import { WakeHeap, type Sleeper } from "./wake-heap.js";
import type { UserHandle, Workload } from "./workload.js";

/** A class as this profile runs it: weights and waits after the profile's overrides. */
export interface EffectiveClass {
  def: UserClassDef<unknown, unknown>;
  name: string;
  weight: number;
  wait: WaitSpec;
  tasks: { def: TaskDef<unknown, unknown>; weight: number }[];
}

/** Applies a profile's class weights and overrides; returns the classes with weight > 0. */
export function effectiveClasses(scenario: Scenario, profile: Pick<Profile, "classWeights" | "classOverrides">): EffectiveClass[] {
  const out: EffectiveClass[] = [];
  for (const def of scenario.classes) {
    const weight = profile.classWeights ? (profile.classWeights[def.name] ?? 0) : def.weight;
    if (!(weight > 0)) continue;
    const o = profile.classOverrides?.[def.name];
    const tasks = def.tasks.map((t) => ({ def: t, weight: o?.taskWeights?.[t.name] ?? t.weight })).filter((t) => t.weight > 0);
    out.push({ def, name: def.name, weight, wait: o?.wait ?? def.wait, tasks });
  }
  return out;
}

/** The classes as a profile runs them, for the manifest's plan: name, weight (share) and wait. */
export function describeClasses(scenario: Scenario, profile: Pick<Profile, "classWeights" | "classOverrides">): { name: string; weight: number; wait: string }[] {
  return effectiveClasses(scenario, profile).map((c) => ({ name: c.name, weight: c.weight, wait: describeWait(c.wait) }));
}

const NONE_SKIPPED: ReadonlySet<number> = new Set();

/** Draws a task by weight, leaving out those already skipped this round. */
export function pickTask<T extends { weight: number }>(tasks: readonly T[], skipped: ReadonlySet<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < tasks.length; i++) if (!skipped.has(i)) total += tasks[i]!.weight;
  if (total <= 0) return -1;
  let r = rng.next() * total;
  for (let i = 0; i < tasks.length; i++) {
    if (skipped.has(i)) continue;
    r -= tasks[i]!.weight;
    if (r < 0) return i;
  }
  for (let i = tasks.length - 1; i >= 0; i--) if (!skipped.has(i)) return i;
  return -1;
}

/** Where a scenario error happened: the first stack frame outside headroom's engine. */
export function errorLocation(e: unknown): string {
  const stack = (e as Error)?.stack ?? "";
  for (const line of stack.split("\n").slice(1)) {
    if (line.includes("/headroom/src/engine/") || line.includes("node:") || line.includes("node_modules")) continue;
    const m = /\(?((?:file:\/\/)?\/[^()]+:\d+:\d+)\)?\s*$/.exec(line.trim());
    if (m) return m[1]!.replace(/^file:\/\//, "");
  }
  return "";
}

interface ScenarioWorkloadOptions {
  scenario: Scenario;
  profile: Profile;
  recorder: Recorder;
  clock: Clock;
  rng: Rng;
  timeoutMs: number;
  vars: Record<string, string>;
  baseUrl: string | undefined;
  onWarning: ((message: string) => void) | undefined;
  /** Called when the scenario cannot go on (onStart threw); the run stops and reports it. */
  onFatal?(error: HeadroomError): void;
  /** Open model: users created here get indexes index0 + k * stride (distinct across workers). */
  index0?: number;
  stride?: number;
}

class User implements VirtualUser<unknown, unknown> {
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
    private readonly env: { rng: Rng; http: HttpContext; pools: PoolSet; classAcc: ClassAccumulator; headers: Record<string, string> },
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

export async function scenarioWorkload(opts: ScenarioWorkloadOptions): Promise<Workload> {
  const { scenario, clock, rng, recorder } = opts;
  const classes = effectiveClasses(scenario, opts.profile);
  if (classes.length === 0) {
    throw new HeadroomError("HR_SCENARIO_INVALID", `scenario "${scenario.name}" has no user class with a weight above 0 for profile "${opts.profile.name}"`, "give at least one class a positive weight (in the scenario or the profile's classWeights)");
  }
  const baseUrl = opts.baseUrl ?? scenario.host;
  if (!baseUrl) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", `scenario "${scenario.name}" has no host to send requests to`, "pass --host http://host:port (or set `host` in the scenario)");
  }
  let shared: unknown;
  try {
    shared = scenario.setup ? await scenario.setup({ baseUrl, vars: opts.vars }) : undefined;
  } catch (e) {
    if (e instanceof HeadroomError) throw e;
    const where = errorLocation(e);
    throw new HeadroomError("HR_SCENARIO_FAILED", `scenario "${scenario.name}": setup threw: ${(e as Error)?.message ?? String(e)}${where ? ` (at ${where})` : ""}`, "fix the scenario's setup (a missing --var? an unreadable file?) and run again", { cause: e });
  }
  const split = new WeightedPartition(classes.map((c) => c.weight));
  const pools = new PoolSet(opts.timeoutMs, () => clock.now());
  const http: HttpContext = { baseUrl, clock, recorder, timeoutMs: opts.timeoutMs, defaults: { ...(scenario.defaults?.headers ? { headers: scenario.defaults.headers } : {}), ...(scenario.defaults?.accept ? { accept: scenario.defaults.accept } : {}) } };
  const classAccs = classes.map((c) => recorder.userClass(c.name));
  const heap = new WakeHeap(clock);
  const live = classes.map(() => 0);
  const warned = new Map<string, number>();
  let fatal: HeadroomError | undefined;
  let inFlight = 0;

  const warn = (key: string, message: string): void => {
    const n = (warned.get(key) ?? 0) + 1;
    warned.set(key, n);
    if (n === 1 && warned.size <= 20) opts.onWarning?.(message);
  };

  const makeUser = (index: number, k: number, classIndex: number): User =>
    new User(index, classIndex, classes[k]!, baseUrl, opts.vars, shared, { rng, http, pools, classAcc: classAccs[k]!, headers: scenario.defaults?.headers ?? {} });

  const onStartFailed = (u: User, e: unknown): void => {
    if (fatal) return;
    const where = errorLocation(e);
    fatal = new HeadroomError(
      "HR_SCENARIO_FAILED",
      `scenario "${scenario.name}": onStart of ${u.className} threw for user ${u.index}: ${(e as Error)?.message ?? String(e)}${where ? ` (at ${where})` : ""}`,
      "fix onStart in the scenario file (it runs once per user before its tasks; a failed request there does not throw unless your code throws)",
      { cause: e },
    );
    opts.onFatal?.(fatal);
  };

  /** Runs one task: skipped tasks are replaced at once; returns false when every task skipped. */
  const runOneTask = async (u: User): Promise<boolean> => {
    const tasks = u.cls.tasks;
    let skipped: Set<number> | undefined;
    for (;;) {
      const i = pickTask(tasks, skipped ?? NONE_SKIPPED, rng);
      if (i < 0) return false;
      const t = tasks[i]!;
      try {
        inFlight++;
        await t.def.run(u);
        return true;
      } catch (e) {
        if (e instanceof SkipTask) {
          (skipped ??= new Set()).add(i);
          continue;
        }
        const msg = (e as Error)?.message ?? String(e);
        const where = errorLocation(e);
        warn(`${u.className}.${t.def.name}: ${msg}`, `task ${u.className}.${t.def.name} threw: ${msg}${where ? ` (at ${where})` : ""}; the user goes on with its next task`);
        return true;
      } finally {
        inFlight--;
      }
    }
  };

  // Open model: idle users per class, reused across arrivals.
  const idle: User[][] = classes.map(() => []);
  const createdByClass = classes.map(() => 0);
  let iterations = 0;
  let created = 0;

  return {
    startUser(index): UserHandle {
      const k = split.partOf(index);
      const u = makeUser(index, k, split.countIn(k, index));
      live[k]!++;
      const loop = new UserLoop(u, {
        clock,
        heap,
        rng,
        runOneTask,
        isFatal: () => fatal !== undefined,
        onStartFailed,
        onStopFailed: (e) => warn(`${u.className}.onStop`, `onStop of ${u.className} threw: ${(e as Error)?.message ?? String(e)}`),
        ended: () => live[k]!--,
        stagger: opts.profile.staggerStart === true,
      });
      loop.start();
      return loop;
    },
    startIteration(dueMs, done) {
      const k = split.partOf(iterations++);
      let u = idle[k]!.pop();
      const run = async (): Promise<void> => {
        if (!u) {
          const index = (opts.index0 ?? 0) + created++ * (opts.stride ?? 1);
          u = makeUser(index, k, createdByClass[k]!++);
          live[k]!++;
          if (u.cls.def.onStart) {
            try {
              await u.cls.def.onStart(u);
            } catch (e) {
              onStartFailed(u, e);
              return;
            }
          }
        }
        u.dueMs = dueMs;
        await runOneTask(u);
        u.dueMs = undefined;
        idle[k]!.push(u);
      };
      void run().finally(done);
    },
    inFlight: () => inFlight,
    beforeFlush() {
      for (let k = 0; k < classes.length; k++) classAccs[k]!.users = live[k]!;
    },
    async close() {
      heap.stop();
      await pools.close();
    },
  };
}

interface LoopEnv {
  clock: Clock;
  heap: WakeHeap;
  rng: Rng;
  runOneTask(u: User): Promise<boolean>;
  isFatal(): boolean;
  onStartFailed(u: User, e: unknown): void;
  onStopFailed(e: unknown): void;
  ended(): void;
  /** Begin with a pause of a uniform fraction of one wait (Profile.staggerStart). */
  stagger?: boolean;
}

/**
 * One closed-model user: onStart, then task, wait, task, ... until stopped. Driven by callbacks
 * and the wake heap rather than an async loop, so a waiting user holds no timer, promise or
 * suspended frame.
 */
class UserLoop implements Sleeper, UserHandle {
  wakeAtMs = 0;
  heapIndex = -1;
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private stopped = false;
  private finished = false;
  private taskStartMs = 0;

  constructor(
    private readonly u: User,
    private readonly env: LoopEnv,
  ) {
    this.done = new Promise<void>((r) => (this.resolveDone = r));
  }

  start(): void {
    const onStart = this.u.cls.def.onStart;
    if (!onStart) return this.first();
    Promise.resolve()
      .then(() => onStart.call(this.u.cls.def, this.u))
      .then(
        () => this.first(),
        (e: unknown) => {
          this.env.onStartFailed(this.u, e);
          this.finish(false);
        },
      );
  }

  /** The first task: at once, or after a staggered pause (onWake then runs it). */
  private first(): void {
    const pauseMs = this.env.stagger ? this.env.rng.next() * nextWaitMs(this.u.cls.wait, this.env.rng, 0) : 0;
    if (pauseMs > 0 && !this.stopped) this.env.heap.sleep(this, pauseMs);
    else this.step();
  }

  private step(): void {
    if (this.stopped || this.env.isFatal()) return this.finish(true);
    this.taskStartMs = this.env.clock.now();
    void this.env.runOneTask(this.u).then((ran) => this.afterTask(ran));
  }

  private afterTask(ran: boolean): void {
    if (this.stopped || this.env.isFatal()) return this.finish(true);
    const waitMs = nextWaitMs(this.u.cls.wait, this.env.rng, this.env.clock.now() - this.taskStartMs);
    // No wait: go on after the event loop turns (a task without I/O must not starve it).
    if (waitMs <= 0 && ran) setImmediate(() => this.step());
    // When every task skipped, pause at least a tick before trying again.
    else this.env.heap.sleep(this, ran ? waitMs : Math.max(waitMs, 10));
  }

  onWake(): void {
    this.step();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // A waiting user stops at once; one in a task stops when the task ends.
    if (this.heapIndex >= 0) {
      this.env.heap.cancel(this);
      this.finish(true);
    }
  }

  private finish(runOnStop: boolean): void {
    if (this.finished) return;
    this.finished = true;
    const onStop = runOnStop ? this.u.cls.def.onStop : undefined;
    const end = (): void => {
      this.env.ended();
      this.resolveDone();
    };
    if (!onStop) return end();
    Promise.resolve()
      .then(() => onStop.call(this.u.cls.def, this.u))
      .catch((e: unknown) => this.env.onStopFailed(e))
      .finally(end);
  }
}
