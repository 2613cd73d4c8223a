// `headroom run`: one test, from a URL or a scenario file, to a run directory.
//   headroom run --url URL [--method M] [--header "K: V"]... [--body B] (--connections C | --rate R | --users N) --duration D
//   headroom run FILE.ts [--users N --spawn-rate R | --rate R] --duration D [--host URL] [--var k=v]
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { EXIT, HeadroomError } from "../core/errors.js";
import { describeRun } from "../engine/describe-run.js";
import { newRunId, newRunManifest } from "../engine/manifest.js";
import { checkReachable } from "../engine/preflight.js";
import { describeClasses } from "../engine/scenario-workload.js";
import { defaultWorkers, runTest } from "../engine/run-test.js";
import { formatSegment, parseSegment, type Segment } from "../engine/segments.js";
import type { SingleRequest } from "../engine/single-request.js";
import { parsePositiveDurationSec } from "../plan/duration.js";
import { checkScenarioFile, loadScenario } from "../plan/load-scenario.js";
import { describeProfile, validateProfile, type Profile } from "../plan/profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import { TYPECHECK_SKIPPED_NOTE, typecheckScenario } from "../plan/typecheck-scenario.js";
import { checkOutDir } from "../store/out-dir.js";
import { parseStreamUrl } from "../k8s/stream-target.js";
import { createRunStore, readRunStore } from "../store/run-store.js";
import type { StageSpec } from "../core/types.js";
import { collect, parseCount, parseThink, parseVar } from "./flags.js";
import type { CommandContext } from "./main.js";
import { formatSummaryTable } from "./progress-table.js";
import { progressSink } from "./progress.js";
import { finishRun, parseRunGates } from "./run-finish.js";
import { openRunSinks } from "./run-outputs.js";

interface RunFlags {
  url?: string;
  method?: string;
  header?: string[];
  body?: string;
  connections?: string;
  rate?: string;
  users?: string;
  spawnRate?: string;
  stages?: string;
  think?: string;
  staggerStart?: boolean;
  maxInFlight?: string;
  duration?: string;
  /** Locust's name for --duration. */
  runTime?: string;
  timeout: string;
  workers?: string;
  out?: string[];
  force?: boolean;
  threshold?: string[];
  targets?: string;
  abortOnFail?: boolean;
  abortGrace: string;
  report: boolean;
  json?: boolean;
  dryRun?: boolean;
  host?: string;
  baseUrl?: string;
  var?: string[];
  seed?: string;
  name?: string;
  profile?: string;
  segment?: string;
  startAt?: string;
  stream?: string;
  typecheck: boolean;
}

function parseRate(text: string, flag: string, allowZero = false): number {
  const n = Number(text.replace(/\/s$/, ""));
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new HeadroomError("HR_BAD_NUMBER", `${flag} "${text}" is not a positive number per second`, `give ${flag} a number such as ${flag} 200`);
  }
  return n;
}

/** "K: V" → [K, V]. */
export function parseHeader(text: string): [string, string] {
  const i = text.indexOf(":");
  const name = i > 0 ? text.slice(0, i).trim() : "";
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new HeadroomError("HR_BAD_HEADER", `header "${text}" is not of the form "Name: value"`, 'write headers as --header "Authorization: Bearer abc"');
  }
  return [name, text.slice(i + 1).trim()];
}

function parseUrl(text: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new HeadroomError("HR_BAD_URL", `${flag} "${text}" is not a URL`, `give an absolute URL such as ${flag} http://127.0.0.1:8000/health`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new HeadroomError("HR_BAD_URL", `${flag} "${text}" uses ${u.protocol}; expected http: or https:`, `give an http(s) URL such as ${flag} http://127.0.0.1:8000/`);
  return u.href;
}

/**
 * Stages: comma-separated [name=]DURATION:TARGET[@SPAWN_RATE]. TARGET is users (closed model) or
 * arrivals per second (open model, with --rate giving the start rate).
 */
export function parseStages(text: string, open: boolean): StageSpec[] {
  return text.split(",").map((part) => {
    const m = /^(?:([\w.-]+)=)?([^:]+):(\d+(?:\.\d+)?)(?:@(\d+(?:\.\d+)?))?$/.exec(part.trim());
    if (!m) {
      throw new HeadroomError("HR_BAD_ARGUMENT", `stage "${part}" is not of the form [name=]DURATION:TARGET[@SPAWN_RATE]`, 'write stages like --stages "ramp=2m:50@10,spike=3m:500@100,recover=5m:100@20"');
    }
    const st: StageSpec = { durationSec: parsePositiveDurationSec(m[2]!, `stage "${part}"`) };
    if (m[1]) st.name = m[1];
    if (open) st.rate = Number(m[3]);
    else {
      st.users = parseCount(m[3]!, `stage "${part}" users`, 0);
      if (m[4]) st.spawnRate = Number(m[4]);
    }
    return st;
  });
}

/** The profile the flags describe; throws on conflicts and missing pieces. */
export function profileFromFlags(f: RunFlags, hasScenario: boolean): Profile {
  const modes = [f.connections && "--connections", f.rate && "--rate", f.users && "--users"].filter(Boolean) as string[];
  if (modes.length > 1) {
    throw new HeadroomError("HR_CONFLICTING_FLAGS", `${modes.join(" and ")} were both given; a run is either closed (--users), open (--rate) or throughput (--connections)`, "keep one of --users, --rate, --connections");
  }
  if (f.connections && hasScenario) throw new HeadroomError("HR_CONFLICTING_FLAGS", "--connections is for single-URL throughput runs, not scenarios", "use --users N (closed model) or --rate R (open model) with a scenario file");
  const open = f.rate !== undefined;
  // A flag of another executor would be silently ignored: say so instead.
  const foreign = (f.connections ? [f.spawnRate && "--spawn-rate", f.think && "--think", f.maxInFlight && "--max-in-flight", f.stages && "--stages"] : open ? [f.spawnRate && "--spawn-rate", f.think && "--think"] : [f.maxInFlight && "--max-in-flight"]).filter(Boolean) as string[];
  if (foreign.length > 0) {
    const mode = f.connections ? "the throughput model (--connections)" : open ? "the open model (--rate)" : "the closed model (--users)";
    const owner = (flag: string): string => (flag === "--max-in-flight" ? "the open model (--rate)" : flag === "--stages" ? "--users or --rate" : "the closed model (--users)");
    throw new HeadroomError("HR_CONFLICTING_FLAGS", `${foreign.join(", ")} ${foreign.length > 1 ? "do" : "does"} not apply to ${mode}: ${foreign.map((x) => `${x} belongs to ${owner(x)}`).join("; ")}`, `drop ${foreign.join(", ")}, or switch the model (headroom run --help lists each flag's model)`);
  }
  const stages = f.stages ? parseStages(f.stages, open) : undefined;
  if (!f.duration && !stages) throw new HeadroomError("HR_MISSING_ARGUMENT", "no --duration given", "add --duration, e.g. --duration 30s (or --stages)");
  const durationSec = f.duration ? parsePositiveDurationSec(f.duration, "--duration") : stages!.reduce((s, st) => s + st.durationSec, 0);
  const base = { name: f.name ?? "run", durationSec, timeoutMs: Math.round(parsePositiveDurationSec(f.timeout, "--timeout") * 1000) };
  let p: Profile;
  if (f.connections) p = { ...base, executor: "throughput", connections: parseCount(f.connections, "--connections") };
  else if (open) {
    p = { ...base, executor: "open", rate: parseRate(f.rate!, "--rate", stages !== undefined) };
    if (stages) p.stages = stages;
    if (f.maxInFlight) p.maxInFlight = parseCount(f.maxInFlight, "--max-in-flight");
  } else {
    if (!f.users && !stages) throw new HeadroomError("HR_MISSING_ARGUMENT", "no load given: none of --users, --rate, --connections", "add --users N (with --spawn-rate R), --rate R, or (with --url) --connections C");
    p = { ...base, executor: "closed" };
    if (stages) p.stages = stages;
    else p.users = parseCount(f.users!, "--users");
    if (f.spawnRate) p.spawnRate = parseRate(f.spawnRate, "--spawn-rate");
    if (f.think) p.thinkTime = parseThink(f.think);
    if (f.staggerStart) p.staggerStart = true;
  }
  if (f.duration && stages) p.durationSec = durationSec;
  return validateProfile(p);
}

function parseSegmentFlag(text: string): Segment {
  const seg = parseSegment(text);
  if (!seg) throw new HeadroomError("HR_BAD_ARGUMENT", `--segment "${text}" is not of the form i/n (0 <= i < n) or from:to/n`, "give this host's lane, e.g. --segment 0/4 on the first of four hosts");
  return seg;
}

function parseStartAt(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new HeadroomError("HR_BAD_ARGUMENT", `--start-at "${text}" is not a time`, "give an ISO 8601 time (2025-01-01T12:00:00Z) or epoch milliseconds");
  return ms;
}

function pickProfile(s: Scenario, name: string): Profile {
  const available = Object.keys(s.profiles ?? {});
  const p = s.profiles?.[name];
  if (!p) {
    throw new HeadroomError(
      "HR_BAD_ARGUMENT",
      `--profile "${name}" is not exported by ${s.sourcePath ?? s.name}${available.length ? ` (it has: ${available.join(", ")})` : " (it exports no profiles)"}`,
      available.length ? `use one of: ${available.join(", ")}` : "export `profiles` (a record of name -> profile) from the scenario file, or give --users/--rate and --duration",
    );
  }
  return { ...p, ...(p.stages ? { stages: p.stages.map((st) => ({ ...st })) } : {}) };
}

/**
 * A named profile with the flags given on top: --users / --spawn-rate replace the plain closed
 * model's (with stages, every stage's users scale by users / the profile's peak), --duration
 * replaces the duration (with stages, every stage scales in proportion), --rate / --timeout /
 * --max-in-flight / --name replace theirs.
 */
export function profileWithOverrides(p: Profile, f: RunFlags): Profile {
  const out: Profile = { ...p };
  if (f.name) out.name = f.name;
  if (f.timeout !== "30s" || out.timeoutMs === undefined) out.timeoutMs = Math.round(parsePositiveDurationSec(f.timeout, "--timeout") * 1000);
  if (f.connections) throw new HeadroomError("HR_CONFLICTING_FLAGS", "--connections is for single-URL throughput runs, not scenarios", "use --users N or --rate R with a scenario file");
  if (f.users) {
    const users = parseCount(f.users, "--users");
    if (out.stages && out.executor === "closed") {
      const peakUsers = Math.max(1, ...out.stages.map((s) => s.users ?? 0));
      out.stages = out.stages.map((s) => ({ ...s, users: Math.round(((s.users ?? 0) * users) / peakUsers) }));
    } else out.users = users;
  }
  if (f.spawnRate) {
    const rate = parseRate(f.spawnRate, "--spawn-rate");
    if (out.stages && out.executor === "closed") out.stages = out.stages.map((s) => ({ ...s, spawnRate: rate }));
    else out.spawnRate = rate;
  }
  if (f.rate) out.rate = parseRate(f.rate, "--rate");
  if (f.maxInFlight) out.maxInFlight = parseCount(f.maxInFlight, "--max-in-flight");
  if (f.duration) {
    const sec = parsePositiveDurationSec(f.duration, "--duration");
    if (out.stages && out.stages.length > 0) {
      const total = out.stages.reduce((s, st) => s + st.durationSec, 0);
      out.stages = out.stages.map((st) => ({ ...st, durationSec: (st.durationSec * sec) / total }));
    }
    out.durationSec = sec;
  }
  return validateProfile(out);
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("run")
    .description("run one load test against a URL or with a scenario file, writing a run directory")
    .argument("[scenario]", "scenario file (TypeScript) exporting scenario({ ... })")
    .option("--url <url>", "single-URL test: the URL to load")
    .option("--method <method>", "single-URL test: HTTP method", "GET")
    .option("-H, --header <header>", 'single-URL test: a header "Name: value" (repeatable)', collect)
    .option("--body <body>", "single-URL test: request body")
    .option("--connections <n>", "throughput mode: connections kept busy with no think time")
    .option("--rate <r>", "open model: arrivals per second (with --stages, the start rate)")
    .option("-u, --users <n>", "closed model: concurrent virtual users")
    .option("-r, --spawn-rate <r>", "closed model: users started per second (default: all at once)")
    .option("--stages <list>", "stages [name=]DURATION:TARGET[@SPAWN], comma-separated (users, or rates with --rate)")
    .option("--think <t>", "single-URL closed model: pause between a user's requests, 2s or 1s-5s")
    .option("--stagger-start", "closed model: each user begins with a pause drawn from its think time (no synchronized first burst)")
    .option("--max-in-flight <n>", "open model: requests in flight before arrivals are dropped")
    .option("-d, --duration <d>", "how long: 30s, 5m, 1h30m")
    .option("--run-time <d>", "the same as --duration (Locust's name)")
    .option("--timeout <d>", "per-request timeout", "30s")
    .option("--workers <n>", "worker threads (default: one per core)")
    .option("-o, --out <dest>", "the run directory (default runs/<id>), or an output kind=dest (repeatable): csv=PREFIX (Locust's CSV files), json=FILE (a line per second per request name), prometheus-rw=URL (live remote-write); dir=PATH names the run directory too", collect)
    .option("--threshold <limit>", 'fail the run (exit 99) when a limit is missed (repeatable): "p95<500ms", "p99<1s", "errors<1%", "rps>100", "p95{name:/api/stories/[slug]}<300ms", "errors{class:Reader}<1%"', collect)
    .option("--targets <file>", "judge the run against tiered targets (see config/targets.default.json); a FAIL exits 99")
    .option("--abort-on-fail", "stop the run at the first failing --threshold (k6's abortOnFail), judged every second after --abort-grace")
    .option("--abort-grace <d>", "with --abort-on-fail: load run before thresholds may stop the run", "5s")
    .option("--no-report", "do not write report.html in the run directory")
    .option("--force", "with --out: overwrite a folder that already holds a run")
    .option("--json", "print only the summary as one JSON object on stdout")
    .option("--dry-run", "print the plan and exit without sending a request")
    .option("--host <url>", "scenario: base URL of the target")
    .option("--base-url <url>", "scenario: the same as --host")
    .option("--var <k=v>", "scenario: a variable (repeatable)", collect)
    .option("--seed <n>", "random seed (reproducible user mix and waits)")
    .option("--name <name>", "test name recorded in the run (default: the profile's name, else run)")
    .option("--profile <name>", "scenario: run a profile the file exports as `profiles` (flags given override it)")
    .option("--no-typecheck", "scenario: skip the TypeScript type check before running")
    .option("--segment <i/n>", "run only this host's share of the load, e.g. 2/4 (lane 2 of 4, 0-based; as a Kubernetes Indexed Job's index)")
    .option("--start-at <time>", "start the load at this time (ISO 8601 or epoch ms), so the hosts of one test start together")
    .option("--stream <url>", "with --segment: also send the manifest and each second's line to Redis Streams at redis://HOST:PORT/RUN_ID, for `headroom collect` (docs/distributed.md)")
    .addHelpText(
      "after",
      `
Examples:
  npx headroom run --url http://127.0.0.1:3000/health --connections 50 --duration 30s
  npx headroom run --url http://127.0.0.1:3000/api/discovery/trending --rate 200 --duration 1m
  npx headroom run --url http://127.0.0.1:3000/health --users 100 --think 1s-5s --duration 2m
  npx headroom run script.ts -u 50 -r 10 -d 1m --host http://127.0.0.1:3000 --threshold "p95<500ms" --threshold "errors<1%"
  npx headroom run --url http://127.0.0.1:3000/health -u 20 -d 30s -o csv=results/health -o prometheus-rw=http://127.0.0.1:9090/api/v1/write
  npx headroom run apps/backend/tests/load_tests/muejam.scenario.ts --profile baseline --host http://127.0.0.1:3000 --var tokens=tokens.json

Exit codes: 0 every threshold and target met, 99 one failed (the failing lines are printed; the run
directory, report.html and the --out files are written all the same), 130 interrupted, 2 bad usage.
Thresholds and outputs: docs/thresholds-and-outputs.md`,
    )
    .action(async (file: string | undefined, f: RunFlags) => ctx.setExitCode(await runCommand(file, f, ctx)));
}

async function runCommand(file: string | undefined, f: RunFlags, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  if (f.runTime !== undefined) {
    if (f.duration !== undefined) throw new HeadroomError("HR_CONFLICTING_FLAGS", `both --duration "${f.duration}" and --run-time "${f.runTime}" were given; --run-time is Locust's name for --duration`, "keep one of them");
    f.duration = f.runTime;
  }
  if (!file === !f.url) {
    throw new HeadroomError(file ? "HR_CONFLICTING_FLAGS" : "HR_MISSING_ARGUMENT", file ? `both a scenario file ("${file}") and --url were given; a run takes one or the other` : "nothing to run: no scenario file and no --url", "run `headroom run --url http://host/path --connections 50 --duration 30s` or `headroom run my.scenario.ts --users 100 --duration 5m`");
  }
  const misplaced = file
    ? [f.think && "--think", f.method && f.method.toUpperCase() !== "GET" && "--method", f.header && "--header", f.body !== undefined && "--body"]
    : [f.host && "--host", f.baseUrl && "--base-url", f.var && "--var", f.profile && "--profile"];
  const wrong = misplaced.filter(Boolean) as string[];
  if (wrong.length > 0) {
    throw new HeadroomError(
      "HR_CONFLICTING_FLAGS",
      `${wrong.join(", ")} ${wrong.length > 1 ? "apply" : "applies"} to ${file ? "single-URL tests (--url), not scenario files" : "scenario files, not single-URL tests"}`,
      file ? "put headers, bodies and waits in the scenario (userClass headers, request options, wait strategies)" : "drop them, or run a scenario file instead of --url",
    );
  }
  const gates = parseRunGates(f, io.cwd);
  const vars = Object.fromEntries((f.var ?? []).map(parseVar));
  const workers = f.workers ? parseCount(f.workers, "--workers") : defaultWorkers();
  const seed = f.seed !== undefined ? parseCount(f.seed, "--seed", 0) : undefined;
  const segment = f.segment !== undefined ? parseSegmentFlag(f.segment) : undefined;
  const startAtEpochMs = f.startAt !== undefined ? parseStartAt(f.startAt) : undefined;
  const streamTarget = f.stream !== undefined ? parseStreamUrl(f.stream) : undefined;
  if (streamTarget && !segment) throw new HeadroomError("HR_MISSING_ARGUMENT", "--stream was given without --segment", "give this host's share, e.g. --segment 0/4 (0/1 for a test on one host), so `headroom collect` can account for every host");
  let request: SingleRequest | undefined;
  let scenario: Scenario | undefined;
  let baseUrl: string | undefined;
  let profile: Profile | undefined;
  if (f.url) {
    profile = profileFromFlags(f, false);
    request = { url: parseUrl(f.url, "--url"), method: (f.method ?? "GET").toUpperCase(), headers: Object.fromEntries((f.header ?? []).map(parseHeader)), ...(f.body !== undefined ? { body: f.body } : {}) };
  } else {
    const path = resolve(io.cwd, file!);
    const host = f.host ?? f.baseUrl;
    const hostUrl = host ? parseUrl(host, f.host ? "--host" : "--base-url") : undefined;
    checkScenarioFile(path, file);
    if (f.typecheck && !(await typecheckScenario(path)).checked) io.stderr.write(TYPECHECK_SKIPPED_NOTE);
    scenario = await loadScenario(path);
    const exported = Object.keys(scenario.profiles ?? {});
    if (!f.profile && exported.length > 0 && !f.users && !f.rate && !f.stages) {
      throw new HeadroomError("HR_MISSING_ARGUMENT", `no load given; ${scenario.sourcePath ?? scenario.name} exports the profiles ${exported.join(", ")}`, `pick one with --profile ${exported[0]}, or give --users N (--spawn-rate R) or --rate R with --duration`);
    }
    profile = f.profile ? profileWithOverrides(pickProfile(scenario, f.profile), f) : profileFromFlags(f, true);
    baseUrl = hostUrl ?? scenario.host;
    if (!baseUrl) throw new HeadroomError("HR_MISSING_ARGUMENT", `scenario "${scenario.name}" has no host to send requests to`, "pass --host http://host:port (or set `host` in the scenario)");
  }
  if (!profile) throw new Error("unreachable: no profile");
  const plan = describeProfile(profile, {
    workers,
    ...(seed !== undefined ? { seed } : {}),
    ...(request ? { url: request.url, method: request.method } : {}),
    ...(scenario ? { scenario: scenario.sourcePath ?? scenario.name, classes: describeClasses(scenario, profile) } : {}),
  });
  if (f.dryRun) {
    const d = describeRun(profile, plan);
    io.stdout.write(f.json ? JSON.stringify(d, null, 2) + "\n" : d.text);
    return EXIT.OK;
  }
  await checkReachable(request?.url ?? baseUrl!);

  const id = newRunId();
  const dir = gates.outputs.dir ? resolve(io.cwd, gates.outputs.dir) : join(io.cwd, "runs", id);
  if (gates.outputs.dir) checkOutDir(dir, f.force);
  const notes = segment ? [`this run is segment ${f.segment} of a test split across hosts: \`headroom merge\` the hosts' run directories for the whole`] : undefined;
  const manifest = newRunManifest({ id, name: profile.name, plan, ...(notes ? { notes } : {}), ...(profile.loadLevel ? { loadLevel: profile.loadLevel } : {}), target: request ? { url: request.url } : { url: baseUrl!, scenario: scenario!.sourcePath ?? scenario!.name } });
  const log = f.json ? io.stderr : io.stdout;
  const progress = progressSink(log, plan.durationSec);
  const warnings: string[] = [];
  const stop = new AbortController();
  const warn = (message: string): void => {
    warnings.push(message);
    progress.end();
    io.stderr.write(`warning: ${message}\n`);
  };
  const sinks = await openRunSinks({
    outputs: gates.outputs,
    cwd: io.cwd,
    run: { id, name: profile.name },
    thresholds: gates.thresholds,
    ...(gates.abortGraceSec !== undefined ? { abortOnFail: { graceSec: gates.abortGraceSec } } : {}),
    onAbort: (failing) => {
      progress.end();
      io.stderr.write(`\nthreshold failed after ${gates.abortGraceSec} s grace, stopping the run (--abort-on-fail):\n${failing.map((r) => `  ${r.line}\n`).join("")}`);
      stop.abort();
    },
    onWarning: warn,
  });
  if (segment) manifest.distributed = { segment: formatSegment([segment]), ...(startAtEpochMs !== undefined ? { plannedStartEpochMs: startAtEpochMs } : {}) };
  // Connected before the run directory is made: an unreachable Redis stops the run before it starts.
  const stream = streamTarget ? await (await import("../k8s/redis-stream.js")).openStreamPublisher(streamTarget, formatSegment([segment!]), warn) : undefined;
  const store = createRunStore(dir, manifest);
  const unhook = io.onInterrupt(() => {
    if (!stop.signal.aborted) io.stderr.write("\nstopping: finishing requests in flight and writing the summary (Ctrl-C again to quit at once)\n");
    stop.abort();
  });
  if (!f.json) io.stdout.write(`running ${profile.executor} test for ${plan.durationSec} s with ${workers} worker${workers > 1 ? "s" : ""}; run directory ${dir}\n`);
  try {
    const summary = await runTest({
      profile,
      store,
      workers,
      signal: stop.signal,
      vars,
      ...(request ? { request } : { scenario: scenario! }),
      ...(baseUrl ? { baseUrl } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(segment ? { segment: [segment] } : {}),
      ...(startAtEpochMs !== undefined ? { startAtEpochMs } : {}),
      onInterval: (line) => {
        progress.line(line);
        sinks.line(line);
        stream?.line(line);
      },
      onWarning: warn,
      onStart: (startEpochMs) => {
        if (manifest.distributed) store.updateManifest({ distributed: { ...manifest.distributed, startEpochMs } });
        stream?.manifest(readRunStore(dir).manifest);
      },
    });
    progress.end();
    const written = await sinks.finish();
    const aborted = sinks.abortedBy;
    if (aborted) warnings.push(`stopped early by --abort-on-fail: ${aborted.map((r) => r.line).join("; ")}`);
    // The manifest is final by now; the warnings join it as notes.
    if (warnings.length > 0) store.updateManifest({ notes: [...(notes ?? []), ...warnings] });
    if (f.json) io.stdout.write(JSON.stringify(summary) + "\n");
    else io.stdout.write("\n" + formatSummaryTable(summary));
    const verdict = await finishRun({ dir, gates, thresholds: sinks.judge(), writeReport: f.report, written, io, log });
    if (summary.runStatus === "interrupted" && !aborted) return EXIT.INTERRUPTED;
    return aborted || verdict.failed ? EXIT.TARGETS_FAILED : EXIT.OK;
  } finally {
    progress.end();
    unhook();
    if (stream) {
      stream.manifest(readRunStore(dir).manifest);
      await stream.close();
    }
  }
}
