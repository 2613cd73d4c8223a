// `headroom plan`: parses the flags into the plan job's options (jobs/plan-job.ts), prints its
// events, writes the documents it returns and sets the exit code. The job starts the platform
// (the MueJam API's adapter by default, --platform MODULE, or the one at --target), runs the
// suite's profiles with telemetry and the breaking-point search, and builds the capacity plan,
// the per-test result documents, the HTML report, summary.json, JUnit, alert rules and a Grafana
// dashboard.
import { writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { parseSlo, sloFromTargets } from "../analysis/slo.js";
import { EXIT } from "../core/errors.js";
import { redactCommandLine } from "../core/redact.js";
import { newRunId } from "../engine/manifest.js";
import { checkReachable } from "../engine/preflight.js";
import { BREAKING_POINT_STAGE, QUICK_SEARCH, SEARCH_MAX_USERS, sloFlag } from "../jobs/breaking-point.js";
import { HOSTS_HELP } from "./hosts-flag.js";
import { runPlanJob, type PlanJobOptions, type PlanJobResult, type PlanSearchStage } from "../jobs/plan-job.js";
import { parseDurationMs } from "../plan/duration.js";
import { loadScenario } from "../plan/load-scenario.js";
import { QUICK_SCALE } from "../plan/scale-profile.js";
import { buildTargets, readTargetsFile } from "../plan/targets.js";
import { loadInfrastructure } from "../planning/load-infrastructure.js";
import { alertThresholdsFromTargets, DEFAULT_ALERT_THRESHOLDS } from "../report/ops/alert-rules.js";
import { makeDirectory } from "../store/make-directory.js";
import { checkOutDir } from "../store/out-dir.js";
import { collect, parseCount, parseVar } from "./flags.js";
import type { CommandContext } from "./main.js";
import { checkPlanFlags, planTarget, suitePathOf, suiteScale, type PlanFlags } from "./plan-flags.js";
import { planJobProgress } from "./plan-progress.js";
import { describeStage, describeTests, searchStage, selectTests, type SearchStage } from "./plan-suite.js";
import { planExitCode, printPlanSummary } from "./plan-summary.js";

/** The command a user runs to search further than the stage did (in the search's notes). */
function furtherCommand(f: PlanFlags, suiteArg: string, stage: SearchStage): (from: number) => string {
  const tokensArg = f.target ? (f.tokens ? ` --var tokens=${f.tokens}` : "") : " --var tokens=tokens.json";
  const where = f.target ? "" : f.platform ? ` (against the platform ${f.platform} starts)` : " (against the MueJam API started with npm run start -w apps/backend)";
  return (from) => `headroom search ${suiteArg} --host ${f.target ?? "http://127.0.0.1:3000"}${tokensArg} --start ${from} --slo "${sloFlag(stage.slo)}"${where}`;
}

type PlanSettings = Omit<PlanJobOptions, "target" | "outDir" | "startedAt" | "signal">;

/** Everything the flags say about what runs and how it is judged (checked before anything starts). */
async function planSettings(ctx: CommandContext, f: PlanFlags, argv: string[], log: (s: string) => void): Promise<PlanSettings> {
  const { cwd } = ctx.io;
  const scale = suiteScale(f);
  const suitePath = suitePathOf(f, cwd);
  checkPlanFlags(f);
  const targetsPath = f.targets ? resolve(cwd, f.targets) : undefined;
  // One read of the targets file serves the verdicts and the alert rules.
  const targetsFile = targetsPath ? readTargetsFile(targetsPath) : undefined;
  const targets = targetsFile ? buildTargets([{ file: targetsFile, name: targetsPath! }]) : buildTargets();
  const alertThresholds = targetsFile ? alertThresholdsFromTargets(targetsFile, "peak", targetsPath!) : DEFAULT_ALERT_THRESHOLDS;
  const infrastructure = loadInfrastructure(cwd, f.infra);
  const slo = f.slo ? parseSlo(f.slo) : sloFromTargets(targets, "normal");
  const workers = parseCount(f.workers, "--workers");
  const telemetryIntervalMs = f.telemetryInterval ? parseDurationMs(f.telemetryInterval, "--telemetry-interval") : scale.time >= 1 ? 5000 : 1000;
  const vars = Object.fromEntries(f.var.map(parseVar));
  const seed = f.seed !== undefined ? parseCount(f.seed, "--seed", 0) : undefined;
  const scenario = await loadScenario(suitePath);
  const tests = selectTests(scenario, suitePath, f, scale);
  const stage = searchStage(f, scenario, scale, targets);
  log(`headroom plan: ${describeTests(tests, scale)}${stage ? describeStage(stage) : ""}`);
  const suiteArg = relative(cwd, suitePath) || suitePath;
  const search: PlanSearchStage | undefined = stage ? { ...stage, furtherCommand: furtherCommand(f, suiteArg, stage) } : undefined;
  return {
    scenario, tests, scale, targets, slo, alertThresholds, infrastructure, vars, workers, telemetryIntervalMs,
    warmupSec: parseDurationMs(f.warmup, "--warmup") / 1000,
    command: redactCommandLine("headroom plan", argv),
    ...(search ? { search } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(f.suite ? { suite: suiteArg } : {}),
  };
}

async function plan(ctx: CommandContext, f: PlanFlags, argv: string[]): Promise<void> {
  const { io } = ctx;
  const out = f.json ? io.stderr : io.stdout;
  const log = (s: string): void => void out.write(s + "\n");
  const settings = await planSettings(ctx, f, argv, log);
  if (f.dryRun) return;
  const target = await planTarget(f, io.cwd, io.env);
  if (f.target) await checkReachable(f.target);
  const startedAt = new Date();
  const outDir = resolve(io.cwd, f.out ?? join("runs", `plan-${newRunId(startedAt)}`));
  if (f.out) checkOutDir(outDir, f.force);
  makeDirectory(outDir);
  const abort = new AbortController();
  const offInterrupt = io.onInterrupt(() => {
    log("\ninterrupted: finishing the current second, then writing the reports of the tests completed so far (Ctrl-C again to quit at once)");
    abort.abort();
  });
  let result: PlanJobResult;
  try {
    result = await runPlanJob({ ...settings, target, outDir, startedAt, signal: abort.signal }, planJobProgress(out));
  } finally {
    offInterrupt();
  }
  const docs = result.documents;
  if (!docs) {
    ctx.setExitCode(EXIT.INTERRUPTED);
    log(`no test completed; nothing to report (run data so far: ${outDir})`);
    return;
  }
  for (const [rel, text] of docs.files) {
    makeDirectory(dirname(join(outDir, rel)));
    writeFileSync(join(outDir, rel), text);
  }
  printPlanSummary(log, result, docs, relative(io.cwd, outDir) || ".");
  if (f.json) io.stdout.write(docs.files.get("summary.json") ?? "{}\n");
  const code = planExitCode(log, result);
  if (code !== undefined) ctx.setExitCode(code);
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("plan")
    .description("run the load suite against the platform, sample its metrics, and write the capacity plan with measured numbers")
    .option("--target <url>", "the platform's base URL (default: start the MueJam API on embedded PostgreSQL, or on DATABASE_URL / REDIS_URL)")
    .option("--platform <module>", "a target adapter module that starts the platform (exports createTarget; default: the MueJam API's, apps/backend/src/headroom-target.ts)")
    .option("--suite <file>", "a scenario file that exports `profiles` (default: the MueJam suite, apps/backend/tests/load_tests/muejam.scenario.ts)")
    .option("--profiles <list>", `run only these profiles, comma-separated (e.g. baseline,peak); name ${BREAKING_POINT_STAGE} in the list to keep the search stage`)
    .option("--out <dir>", "where the report set goes (default runs/plan-<id>)")
    .option("--full", "the MueJam capacity plan template's real users and durations: 73 minutes of load (the seven profiles and the failure-scenarios test), then the breaking-point search")
    .option("--scale <f>", `multiply users and durations by F (e.g. 0.5); default: the template's users, durations x${QUICK_SCALE.time}`)
    .option("--time-scale <f>", "multiply durations by F (users unchanged by it)")
    .option("--targets <file>", "targets (tiers per load level) merged over config/targets.default.json")
    .option("--infra <file>", "infrastructure model merged over config/infrastructure.default.json")
    .option("--slo <expr>", 'limits a load step must meet to count within capacity, e.g. "p95<500ms,errors<1%" (default: the normal level\'s targets)')
    .option("--workers <n>", "load generator worker threads", "1")
    .option("--instances <n>", "app instances: started (default platform) or running behind --target (per-instance figures divide by it)", "1")
    .option("--telemetry-interval <d>", "sampling period (default 5s with --full, 1s for scaled runs)")
    .option("--var <k=v>", "a variable for the suite's scenario (repeatable)", collect, [])
    .option("--tokens <file>", "with --target: a JSON array of {userId, token} for authenticated users")
    .option("--postgres <url>", "with --target: PostgreSQL to sample (pg_stat_activity, pg_stat_statements); the failure-scenarios test drops the app's connections on it")
    .option("--redis <url>", "with --target: Redis to sample (INFO); the failure-scenarios test pauses it 2 s (CLIENT PAUSE)")
    .option("--metrics <url>", "with --target: the Prometheus endpoint (default <target>/metrics)")
    .option("--pid <pid>", "with --target: app process to sample (repeatable; default: the process listening on a local target's port); the failure-scenarios test stalls only these", collect, [])
    .option("--lab", "start the MueJam API with lab faults enabled (see apps/backend/README.md)")
    .option("--fault <names>", "with --lab: faults to enable (tiny-pool, n-plus-one, cache-off, slow-query, leak, cpu-burn)", collect, [])
    .option("--seed <n>", "random seed (reproducible user mix and waits)")
    .option("--dataset <size>", "data loaded into an empty database: small, default (10,000 users, 50,000 stories), large, or USERSxSTORIES", "default")
    .option("--warmup <d>", "unmeasured warm-up before the suite (0 to skip)", "10s")
    .option("--no-search", `skip the ${BREAKING_POINT_STAGE} stage (the search above the peak profile's users)`)
    .option("--search-budget <d>", `time budget of the ${BREAKING_POINT_STAGE} search (default ${QUICK_SEARCH.budgetSec}s; none with --full; 0 for none)`)
    .option("--search-max-users <n>", `most users a search step runs (default ${SEARCH_MAX_USERS}: the generator's memory stays bounded)`)
    .option("--hosts <n>", HOSTS_HELP.replace("each step's load", `each ${BREAKING_POINT_STAGE} step's load`))
    .option("--keep-tokens", "keep the suite's bearer tokens as tokens.json (mode 0600) in the report folder; by default they live in a private temporary folder removed at the end")
    .option("--force", "with --out: write into a folder that already holds files (an earlier plan's are overwritten)")
    .option("--json", "print summary.json on stdout (progress goes to stderr)")
    .option("--dry-run", "print the tests that would run and exit")
    .addHelpText(
      "after",
      `
Examples:
  npx headroom plan                          quick run (under 5 minutes: the profiles, then a 30 s breaking-point search)
  npx headroom plan --full                   73 minutes of load at the template's real users and durations, then a search without a budget
  npx headroom plan --profiles baseline,peak --out runs/today        two profiles, no search
  npx headroom plan --profiles peak,breaking-point                    the peak profile, then the search
  npx headroom plan --no-search                                       the seven profiles only
  npx headroom plan --target http://staging:8000 --suite my.scenario.ts --postgres postgres://... --redis redis://...

Exit codes: 0 all targets met, 99 a target failed (documents still written), 130 interrupted
(completed tests reported), 2 bad usage, 3 bad suite or config, 4 platform could not start.`,
    )
    .action(async (flags: PlanFlags) => {
      await plan(ctx, flags, ctx.argv.slice(ctx.argv.indexOf("plan") + 1));
    });
}
