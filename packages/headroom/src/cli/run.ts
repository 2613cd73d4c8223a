// `headroom run`: one test, from a URL or a scenario file, to a run directory.
//   headroom run --url URL [--method M] [--header "K: V"]... [--body B] (--connections C | --rate R | --users N) --duration D
//   headroom run FILE.ts [--users N --spawn-rate R | --rate R] --duration D [--host URL] [--var k=v]
import { resolve } from "node:path";
import type { Command } from "commander";
import { EXIT, HeadroomError } from "../core/errors.js";
import { describeRun } from "../engine/describe-run.js";
import { checkReachable } from "../engine/preflight.js";
import { describeClasses } from "../engine/scenario-workload.js";
import { defaultWorkers } from "../engine/run-test.js";
import { checkScenarioFile, loadScenario } from "../plan/load-scenario.js";
import { describeProfile } from "../plan/profile.js";
import { TYPECHECK_SKIPPED_NOTE, typecheckScenario } from "../plan/typecheck-scenario.js";
import { parseStreamUrl } from "../k8s/stream-target.js";
import { collect, parseCount, parseVar } from "./flags.js";
import type { CliIo } from "./io.js";
import type { CommandContext } from "./main.js";
import { parseRunGates } from "./run-finish.js";
import { executeRun, type RunTarget } from "./run-execute.js";
import { parseHeader, parseSegmentFlag, parseStartAt, parseUrl, pickProfile, profileFromFlags, profileWithOverrides, type RunFlags } from "./run-flags.js";

export { parseHeader, parseStages, profileFromFlags, profileWithOverrides } from "./run-flags.js";

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

/** Refuses what cannot mean anything: both or neither of a file and --url, flags of the other kind of run. */
function checkRunKind(file: string | undefined, f: RunFlags): void {
  if (f.runTime !== undefined) {
    if (f.duration !== undefined) {
      throw new HeadroomError("HR_CONFLICTING_FLAGS", `both --duration "${f.duration}" and --run-time "${f.runTime}" were given; --run-time is Locust's name for --duration`, "keep one of them");
    }
    f.duration = f.runTime;
  }
  if (!file === !f.url) {
    throw new HeadroomError(
      file ? "HR_CONFLICTING_FLAGS" : "HR_MISSING_ARGUMENT",
      file ? `both a scenario file ("${file}") and --url were given; a run takes one or the other` : "nothing to run: no scenario file and no --url",
      "run `headroom run --url http://host/path --connections 50 --duration 30s` or `headroom run my.scenario.ts --users 100 --duration 5m`",
    );
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
}

/** The single request and its profile from the flags, or the scenario file loaded (type-checked first) with its host and profile. */
async function runTarget(file: string | undefined, f: RunFlags, io: CliIo): Promise<RunTarget> {
  if (f.url) {
    const profile = profileFromFlags(f, false);
    const headers = Object.fromEntries((f.header ?? []).map(parseHeader));
    return { profile, request: { url: parseUrl(f.url, "--url"), method: (f.method ?? "GET").toUpperCase(), headers, ...(f.body !== undefined ? { body: f.body } : {}) } };
  }
  const path = resolve(io.cwd, file!);
  const host = f.host ?? f.baseUrl;
  const hostUrl = host ? parseUrl(host, f.host ? "--host" : "--base-url") : undefined;
  checkScenarioFile(path, file);
  if (f.typecheck && !(await typecheckScenario(path)).checked) io.stderr.write(TYPECHECK_SKIPPED_NOTE);
  const scenario = await loadScenario(path);
  const exported = Object.keys(scenario.profiles ?? {});
  if (!f.profile && exported.length > 0 && !f.users && !f.rate && !f.stages) {
    throw new HeadroomError(
      "HR_MISSING_ARGUMENT",
      `no load given; ${scenario.sourcePath ?? scenario.name} exports the profiles ${exported.join(", ")}`,
      `pick one with --profile ${exported[0]}, or give --users N (--spawn-rate R) or --rate R with --duration`,
    );
  }
  const profile = f.profile ? profileWithOverrides(pickProfile(scenario, f.profile), f) : profileFromFlags(f, true);
  const baseUrl = hostUrl ?? scenario.host;
  if (!baseUrl) throw new HeadroomError("HR_MISSING_ARGUMENT", `scenario "${scenario.name}" has no host to send requests to`, "pass --host http://host:port (or set `host` in the scenario)");
  return { scenario, baseUrl, profile };
}

async function runCommand(file: string | undefined, f: RunFlags, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  checkRunKind(file, f);
  const gates = parseRunGates(f, io.cwd);
  const vars = Object.fromEntries((f.var ?? []).map(parseVar));
  const workers = f.workers ? parseCount(f.workers, "--workers") : defaultWorkers();
  const seed = f.seed !== undefined ? parseCount(f.seed, "--seed", 0) : undefined;
  const segment = f.segment !== undefined ? parseSegmentFlag(f.segment) : undefined;
  const startAtEpochMs = f.startAt !== undefined ? parseStartAt(f.startAt) : undefined;
  const streamTarget = f.stream !== undefined ? parseStreamUrl(f.stream) : undefined;
  if (streamTarget && !segment) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", "--stream was given without --segment", "give this host's share, e.g. --segment 0/4 (0/1 for a test on one host), so `headroom collect` can account for every host");
  }
  const target = await runTarget(file, f, io);
  const { request, scenario, profile } = target;
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
  await checkReachable(request?.url ?? target.baseUrl!);
  return executeRun({ ...target, gates, vars, workers, seed, segment, startAtEpochMs, streamTarget, plan }, f, io);
}
