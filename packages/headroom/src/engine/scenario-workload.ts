// The scenario workload: virtual users of weighted classes running weighted tasks with waits.
// User i's class comes from striping the class weights (segments.ts), so the mix is exact for
// any number of users and the same whatever the worker count. A task that calls `skip()` is
// replaced at once by another; a task that throws is reported (once per distinct message) and
// the user goes on; an `onStart` that throws stops the run: it is a bug in the scenario.
import { HeadroomError } from "../core/errors.js";
import type { Profile } from "../plan/profile.js";
import { SkipTask, type Scenario } from "../plan/scenario-api.js";
import type { Rng } from "../core/rng.js";
import type { Clock } from "../core/clock.js";
import type { ClassAccumulator, Recorder } from "./recorder.js";
import { PoolSet, type HttpContext } from "./scenario-http.js";
import { WeightedPartition } from "./segments.js";
import { WakeHeap } from "./wake-heap.js";
import type { UserHandle, Workload } from "./workload.js";
import { effectiveClasses, pickTask, type EffectiveClass } from "./scenario-classes.js";
import { errorLocation, ScenarioFailures } from "./scenario-errors.js";
import { ScenarioUser } from "./virtual-user.js";
import { UserLoop } from "./user-loop.js";

export { describeClasses, effectiveClasses, pickTask, type EffectiveClass } from "./scenario-classes.js";
export { errorLocation } from "./scenario-errors.js";

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

const NONE_SKIPPED: ReadonlySet<number> = new Set();

/** The classes with a weight above 0 for this profile; none is an error. */
function runnableClasses(scenario: Scenario, profile: Profile): EffectiveClass[] {
  const classes = effectiveClasses(scenario, profile);
  if (classes.length === 0) {
    throw new HeadroomError(
      "HR_SCENARIO_INVALID",
      `scenario "${scenario.name}" has no user class with a weight above 0 for profile "${profile.name}"`,
      "give at least one class a positive weight (in the scenario or the profile's classWeights)",
    );
  }
  return classes;
}

/** What the scenario's setup returns (shared by every user); a setup that throws stops the run. */
async function sharedFromSetup(scenario: Scenario, baseUrl: string, vars: Record<string, string>): Promise<unknown> {
  try {
    return scenario.setup ? await scenario.setup({ baseUrl, vars }) : undefined;
  } catch (e) {
    if (e instanceof HeadroomError) throw e;
    const where = errorLocation(e);
    throw new HeadroomError(
      "HR_SCENARIO_FAILED",
      `scenario "${scenario.name}": setup threw: ${(e as Error)?.message ?? String(e)}${where ? ` (at ${where})` : ""}`,
      "fix the scenario's setup (a missing --var? an unreadable file?) and run again",
      { cause: e },
    );
  }
}

/** The scenario's defaults as the HTTP client takes them (only those it sets). */
function httpDefaults(scenario: Scenario): HttpContext["defaults"] {
  const defaults = scenario.defaults;
  return { ...(defaults?.headers ? { headers: defaults.headers } : {}), ...(defaults?.accept ? { accept: defaults.accept } : {}) };
}

export async function scenarioWorkload(opts: ScenarioWorkloadOptions): Promise<Workload> {
  const { scenario, clock, recorder } = opts;
  const classes = runnableClasses(scenario, opts.profile);
  const baseUrl = opts.baseUrl ?? scenario.host;
  if (!baseUrl) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", `scenario "${scenario.name}" has no host to send requests to`, "pass --host http://host:port (or set `host` in the scenario)");
  }
  const shared = await sharedFromSetup(scenario, baseUrl, opts.vars);
  const http: HttpContext = { baseUrl, clock, recorder, timeoutMs: opts.timeoutMs, defaults: httpDefaults(scenario) };
  return new ScenarioWorkload(opts, classes, http, shared);
}

/** The users of one scenario run, closed model (UserLoop) or open (one task per arrival, users reused). */
class ScenarioWorkload implements Workload {
  private readonly split: WeightedPartition;
  private readonly pools: PoolSet;
  private readonly classAccs: ClassAccumulator[];
  private readonly heap: WakeHeap;
  private readonly failures: ScenarioFailures;
  private readonly live: number[];
  private tasksInFlight = 0;
  // Open model: idle users per class, reused across arrivals.
  private readonly idle: ScenarioUser[][];
  private readonly createdByClass: number[];
  private iterations = 0;
  private created = 0;

  constructor(
    private readonly opts: ScenarioWorkloadOptions,
    private readonly classes: EffectiveClass[],
    private readonly http: HttpContext,
    private readonly shared: unknown,
  ) {
    this.split = new WeightedPartition(classes.map((c) => c.weight));
    this.pools = new PoolSet(opts.timeoutMs, () => opts.clock.now());
    this.classAccs = classes.map((c) => opts.recorder.userClass(c.name));
    this.heap = new WakeHeap(opts.clock);
    this.live = classes.map(() => 0);
    this.failures = new ScenarioFailures(opts.scenario.name, opts.onWarning, opts.onFatal);
    this.idle = classes.map(() => []);
    this.createdByClass = classes.map(() => 0);
  }

  private makeUser(index: number, k: number, classIndex: number): ScenarioUser {
    const env = { rng: this.opts.rng, http: this.http, pools: this.pools, classAcc: this.classAccs[k]!, headers: this.opts.scenario.defaults?.headers ?? {} };
    return new ScenarioUser(index, classIndex, this.classes[k]!, this.http.baseUrl, this.opts.vars, this.shared, env);
  }

  /** Runs one task: skipped tasks are replaced at once; returns false when every task skipped. */
  private async runOneTask(u: ScenarioUser): Promise<boolean> {
    const tasks = u.cls.tasks;
    let skipped: Set<number> | undefined;
    for (;;) {
      const i = pickTask(tasks, skipped ?? NONE_SKIPPED, this.opts.rng);
      if (i < 0) return false;
      const t = tasks[i]!;
      try {
        this.tasksInFlight++;
        await t.def.run(u);
        return true;
      } catch (e) {
        if (e instanceof SkipTask) {
          (skipped ??= new Set()).add(i);
          continue;
        }
        const msg = (e as Error)?.message ?? String(e);
        const where = errorLocation(e);
        const message = `task ${u.className}.${t.def.name} threw: ${msg}${where ? ` (at ${where})` : ""}; the user goes on with its next task`;
        this.failures.warn(`${u.className}.${t.def.name}: ${msg}`, message);
        return true;
      } finally {
        this.tasksInFlight--;
      }
    }
  }

  startUser(index: number): UserHandle {
    const k = this.split.partOf(index);
    const u = this.makeUser(index, k, this.split.countIn(k, index));
    this.live[k]!++;
    const failures = this.failures;
    const loop = new UserLoop(u, {
      clock: this.opts.clock,
      heap: this.heap,
      rng: this.opts.rng,
      runOneTask: (user) => this.runOneTask(user),
      isFatal: () => failures.fatal !== undefined,
      onStartFailed: (user, e) => failures.startFailed(user, e),
      onStopFailed: (e) => failures.warn(`${u.className}.onStop`, `onStop of ${u.className} threw: ${(e as Error)?.message ?? String(e)}`),
      ended: () => this.live[k]!--,
      stagger: this.opts.profile.staggerStart === true,
    });
    loop.start();
    return loop;
  }

  startIteration(dueMs: number, done: () => void): void {
    const k = this.split.partOf(this.iterations++);
    void this.runIteration(k, dueMs).finally(done);
  }

  /** One open-model arrival: an idle user of class k (or a new one, after its onStart) runs one task. */
  private async runIteration(k: number, dueMs: number): Promise<void> {
    let u = this.idle[k]!.pop();
    if (!u) {
      const index = (this.opts.index0 ?? 0) + this.created++ * (this.opts.stride ?? 1);
      u = this.makeUser(index, k, this.createdByClass[k]!++);
      this.live[k]!++;
      if (u.cls.def.onStart) {
        try {
          await u.cls.def.onStart(u);
        } catch (e) {
          this.failures.startFailed(u, e);
          return;
        }
      }
    }
    u.dueMs = dueMs;
    await this.runOneTask(u);
    u.dueMs = undefined;
    this.idle[k]!.push(u);
  }

  inFlight(): number {
    return this.tasksInFlight;
  }

  beforeFlush(): void {
    for (let k = 0; k < this.classes.length; k++) this.classAccs[k]!.users = this.live[k]!;
  }

  async close(): Promise<void> {
    this.heap.stop();
    await this.pools.close();
  }
}
