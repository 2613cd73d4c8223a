// `headroom search`: finds the breaking point of a single URL or a scenario. Each step is a run
// directory under the search's output directory, held until steady; the algorithm is
// analysis/capacity-search.ts, the steps run through jobs/search-runner.ts; this file parses flags and prints.
//   headroom search --url URL [--model closed|open] [--slo "p95<500ms,errors<1%"] [--json]
//   headroom search FILE.ts --host URL [--model closed|open] ...
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { searchCapacity } from "../analysis/search.js";
import { DEFAULT_SLO_TEXT, describeSlo, parseSlo } from "../analysis/slo.js";
import { sloWithThresholds } from "../analysis/slo-thresholds.js";
import type { Slo } from "../analysis/types.js";
import { newRunId } from "../engine/manifest.js";
import { checkReachable } from "../engine/preflight.js";
import { defaultWorkers } from "../engine/run-test.js";
import type { SingleRequest } from "../engine/single-request.js";
import { HeadroomError } from "../core/errors.js";
import { parseDurationMs, parsePositiveDurationSec } from "../plan/duration.js";
import { checkScenarioFile, loadScenario } from "../plan/load-scenario.js";
import type { Scenario } from "../plan/scenario-api.js";
import { loadTargets } from "../plan/targets.js";
import { TYPECHECK_SKIPPED_NOTE, typecheckScenario } from "../plan/typecheck-scenario.js";
import { describeWait } from "../plan/wait.js";
import { createSearchRunner, type SearchRunnerOptions } from "../jobs/search-runner.js";
import type { TelemetryConfig } from "../telemetry/index.js";
import { checkOutDir } from "../store/out-dir.js";
import { collect, parseHttpUrl, parseNumber, parseThink, parseVar } from "./flags.js";
import type { CommandContext } from "./main.js";
import { HOSTS_HELP, parseHosts } from "./hosts-flag.js";
import { quietWaiter } from "../jobs/quiet-wait.js";
import { parseHeader } from "./run.js";
import { finishSearch, stepLine } from "./search-result.js";

export { firstStepBroke } from "./search-result.js";

interface SearchFlags {
  force?: boolean;
  url?: string;
  method: string;
  header: string[];
  body?: string;
  host?: string;
  var: string[];
  model: string;
  start?: string;
  growth: string;
  max?: string;
  maxSteps: string;
  tolerance: string;
  stepTime: string;
  warmup: string;
  window: string;
  think?: string;
  slo: string;
  threshold?: string[];
  recovery: boolean;
  repeat: boolean;
  recoveryHold: string;
  recoveryTime: string;
  timeout: string;
  workers?: string;
  seed?: string;
  out?: string;
  json?: boolean;
  typecheck: boolean;
  targets?: string;
  prometheus?: string;
  postgres?: string;
  redis?: string;
  appPort?: string;
  hostMetrics?: boolean;
  telemetryInterval: string;
  hosts?: string;
}


function telemetryConfig(f: SearchFlags): TelemetryConfig | undefined {
  const c: TelemetryConfig = {};
  if (f.prometheus) c.prometheus = { url: f.prometheus };
  if (f.postgres) c.postgres = { connectionString: f.postgres };
  if (f.redis) c.redis = { url: f.redis };
  if (f.appPort) c.processes = { port: parseNumber(f.appPort, "--app-port", { min: 1, integer: true }) };
  if (f.hostMetrics) c.host = true;
  return Object.keys(c).length > 0 ? c : undefined;
}

/**
 * The search always measures the other processes on this machine (a step they disturbed is
 * re-tested, never judged): all but the target's own when it listens on this machine.
 */
function withOthers(config: TelemetryConfig | undefined, url: string, appPort: string | undefined): TelemetryConfig {
  const u = new URL(url);
  const loopback = /^(127\.|localhost$|\[::1\]$)/.test(u.hostname);
  const port = appPort !== undefined ? Number(appPort) : loopback ? Number(u.port || (u.protocol === "https:" ? 443 : 80)) : undefined;
  return { ...(config ?? {}), others: port !== undefined ? { port } : {} };
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("search")
    .description("find the breaking point of a URL or a scenario: step the load up until the SLO breaks or throughput stops growing, then bisect; report max RPS, breaking point, comfortable capacity, recovery and confidence")
    .argument("[scenario]", "scenario file (TypeScript); or use --url")
    .option("--url <url>", "single-URL search: the URL to load")
    .option("--method <method>", "single-URL search: HTTP method", "GET")
    .option("--header <header>", 'single-URL search: a header "Name: value" (repeatable)', collect, [])
    .option("--body <body>", "single-URL search: request body")
    .option("--host <url>", "scenario: base URL of the target")
    .option("--var <k=v>", "scenario: a variable (repeatable)", collect, [])
    .option("--model <model>", "closed (steps users) or open (steps the arrival rate)", "closed")
    .option("--start <n>", "first step: users (closed) or req/s (open)", "10")
    .option("--growth <f>", "each upward step multiplies the load by this", "2")
    .option("--max <n>", "never step beyond this load (default 10000 users / 100000 req/s)")
    .option("--max-steps <n>", "ramp and bisection steps in all", "14")
    .option("--tolerance <f>", "stop bisecting when the bracket is within this share of the good load", "0.1")
    .option("--step-time <d>", "longest a step may run while waiting to be steady", "20s")
    .option("--warmup <d>", "seconds of each step not measured", "2s")
    .option("--window <d>", "steady window: the last seconds that must hold steady, and are measured", "5s")
    .option("--think <t>", "single-URL closed model: pause between a user's requests, 2s or 1s-5s")
    .option("--slo <limits>", "limits a step must meet", DEFAULT_SLO_TEXT)
    .option("--threshold <limit>", 'a limit a step must meet, as `run` takes it (repeatable; p50, p95, p99 or errors): "p99<1s"; replaces the --slo limit on the same figure', collect)
    .option("--no-repeat", "skip repeating the best good load (the repeat measures run-to-run variance for the confidence)")
    .option("--no-recovery", "skip the recovery run (break held, then dropped to the comfortable load)")
    .option("--recovery-hold <d>", "recovery run: how long the breaking load is held", "5s")
    .option("--recovery-time <d>", "recovery run: how long the comfortable load runs after the drop", "15s")
    .option("--timeout <d>", "per-request timeout", "30s")
    .option("--workers <n>", "worker threads (default: one per core)")
    .option("--hosts <n>", HOSTS_HELP)
    .option("--seed <n>", "random seed")
    .option("--targets <file>", "targets JSON used to judge the breaking step's bottlenecks")
    .option("--prometheus <url>", "telemetry: the target's /metrics URL")
    .option("--postgres <url>", "telemetry: PostgreSQL connection string")
    .option("--redis <url>", "telemetry: Redis URL")
    .option("--app-port <port>", "telemetry: sample the processes listening on this port")
    .option("--host-metrics", "telemetry: sample this host's CPU, memory and network")
    .option("--telemetry-interval <d>", "telemetry sampling period", "2s")
    .option("--out <dir>", "output directory, one run directory per step (default runs/search-<id>)")
    .option("--force", "with --out: write into a folder that already holds files (an earlier search's are overwritten)")
    .option("--json", "print only the result as one JSON object on stdout")
    .option("--no-typecheck", "scenario: skip the TypeScript type check")
    .addHelpText(
      "after",
      `
Exit codes: 0 some step met the SLO (the breaking point, or how far the search got without one),
99 no step met the SLO (targets failed: even the lightest step broke it; result still written),
130 interrupted, 2 bad usage, 3 bad input, 4 target unreachable.

Examples:
  npx headroom search --url http://127.0.0.1:3000/api/search/stories?q=fantasy --model open --slo "p95<500ms,errors<1%"
  npx headroom search --url http://127.0.0.1:3000/health --start 50 --max 2000 --json
  npx headroom search --url http://127.0.0.1:3000/health --hosts 2 --start 500
  npx headroom search apps/backend/tests/load_tests/muejam.scenario.ts --host http://127.0.0.1:3000 --var tokens=tokens.json --prometheus http://127.0.0.1:3000/metrics`,
    )
    .action(async (file: string | undefined, f: SearchFlags) => ctx.setExitCode(await searchCommand(file, f, ctx)));
}

/** What a step measures and how long: the SLO, the step's time, warm-up and window, the per-request timeout. */
function stepTiming(f: SearchFlags): { slo: Slo; stepSec: number; warmupSec: number; windowSec: number; timeoutMs: number } {
  const slo = sloWithThresholds(parseSlo(f.slo), f.threshold ?? []);
  const stepSec = parsePositiveDurationSec(f.stepTime, "--step-time");
  const warmupSec = Math.round(parseDurationMs(f.warmup, "--warmup") / 1000);
  const windowSec = Math.max(1, Math.round(parsePositiveDurationSec(f.window, "--window")));
  // One more second than warm-up and window: the last line of a run also carries the stop's grace period.
  if (warmupSec + windowSec + 1 > stepSec) {
    const fix = "give each step time for its warm-up, its steady window and a final second, e.g. --step-time 20s --warmup 2s --window 5s";
    throw new HeadroomError("HR_CONFLICTING_FLAGS", `--warmup ${f.warmup} + --window ${f.window} + 1 s exceed --step-time ${f.stepTime}`, fix);
  }
  return { slo, stepSec, warmupSec, windowSec, timeoutMs: parseDurationMs(f.timeout, "--timeout") };
}

interface SearchTarget {
  request?: SingleRequest;
  scenario?: Scenario;
  baseUrl?: string;
}

/** The single URL, or the scenario file (type-checked and loaded) and its host. */
async function searchTarget(file: string | undefined, f: SearchFlags, io: CommandContext["io"]): Promise<SearchTarget> {
  if (f.url) {
    const headers = Object.fromEntries(f.header.map(parseHeader));
    return { request: { url: parseHttpUrl(f.url, "--url"), method: f.method.toUpperCase(), headers, ...(f.body !== undefined ? { body: f.body } : {}) } };
  }
  const path = resolve(io.cwd, file!);
  checkScenarioFile(path, file);
  if (f.typecheck && !(await typecheckScenario(path)).checked) io.stderr.write(TYPECHECK_SKIPPED_NOTE);
  const scenario = await loadScenario(path);
  const baseUrl = f.host ? parseHttpUrl(f.host, "--host") : scenario.host;
  if (!baseUrl) throw new HeadroomError("HR_MISSING_ARGUMENT", `scenario "${scenario.name}" has no host to send requests to`, "pass --host http://host:port (or set `host` in the scenario)");
  return { scenario, baseUrl };
}

/** The scenario's user classes as the manifests record them. */
function describeMix(s: Scenario): { name: string; weight: number; wait: string }[] {
  return s.classes.map((c) => ({ name: c.name, weight: c.weight, wait: describeWait(c.wait) }));
}

type FlagOptions = Omit<SearchRunnerOptions, "outDir" | "request" | "scenario" | "baseUrl" | "target" | "planExtra">;

/** The runner's options the flags alone give (checked before the scenario is loaded or the target reached). */
function flagOptions(f: SearchFlags, io: CommandContext["io"]): FlagOptions {
  const seed = f.seed !== undefined ? parseNumber(f.seed, "--seed", { integer: true }) : undefined;
  const thinkTime = f.think ? parseThink(f.think) : undefined;
  const hosts = f.hosts !== undefined ? parseHosts(f.hosts) : 1;
  const telemetry = telemetryConfig(f);
  return {
    model: f.model as "closed" | "open",
    ...stepTiming(f),
    workers: f.workers ? parseNumber(f.workers, "--workers", { min: 1, integer: true }) : defaultWorkers(),
    vars: Object.fromEntries(f.var.map(parseVar)),
    ...(seed !== undefined ? { seed } : {}),
    ...(thinkTime ? { thinkTime } : {}),
    ...(telemetry ? { telemetry } : {}),
    telemetryIntervalMs: parseDurationMs(f.telemetryInterval, "--telemetry-interval"),
    recoveryHoldSec: parsePositiveDurationSec(f.recoveryHold, "--recovery-hold"),
    recoverySettleSec: parsePositiveDurationSec(f.recoveryTime, "--recovery-time"),
    ...(hosts > 1 ? { hosts } : {}),
    onWarning: (m) => io.stderr.write(`warning: ${m}\n`),
  };
}

/** The flags' options with what to load: the URL or the scenario, and what the manifests record of them. */
function withTarget(o: FlagOptions, t: SearchTarget): Omit<SearchRunnerOptions, "outDir"> {
  const { request, scenario, baseUrl } = t;
  const planExtra = {
    workers: o.workers,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(request ? { url: request.url, method: request.method } : {}),
    ...(scenario ? { scenario: scenario.sourcePath ?? scenario.name, classes: describeMix(scenario) } : {}),
  };
  return {
    ...o,
    ...(request ? { request } : { scenario: scenario! }),
    ...(baseUrl ? { baseUrl } : {}),
    target: request ? { url: request.url } : { url: baseUrl!, scenario: scenario!.sourcePath ?? scenario!.name },
    planExtra,
  };
}

async function searchCommand(file: string | undefined, f: SearchFlags, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  if (!file === !f.url) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", file ? "both a scenario file and --url were given" : "nothing to search: no scenario file and no --url", 'run `headroom search --url http://host/path --slo "p95<500ms,errors<1%"` or `headroom search my.scenario.ts --host http://host`');
  }
  if (f.model !== "closed" && f.model !== "open") throw new HeadroomError("HR_BAD_ARGUMENT", `--model "${f.model}" is not a load model; expected closed or open`, "use --model closed (steps users) or --model open (steps the arrival rate)");
  const flags = flagOptions(f, io);
  const targets = loadTargets(f.targets ? resolve(io.cwd, f.targets) : undefined);
  const target = await searchTarget(file, f, io);
  const measured = withTarget(flags, target);
  const base = { ...measured, telemetry: withOthers(measured.telemetry, target.request?.url ?? target.baseUrl!, f.appPort) };
  const { model, slo } = base;
  await checkReachable(target.request?.url ?? target.baseUrl!);

  const outDir = f.out ? resolve(io.cwd, f.out) : join(io.cwd, "runs", `search-${newRunId()}`);
  if (f.out) checkOutDir(outDir, f.force);
  const log = f.json ? io.stderr : io.stdout;
  const stop = new AbortController();
  const unhook = io.onInterrupt(() => {
    if (!stop.signal.aborted) io.stderr.write("\nstopping the search after the current step's requests in flight (Ctrl-C again to quit at once)\n");
    stop.abort();
  });
  const runner = createSearchRunner({ ...base, outDir, signal: stop.signal });
  const growth = parseNumber(f.growth, "--growth", { min: 1.1 });
  const split = base.hosts ? `, each step over ${base.hosts} generator processes` : "";
  if (!f.json) log.write(`searching the breaking point (${model} model, SLO ${describeSlo(slo, "flag")}${split}); steps under ${outDir}\n`);
  try {
    const result = await searchCapacity(
      {
        model,
        slo,
        start: parseNumber(f.start ?? "10", "--start", { min: model === "open" ? 0.01 : 1, integer: model === "closed" }),
        growth,
        ...(f.max ? { maxLoad: parseNumber(f.max, "--max", { min: 1 }) } : {}),
        maxSteps: parseNumber(f.maxSteps, "--max-steps", { min: 1, integer: true }),
        tolerance: parseNumber(f.tolerance, "--tolerance", { min: 0.001 }),
        repeat: f.repeat,
        ...(model === "closed" ? { measureThink: true } : {}),
        waitForQuiet: quietWaiter({ others: base.telemetry.others ?? {}, maxWaitMs: 15_000, signal: stop.signal, onWait: (m) => io.stderr.write(`${m}\n`) }),
        signal: stop.signal,
        onStep: (s) => log.write(stepLine(runner.stepDirs.length, s, model)),
      },
      runner.runStep,
      f.recovery ? runner.runRecovery : undefined,
    );
    const telemetry = measured.telemetry !== undefined;
    const end = { io, slo, growth, outDir, targets, telemetry, aborted: stop.signal.aborted, analyze: runner.analyzeFirstBroken };
    return finishSearch(result, { ...end, ...(f.json ? { json: true } : {}) });
  } finally {
    unhook();
  }
}
