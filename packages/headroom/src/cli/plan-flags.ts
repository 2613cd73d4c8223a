// `headroom plan`'s flags: their checks before anything starts, the suite's scale, and the
// platform they name (an external target, an adapter module, or the MueJam API's adapter).
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HeadroomError } from "../core/errors.js";
import { FULL_SCALE, QUICK_SCALE, type SuiteScale } from "../plan/scale-profile.js";
import { externalTarget } from "../targets/external.js";
import { loadTargetModule } from "../targets/load-target-module.js";
import type { Target } from "../targets/types.js";
import { parseCount, parseHttpUrl, parsePositive } from "./flags.js";

export interface PlanFlags {
  target?: string;
  platform?: string;
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
  /** --hosts: generator processes each search step is split over. */
  hosts?: string;
  keepTokens?: boolean;
  force?: boolean;
}

/** The MueJam suite shipped with the repository: the default when --suite is not given. */
export const DEFAULT_SUITE = fileURLToPath(new URL("../../../../apps/backend/tests/load_tests/muejam.scenario.ts", import.meta.url));

const DATASETS: Record<string, { users: number; stories: number }> = {
  small: { users: 1000, stories: 5000 },
  default: { users: 10_000, stories: 50_000 },
  large: { users: 100_000, stories: 500_000 },
};

/** `--dataset`: the size of the data the MueJam API is seeded with when its database is empty. */
export function parseDataset(text: string): { users: number; stories: number } {
  const preset = DATASETS[text];
  if (preset) return preset;
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new HeadroomError("HR_BAD_ARGUMENT", `--dataset "${text}" is not a dataset size; expected small, default, large or USERSxSTORIES`, "e.g. --dataset small (1,000 users, 5,000 stories) or --dataset 20000x100000");
  }
  return { users: Number(m[1]), stories: Number(m[2]) };
}

export function suiteScale(f: PlanFlags): SuiteScale {
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

/** The suite file the flags name; HR_SCENARIO_NOT_FOUND when the default one is not installed. */
export function suitePathOf(f: PlanFlags, cwd: string): string {
  const suitePath = resolve(cwd, f.suite ?? DEFAULT_SUITE);
  if (!f.suite && !existsSync(suitePath)) {
    throw new HeadroomError("HR_SCENARIO_NOT_FOUND", `the default MueJam suite is missing (${suitePath})`, "pass your suite with --suite FILE (a scenario file that exports `profiles`)");
  }
  return suitePath;
}

/** The flags that cannot go together, refused before anything starts. */
export function checkPlanFlags(f: PlanFlags): void {
  if (f.target !== undefined) parseHttpUrl(f.target, "--target");
  if (f.target !== undefined && f.platform !== undefined) {
    throw new HeadroomError("HR_CONFLICTING_FLAGS", "--target names a running platform and --platform a module that starts one; give one of them", "drop --platform to measure the platform at --target, or drop --target to let the module start it");
  }
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
  if (f.target === undefined && f.platform === undefined && f.suite !== undefined) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", "--suite was given without --target", "a custom suite runs against your platform: add --target URL (the MueJam API starts only for the default suite), or --platform MODULE to start it");
  }
}

/** The platform the flags name: the one at --target, or the one the adapter module (--platform, default the MueJam API's) starts. */
export async function planTarget(f: PlanFlags, cwd: string, env: Record<string, string | undefined>): Promise<Target> {
  const instances = parseCount(f.instances, "--instances");
  if (f.target !== undefined) {
    return externalTarget({
      url: parseHttpUrl(f.target, "--target"),
      ...(f.metrics ? { metricsUrl: parseHttpUrl(f.metrics, "--metrics") } : {}),
      ...(f.postgres ? { databaseUrl: f.postgres } : {}),
      ...(f.redis ? { redisUrl: f.redis } : {}),
      pids: f.pid.map((p) => parseCount(p, "--pid")),
      ...(f.tokens ? { tokensFile: resolve(f.tokens) } : {}),
      instances,
    });
  }
  const createTarget = await loadTargetModule(f.platform, cwd);
  return createTarget({ instances, env, dataset: parseDataset(f.dataset), lab: f.lab ?? false, faults: f.fault, keepTokens: f.keepTokens ?? false });
}
