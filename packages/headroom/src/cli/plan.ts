// `headroom plan`: the main job. Starts the MueJam API on the embedded defaults (or uses
// --target), runs the suite's profiles with telemetry, judges every figure and writes the
// capacity plan, the per-test result documents, the HTML report, summary.json, JUnit, alert
// rules and a Grafana dashboard.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { platform, release, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { parseSlo, sloFromTargets } from "../analysis/slo.js";
import type { Slo } from "../analysis/types.js";
import { newRunId, hostInfo, newRunManifest } from "../engine/manifest.js";
import { checkReachable } from "../engine/preflight.js";
import { runTest } from "../engine/run-test.js";
import { checkOutDir } from "../store/out-dir.js";
import { createRunStore } from "../store/run-store.js";
import { EXIT, HeadroomError } from "../core/errors.js";
import { parseDurationMs } from "../plan/duration.js";
import { loadScenario } from "../plan/load-scenario.js";
import { describeProfile, validateProfile, type Profile } from "../plan/profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import { buildTargets, readTargetsFile, type Targets } from "../plan/targets.js";
import { alertThresholdsFromTargets, DEFAULT_ALERT_THRESHOLDS } from "../report/ops/alert-rules.js";
import { formatDuration } from "../report/format.js";
import type { EnvironmentInfo, PlanSearch } from "../report/model/plan-report-model.js";
import type { LoadLevel } from "../core/types.js";
import { stepsFromRuns } from "../analysis/load-steps.js";
import { BREAKING_POINT_STAGE, FULL_SEARCH, planSearchStart, QUICK_SEARCH, runBreakingPoint, SEARCH_MAX_USERS, searchStartUsers, sloFlag, type SearchStageSettings } from "../jobs/breaking-point.js";
import { buildPlanDocuments, runsTheStandardMix } from "../jobs/plan-documents.js";
import { scheduleFaults, type FaultTargets } from "../plan/faults.js";
import { runSuite, type SuiteTest } from "../jobs/run-suite.js";
import { headlineOf } from "../report/model/headline.js";
import { headlineText } from "../report/markdown/headline-render.js";
import { FULL_SCALE, QUICK_SCALE, peakUsers, scaleProfile, type SuiteScale } from "../plan/scale-profile.js";
import type { TelemetryConfig } from "../telemetry/types.js";
import { makeDirectory } from "../store/make-directory.js";
import { redactCommandLine } from "../core/redact.js";
import { VERSION } from "../core/version.js";
import { collect, parseCount, parseHttpUrl, parsePositive, parseVar } from "./flags.js";
import type { CommandContext } from "./main.js";
import { loadInfrastructure } from "./scale.js";
import { breakingPointProgress, planProgress } from "./plan-progress.js";
import { loadMuejamBackend, type MuejamBackend, type MuejamRunningPlatform } from "./muejam-backend.js";

interface PlanFlags {
  target?: string;
  suite?: string;
  profiles?: string;
  out?: string;
  scale?: string;
  timeScale?: string;
  full?: boolean;
  targets?: string;
  infra?: string;
  slo?: string;
  workers: string;
  instances: string;
  telemetryInterval?: string;
  var: string[];
  tokens?: string;
  postgres?: string;
  redis?: string;
  metrics?: string;
  pid: string[];
  json?: boolean;
  dryRun?: boolean;
  lab?: boolean;
  fault: string[];
  seed?: string;
  warmup: string;
  dataset: string;
  /** false with --no-search. */
  search: boolean;
  searchBudget?: string;
  searchMaxUsers?: string;
  keepTokens?: boolean;
  force?: boolean;
}

/** `--dataset`: the size of the data the MueJam API is seeded with when its database is empty. */
export function parseDataset(text: string): { users: number; stories: number } {
  const presets: Record<string, { users: number; stories: number }> = { small: { users: 1000, stories: 5000 }, default: { users: 10_000, stories: 50_000 }, large: { users: 100_000, stories: 500_000 } };
  const preset = presets[text];
  if (preset) return preset;
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new HeadroomError("HR_BAD_ARGUMENT", `--dataset "${text}" is not a dataset size; expected small, default, large or USERSxSTORIES`, "e.g. --dataset small (1,000 users, 5,000 stories) or --dataset 20000x100000");
  }
  return { users: Number(m[1]), stories: Number(m[2]) };
}

/** The MueJam suite shipped with the repository: the default when --suite is not given. */
export const DEFAULT_SUITE = fileURLToPath(new URL("../../../../apps/backend/tests/load_tests/muejam.scenario.ts", import.meta.url));

const LEVELS: LoadLevel[] = ["normal", "peak", "sustained"];

function suiteScale(f: PlanFlags): SuiteScale {
  if (f.full && (f.scale || f.timeScale)) {
    throw new HeadroomError("HR_CONFLICTING_FLAGS", "--full runs the capacity plan template's real users and durations; it cannot be combined with --scale or --time-scale", "drop --full for a scaled run, or drop --scale/--time-scale for the full one");
  }
  if (f.full) return FULL_SCALE;
  let s: SuiteScale = QUICK_SCALE;
  if (f.scale) {
    const k = parsePositive(f.scale, "--scale", "0.5");
    s = { users: k, time: k, minDurationSec: k < 1 ? QUICK_SCALE.minDurationSec : 0 };
  }
  if (f.timeScale) s = { ...s, time: parsePositive(f.timeScale, "--time-scale", "0.1") };
  return s;
}

function selectTests(scenario: Scenario, suitePath: string, f: PlanFlags, scale: SuiteScale): SuiteTest[] {
  const all = (scenario.profiles ?? {}) as Record<string, Profile & { loadLevel?: LoadLevel }>;
  const names = Object.keys(all);
  if (names.length === 0) {
    throw new HeadroomError("HR_SCENARIO_INVALID", `${suitePath} exports no profiles`, "export `profiles` from the suite file: a record of name → profile (users, spawnRate, durationSec, stages, loadLevel), as apps/backend/tests/load_tests/profiles.ts does");
  }
  // The breaking-point search is a stage after the profiles, not a profile (see searchStage).
  const wanted = f.profiles ? f.profiles.split(",").map((s) => s.trim()).filter((s) => s && s !== BREAKING_POINT_STAGE) : names;
  for (const w of wanted) {
    if (!all[w]) throw new HeadroomError("HR_BAD_ARGUMENT", `--profiles names "${w}", which the suite does not have`, `choose among: ${[...names, BREAKING_POINT_STAGE].join(", ")}`);
  }
  return wanted.map((name) => {
    const base = all[name]!;
    const profile = validateProfile(scaleProfile({ ...base, name }, scale));
    scheduleFaults(profile.faults, profile.durationSec, name);
    const loadLevel = base.loadLevel && LEVELS.includes(base.loadLevel) ? base.loadLevel : "normal";
    return { name, profile, loadLevel };
  });
}

function describeTests(tests: SuiteTest[], scale: SuiteScale): string {
  const rows = tests.map((t) => {
    const users = t.profile.stages?.length ? t.profile.stages.map((s) => s.users ?? "?").join(" → ") : String(t.profile.users ?? t.profile.rate ?? "");
    return `  ${t.name.padEnd(18)} ${t.loadLevel.padEnd(9)} users ${users.padEnd(16)} ${formatDuration(t.profile.durationSec)}`;
  });
  const total = tests.reduce((a, t) => a + t.profile.durationSec, 0);
  const how = scale.users === 1 && scale.time === 1 ? "the capacity plan template's users and durations (--full)" : `users x${scale.users}, durations x${scale.time} (at least ${scale.minDurationSec} s each)`;
  return `${tests.length} tests, ${formatDuration(total)} of load; ${how}\n${rows.join("\n")}\n`;
}

interface SearchStage {
  settings: SearchStageSettings;
  startUsers: number;
  maxUsers: number;
  slo: Slo;
}

/**
 * The breaking-point stage after the profiles: it runs by default, with --profiles only when the
 * list names it, never with --no-search. Quick plans give it a time budget; --full runs it with
 * `headroom search`'s defaults. Its SLO is the peak level's targets (or --slo).
 */
function searchStage(f: PlanFlags, scenario: Scenario, scale: SuiteScale, targets: Targets): SearchStage | undefined {
  const named = f.profiles?.split(",").map((s) => s.trim()).includes(BREAKING_POINT_STAGE) ?? false;
  if (named && !f.search) {
    throw new HeadroomError("HR_CONFLICTING_FLAGS", `--profiles names ${BREAKING_POINT_STAGE} but --no-search skips it`, `drop --no-search to run the search, or drop ${BREAKING_POINT_STAGE} from --profiles`);
  }
  if (!f.search || (f.profiles !== undefined && !named)) return undefined;
  let settings: SearchStageSettings = { ...(f.full ? FULL_SEARCH : QUICK_SEARCH) };
  if (f.searchBudget !== undefined) {
    const budgetSec = parseDurationMs(f.searchBudget, "--search-budget") / 1000;
    const { budgetSec: _drop, ...unbounded } = settings;
    settings = budgetSec > 0 ? { ...settings, budgetSec } : unbounded;
    const oneStep = settings.warmupSec + settings.windowSec + 2;
    if (budgetSec > 0 && budgetSec < oneStep) {
      throw new HeadroomError("HR_BAD_ARGUMENT", `--search-budget ${f.searchBudget} is shorter than one search step (${settings.warmupSec} s warm-up + ${settings.windowSec} s window + 2 s)`, `give it at least ${oneStep}s, e.g. --search-budget 40s, or 0 for no budget`);
    }
  }
  const maxUsers = f.searchMaxUsers !== undefined ? parseCount(f.searchMaxUsers, "--search-max-users") : SEARCH_MAX_USERS;
  const slo = f.slo ? parseSlo(f.slo) : sloFromTargets(targets, "peak");
  return { settings, startUsers: searchStartUsers((scenario.profiles ?? {}) as Record<string, Profile>, scale, maxUsers), maxUsers, slo };
}

function describeStage(st: SearchStage): string {
  const s = st.settings;
  return `  ${BREAKING_POINT_STAGE.padEnd(18)} peak      users ${`${st.startUsers} x${s.growth} .. ${st.maxUsers}`.padEnd(16)} ${s.budgetSec !== undefined ? `${s.budgetSec} s budget` : `${s.maxSteps} steps of up to ${s.stepSec} s`} (search: ${s.warmupSec} s warm-up + ${s.windowSec} s window a step; --no-search skips it)\n`;
}

/** Tokens the database can back: `wanted`, or as many as it has users (users beyond share them: user i takes token i mod N). */
async function mintableTokens(databaseUrl: string, wanted: number): Promise<number> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const r = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
    return Math.max(1, Math.min(wanted, r.rows[0]?.n ?? wanted));
  } finally {
    await client.end();
  }
}

interface Platform {
  url: string;
  telemetry: TelemetryConfig;
  vars: Record<string, string>;
  instances: number;
  environment: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** What the failure-scenarios test may break: only what headroom started or was given. */
  faultTargets: FaultTargets;
  /** Bearer tokens minted for the suite (default platform). */
  tokens?: number;
  notes: string[];
  /** `graceMs`: how long a platform headroom started may drain before it is killed. */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

async function startDefaultPlatform(ctx: CommandContext, f: PlanFlags, outDir: string, tokenCount: number, log: (s: string) => void): Promise<Platform> {
  let backend: MuejamBackend;
  try {
    backend = await loadMuejamBackend();
  } catch (e) {
    throw new HeadroomError("HR_SERVICE_START", `the MueJam API (@muejam/backend) could not be loaded: ${(e as Error).message}`, "run `npm ci` at the repository root, or point headroom at your platform with --target URL --suite FILE", { cause: e });
  }
  const instances = parseCount(f.instances, "--instances");
  const databaseUrl = ctx.io.env.DATABASE_URL || undefined;
  const redisUrl = ctx.io.env.REDIS_URL || undefined;
  log(`starting the MueJam API (${instances} instance${instances > 1 ? "s" : ""}) on ${databaseUrl ? "DATABASE_URL" : "embedded PostgreSQL"}${redisUrl ? " and REDIS_URL" : " with the in-process cache and limiter (no REDIS_URL)"}...`);
  let running: MuejamRunningPlatform;
  try {
    running = await backend.startPlatform({
      instances,
      // A secret of this run only: tokens minted for it are worthless once it ends.
      tokenSecret: randomBytes(32).toString("base64url"),
      // The load generator, on this host, gives each virtual user an address of its own.
      trustProxy: [LOAD_GENERATOR_ADDRESS],
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(redisUrl ? { redisUrl } : {}),
      seed: parseDataset(f.dataset),
      ...(f.lab ? { lab: true, faults: f.fault.flatMap((x) => x.split(",")).filter(Boolean) } : {}),
      // Keys of this plan apart from any other user of the same Redis; rate-limit windows do not carry over.
      env: { MUEJAM_REDIS_PREFIX: `muejam:plan-${Date.now().toString(36)}:` },
      log: (line) => log(`  api: ${line}`),
    });
  } catch (e) {
    throw new HeadroomError("HR_SERVICE_START", `the MueJam API did not start: ${(e as Error).message}`, "check that Node can write to the temp directory (embedded PostgreSQL), or give DATABASE_URL of a running PostgreSQL; run with --verbose for detail", { cause: e });
  }
  try {
    const tokens = await backend.mintTokens({ databaseUrl: running.databaseUrl, secret: running.tokenSecret, count: await mintableTokens(running.databaseUrl, Math.max(1, tokenCount)) });
    const tokensFile = writeTokens(tokens, f.keepTokens ? outDir : undefined);
    log(`API ready at ${running.url} (pids ${running.pids.join(", ")}); minted ${tokens.length} tokens`);
    if (f.keepTokens) log(`warning: --keep-tokens: ${tokensFile} holds bearer tokens valid for 7 days against this run's API (mode 0600); delete it before sharing the report folder`);
    const notes: string[] = [];
    if (!redisUrl) notes.push("no REDIS_URL: the API used its in-process cache and rate limiter (Redis telemetry not measured)");
    if (f.lab) notes.push(`lab faults enabled: ${f.fault.join(",") || "none"}`);
    return {
      url: running.url,
      instances,
      databaseUrl: running.databaseUrl,
      ...(running.redisUrl ? { redisUrl: running.redisUrl } : {}),
      vars: { tokens: tokensFile },
      tokens: tokens.length,
      faultTargets: {
        baseUrl: running.url,
        databaseUrl: running.databaseUrl,
        pids: running.pids,
        ...(running.redisUrl ? { redisUrl: running.redisUrl } : {}),
        missing: { redis: "the API ran its in-process cache and rate limiter (no REDIS_URL): there is no Redis to pause" },
      },
      telemetry: {
        prometheus: { url: `${running.url}/metrics` },
        postgres: { connectionString: running.databaseUrl },
        ...(running.redisUrl ? { redis: { url: running.redisUrl } } : {}),
        processes: { pids: running.pids },
        host: true,
        others: { pids: running.pids },
      },
      environment: `local lab: MueJam API ${backend.APP_VERSION} (${instances} instance${instances > 1 ? "s" : ""}) on ${running.embeddedPostgres ? "embedded PostgreSQL" : "PostgreSQL (DATABASE_URL)"}${running.redisUrl ? " and Redis (REDIS_URL)" : ", in-process cache and limiter (no REDIS_URL)"}, same host as the load generator`,
      notes,
      stop: async (o?: { graceMs?: number }) => {
        try {
          await running.stop(o);
        } finally {
          if (!f.keepTokens) rmSync(dirname(tokensFile), { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    await running.stop();
    throw e;
  }
}

const LOAD_GENERATOR_ADDRESS = "127.0.0.1";

/**
 * The suite's tokens, readable by this user only (0600): in a private temporary folder removed when
 * the plan ends, or with --keep-tokens in the report folder (`keepIn`).
 */
export function writeTokens(tokens: readonly { userId: string; token: string }[], keepIn: string | undefined): string {
  const file = join(keepIn ?? mkdtempSync(join(tmpdir(), "headroom-tokens-")), "tokens.json");
  writeFileSync(file, JSON.stringify(tokens) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

function externalPlatform(f: PlanFlags): Platform {
  const url = parseHttpUrl(f.target!, "--target");
  const telemetry: TelemetryConfig = { host: true, prometheus: { url: f.metrics ? parseHttpUrl(f.metrics, "--metrics") : `${url}/metrics` } };
  if (f.postgres) telemetry.postgres = { connectionString: f.postgres };
  if (f.redis) telemetry.redis = { url: f.redis };
  const pids = f.pid.map((p) => parseCount(p, "--pid"));
  const port = Number(new URL(url).port || (url.startsWith("https:") ? 443 : 80));
  const local = /^(127\.|localhost|\[::1\])/.test(new URL(url).host);
  if (pids.length > 0 || local) telemetry.processes = pids.length > 0 ? { pids } : { port };
  telemetry.others = { ...(pids.length > 0 ? { pids } : {}), ...(local ? { port } : {}) };
  const vars: Record<string, string> = {};
  if (f.tokens) vars.tokens = resolve(f.tokens);
  const notes: string[] = [];
  if (!f.postgres) notes.push("no --postgres given: database telemetry not measured");
  if (!f.redis) notes.push("no --redis given: Redis telemetry not measured");
  // Faults act only on what was named: the database with --postgres, processes with --pid, Redis with --redis.
  const faultTargets: FaultTargets = {
    baseUrl: url,
    ...(f.postgres ? { databaseUrl: f.postgres } : {}),
    ...(pids.length > 0 ? { pids } : {}),
    ...(f.redis ? { redisUrl: f.redis } : {}),
    missing: { database: "no --postgres given", pids: "no --pid given: headroom stalls only processes it started or was given", redis: "no --redis given" },
  };
  return { url, telemetry, vars, faultTargets, instances: parseCount(f.instances, "--instances"), environment: `target ${url}`, notes, stop: async () => {} };
}

async function serviceVersions(p: Platform): Promise<Record<string, string>> {
  const versions: Record<string, string> = { headroom: VERSION, node: process.version, os: `${platform()} ${release()}` };
  if (p.databaseUrl) {
    try {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: p.databaseUrl, connectionTimeoutMillis: 3000 });
      await client.connect();
      const r = await client.query<{ server_version: string }>("SHOW server_version");
      versions.postgresql = r.rows[0]?.server_version ?? "unknown";
      await client.end();
    } catch {
      versions.postgresql = "unknown (query failed)";
    }
  }
  if (p.redisUrl) {
    try {
      const { Redis } = await import("ioredis");
      const r = new Redis(p.redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1 });
      await r.connect();
      const info = await r.info("server");
      versions.redis = /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
      r.disconnect();
    } catch {
      versions.redis = "unknown (INFO failed)";
    }
  }
  return versions;
}

/**
 * A short unmeasured run before the suite: the first requests to a freshly started platform pay
 * for JIT compilation, empty caches and cold buffers, which no test of the suite should be
 * judged on. Its run directory is kept (warm-up/) but not analysed.
 */
async function warmUp(scenario: Scenario, p: Platform, vars: Record<string, string>, outDir: string, seconds: number, workers: number, signal: AbortSignal, log: (s: string) => void): Promise<void> {
  log(`warming up for ${seconds} s (not measured)...`);
  const profile: Profile = { name: "warm-up", executor: "closed", users: 50, spawnRate: 25, durationSec: seconds };
  const dir = join(outDir, "warm-up");
  const store = createRunStore(dir, newRunManifest({ name: "warm-up", plan: describeProfile(profile), target: { url: p.url, scenario: scenario.sourcePath }, notes: ["warm-up before the suite: not analysed"] }));
  await runTest({ profile, scenario, store, workers, signal, baseUrl: p.url, vars });
}

async function plan(ctx: CommandContext, f: PlanFlags, argv: string[]): Promise<void> {
  const { io } = ctx;
  const out = f.json ? io.stderr : io.stdout;
  const log = (s: string): void => void out.write(s + "\n");
  const scale = suiteScale(f);
  const suitePath = resolve(io.cwd, f.suite ?? DEFAULT_SUITE);
  if (!f.suite && !existsSync(suitePath)) {
    throw new HeadroomError("HR_SCENARIO_NOT_FOUND", `the default MueJam suite is missing (${suitePath})`, "pass your suite with --suite FILE (a scenario file that exports `profiles`)");
  }
  if (f.target !== undefined) parseHttpUrl(f.target, "--target");
  if (f.fault.length > 0 && !f.lab) {
    throw new HeadroomError("HR_CONFLICTING_FLAGS", `--fault ${f.fault.join(",")} needs --lab (faults are never enabled by default)`, "add --lab to start the MueJam API in lab mode with these faults");
  }
  if (f.lab && f.target !== undefined) {
    throw new HeadroomError("HR_CONFLICTING_FLAGS", "--lab starts the MueJam API with faults; it cannot apply to a platform given with --target", "drop --target to let headroom start the MueJam API in lab mode, or drop --lab");
  }
  parseDataset(f.dataset);
  if (f.target !== undefined && f.suite === undefined && f.tokens === undefined && !f.var.some((v) => v.startsWith("tokens="))) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", "the MueJam suite against --target needs bearer tokens for its authenticated users", "mint them on the platform (`npm run -s tokens -w apps/backend -- --count 1000 > tokens.json` with its DATABASE_URL) and add --tokens tokens.json");
  }
  if (f.target === undefined && f.suite !== undefined) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", "--suite was given without --target", "a custom suite runs against your platform: add --target URL (the MueJam API starts only for the default suite)");
  }
  const targetsPath = f.targets ? resolve(io.cwd, f.targets) : undefined;
  // One read of the targets file serves the verdicts and the alert rules.
  const targetsFile = targetsPath ? readTargetsFile(targetsPath) : undefined;
  const targets = targetsFile ? buildTargets([{ file: targetsFile, name: targetsPath! }]) : buildTargets();
  const alertThresholds = targetsFile ? alertThresholdsFromTargets(targetsFile, "peak", targetsPath!) : DEFAULT_ALERT_THRESHOLDS;
  const infrastructure = loadInfrastructure(io.cwd, f.infra);
  const slo: Slo = f.slo ? parseSlo(f.slo) : sloFromTargets(targets, "normal");
  const workers = parseCount(f.workers, "--workers");
  const intervalMs = f.telemetryInterval ? parseDurationMs(f.telemetryInterval, "--telemetry-interval") : scale.time >= 1 ? 5000 : 1000;
  const vars = Object.fromEntries(f.var.map(parseVar));
  const seed = f.seed !== undefined ? parseCount(f.seed, "--seed", 0) : undefined;
  const scenario = await loadScenario(suitePath);
  const tests = selectTests(scenario, suitePath, f, scale);
  const stage = searchStage(f, scenario, scale, targets);
  log(`headroom plan: ${describeTests(tests, scale)}${stage ? describeStage(stage) : ""}`);
  if (f.dryRun) return;
  if (f.target) await checkReachable(f.target);

  const startedAt = new Date();
  const outDir = resolve(io.cwd, f.out ?? join("runs", `plan-${newRunId(startedAt)}`));
  if (f.out) checkOutDir(outDir, f.force);
  makeDirectory(outDir);
  const tokenCount = Math.max(...tests.map((t) => peakUsers(t.profile)), stage?.maxUsers ?? 0, 1);
  const platformHandle = f.target ? externalPlatform(f) : await startDefaultPlatform(ctx, f, outDir, tokenCount, log);
  const abort = new AbortController();
  const offInterrupt = io.onInterrupt(() => {
    log("\ninterrupted: finishing the current second, then writing the reports of the tests completed so far (Ctrl-C again to quit at once)");
    abort.abort();
  });
  try {
    const versions = await serviceVersions(platformHandle);
    const warmupSec = parseDurationMs(f.warmup, "--warmup") / 1000;
    if (warmupSec > 0) await warmUp(scenario, platformHandle, { ...platformHandle.vars, ...vars }, outDir, warmupSec, workers, abort.signal, log);
    const progress = planProgress(out);
    const result = await runSuite({
      tests,
      scenario,
      baseUrl: platformHandle.url,
      vars: { ...platformHandle.vars, ...vars },
      outDir,
      targets,
      telemetry: platformHandle.telemetry,
      telemetryIntervalMs: intervalMs,
      workers,
      userScale: scale.users,
      notes: platformHandle.notes,
      signal: abort.signal,
      onEvent: progress,
      faultTargets: platformHandle.faultTargets,
      ...(seed !== undefined ? { seed } : {}),
    });
    let search: PlanSearch | undefined;
    if (stage && !result.interrupted && !abort.signal.aborted) {
      const suiteArg = relative(io.cwd, suitePath) || suitePath;
      const tokensArg = f.target ? (f.tokens ? ` --var tokens=${f.tokens}` : "") : " --var tokens=tokens.json";
      const notes: string[] = [];
      if (platformHandle.tokens !== undefined && platformHandle.tokens < stage.maxUsers) {
        notes.push(`${platformHandle.tokens} bearer tokens were minted (as many as the database has users, at most the search's cap): above ${platformHandle.tokens} users some authenticated users share a token (user i takes token i mod ${platformHandle.tokens}); at the suite's 1-5 s think time two users on one token send about 40 requests a minute, under the 100/min per-user rate limit`);
      }
      // Start from an estimate of the break, from what the profiles measured.
      const mix = result.runs.filter(runsTheStandardMix).map((r) => r.store);
      const start = planSearchStart(stepsFromRuns(mix), mix, stage.slo, stage.startUsers, stage.maxUsers);
      notes.push(`the search started at ${start.startUsers} users: ${start.how}`);
      search = await runBreakingPoint({
        scenario,
        baseUrl: platformHandle.url,
        vars: { ...platformHandle.vars, ...vars },
        outDir,
        slo: stage.slo,
        targets,
        telemetry: platformHandle.telemetry,
        telemetryIntervalMs: intervalMs,
        workers,
        ...(seed !== undefined ? { seed } : {}),
        startUsers: start.startUsers,
        ...(start.thinkSec !== undefined ? { thinkSec: start.thinkSec } : {}),
        priorSteps: start.priorSteps,
        maxUsers: stage.maxUsers,
        settings: stage.settings,
        notes,
        furtherCommand: (from) => `headroom search ${suiteArg} --host ${f.target ?? "http://127.0.0.1:3000"}${tokensArg} --start ${from} --slo "${sloFlag(stage.slo)}"${f.target ? "" : " (against the MueJam API started with npm run start -w apps/backend)"}`,
        signal: abort.signal,
        onEvent: breakingPointProgress(out),
      });
    }
    if (result.runs.length === 0 && !search) {
      ctx.setExitCode(EXIT.INTERRUPTED);
      log(`no test completed; nothing to report (run data so far: ${outDir})`);
      return;
    }
    const environment: EnvironmentInfo = {
      date: startedAt.toISOString(),
      environment: platformHandle.environment,
      machine: hostInfo(),
      versions,
      scale: scale.users === 1 && scale.time === 1 ? 1 : Math.min(scale.users, scale.time),
      target: platformHandle.url,
      command: redactCommandLine("headroom plan", argv),
      ...(f.suite ? { suite: relative(io.cwd, suitePath) || suitePath } : {}),
      appInstances: platformHandle.instances,
      notes: [
        `users x${scale.users}, durations x${scale.time} (each test at least ${scale.minDurationSec} s; see --full)`,
        `telemetry sampled every ${intervalMs / 1000} s`,
        `load generator: ${workers} worker thread(s) on the same host as the platform`,
        ...platformHandle.notes,
        ...(result.interrupted ? [`interrupted after ${result.runs.length} of ${tests.length} tests: the documents cover the completed tests only`] : []),
        ...(stage && !search ? [`the breaking-point search did not run: the plan was interrupted first`] : []),
        ...(search?.outcome === "interrupted" ? [`the breaking-point search was interrupted after ${search.result.detail.steps.length} steps`] : []),
      ],
    };
    const docs = await buildPlanDocuments({
      runs: result.runs,
      outDir,
      environment,
      infrastructure,
      slo,
      targets,
      alertThresholds,
      instances: platformHandle.instances,
      generatedAt: new Date().toISOString(),
      ...(search ? { search } : {}),
    });
    for (const [rel, text] of docs.files) {
      const path = join(outDir, rel);
      makeDirectory(dirname(path));
      writeFileSync(path, text);
    }
    const failed = result.runs.filter((r) => r.analysis.verdict === "FAIL");
    const shown = relative(io.cwd, outDir) || ".";
    log("");
    for (const r of result.runs) {
      const s = r.summary;
      log(`  ${r.test.name.padEnd(18)} ${r.analysis.verdict.padEnd(12)} ${String(s.requests.total).padStart(8)} requests  ${s.requests.ratePerSec.toFixed(1).padStart(8)} rps  p95 ${s.latencyMs.p95.toFixed(1).padStart(7)} ms  errors ${(s.requests.total ? (s.requests.failed / s.requests.total) * 100 : 0).toFixed(2)}%`);
    }
    const searchSteps = search?.result.detail.steps.length ?? 0;
    if (search) log(`  ${BREAKING_POINT_STAGE.padEnd(18)} ${searchSteps} step${searchSteps === 1 ? "" : "s"} in ${search.elapsedSec} s, up to ${search.maxTestedUsers} users: ${search.result.detail.stopReason}`);
    // The answer, as capacity-plan.md and report.html open with it (one headline model: headline.ts).
    log("\nAnswer");
    for (const line of headlineText(headlineOf(docs.model))) log(line);
    log(`\nwrote ${shown}/capacity-plan.md, performance-metrics.md, test-results/*.md, charts/*.svg, report.html, summary.json, junit.xml, alert-rules.yml, grafana-dashboard.json`);
    log(`open ${shown}/report.html in a browser for the charts`);
    if (f.json) io.stdout.write(docs.files.get("summary.json") ?? "{}\n");
    const incomplete = result.runs.filter((r) => r.analysis.verdict === "INCOMPLETE");
    if (result.interrupted || search?.outcome === "interrupted") ctx.setExitCode(EXIT.INTERRUPTED);
    else if (failed.length > 0) {
      log(`targets failed in ${failed.map((r) => r.test.name).join(", ")} (exit ${EXIT.TARGETS_FAILED}); the documents say which figure missed which bound`);
      ctx.setExitCode(EXIT.TARGETS_FAILED);
    } else if (incomplete.length > 0) {
      log(`runs INCOMPLETE in ${incomplete.map((r) => r.test.name).join(", ")} (exit ${EXIT.INCOMPLETE}): ${incomplete[0]!.analysis.incomplete ?? "the run did not finish"}`);
      ctx.setExitCode(EXIT.INCOMPLETE);
    }
  } finally {
    offInterrupt();
    // The documents are written: nothing waits for the API's in-flight requests (a request left
    // queued by the breaking point's heaviest step once held its drain for 30 s).
    await platformHandle.stop({ graceMs: PLATFORM_STOP_GRACE_MS });
  }
}

const PLATFORM_STOP_GRACE_MS = 5_000;

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("plan")
    .description("run the load suite against the platform, sample its metrics, and write the capacity plan with measured numbers")
    .option("--target <url>", "the platform's base URL (default: start the MueJam API on embedded PostgreSQL, or on DATABASE_URL / REDIS_URL)")
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
