// What `headroom plan` runs, from its flags: the suite's profiles (scaled, checked) and the
// breaking-point stage after them, and the lines that describe both before anything starts.
import { parseSlo, sloFromTargets } from "../analysis/slo.js";
import type { Slo } from "../analysis/types.js";
import { HeadroomError } from "../core/errors.js";
import type { LoadLevel } from "../core/types.js";
import { BREAKING_POINT_STAGE, FULL_SEARCH, QUICK_SEARCH, SEARCH_MAX_USERS, type SearchStageSettings } from "../jobs/breaking-point.js";
import { searchStartUsers } from "../jobs/search-start.js";
import type { SuiteTest } from "../jobs/run-suite.js";
import { parseDurationMs } from "../plan/duration.js";
import { scheduleFaults } from "../plan/faults.js";
import { validateProfile, type Profile } from "../plan/profile.js";
import { scaleProfile, type SuiteScale } from "../plan/scale-profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import type { Targets } from "../plan/targets.js";
import { formatDuration } from "../report/format.js";
import { parseCount } from "./flags.js";
import { parseHosts } from "./hosts-flag.js";
import type { PlanFlags } from "./plan-flags.js";

const LEVELS: LoadLevel[] = ["normal", "peak", "sustained"];

export function selectTests(scenario: Scenario, suitePath: string, f: PlanFlags, scale: SuiteScale): SuiteTest[] {
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

export function describeTests(tests: SuiteTest[], scale: SuiteScale): string {
  const rows = tests.map((t) => {
    const users = t.profile.stages?.length ? t.profile.stages.map((s) => s.users ?? "?").join(" → ") : String(t.profile.users ?? t.profile.rate ?? "");
    return `  ${t.name.padEnd(18)} ${t.loadLevel.padEnd(9)} users ${users.padEnd(16)} ${formatDuration(t.profile.durationSec)}`;
  });
  const total = tests.reduce((a, t) => a + t.profile.durationSec, 0);
  const how = scale.users === 1 && scale.time === 1 ? "the capacity plan template's users and durations (--full)" : `users x${scale.users}, durations x${scale.time} (at least ${scale.minDurationSec} s each)`;
  return `${tests.length} tests, ${formatDuration(total)} of load; ${how}\n${rows.join("\n")}\n`;
}

export interface SearchStage {
  settings: SearchStageSettings;
  startUsers: number;
  maxUsers: number;
  slo: Slo;
  /** Generator processes each step is split over (--hosts). */
  hosts?: number;
}

/** --search-budget over the stage's settings; refused when shorter than one step. */
function budgeted(settings: SearchStageSettings, text: string): SearchStageSettings {
  const budgetSec = parseDurationMs(text, "--search-budget") / 1000;
  const { budgetSec: _drop, ...unbounded } = settings;
  const out = budgetSec > 0 ? { ...settings, budgetSec } : unbounded;
  const oneStep = out.warmupSec + out.windowSec + 2;
  if (budgetSec > 0 && budgetSec < oneStep) {
    throw new HeadroomError("HR_BAD_ARGUMENT", `--search-budget ${text} is shorter than one search step (${out.warmupSec} s warm-up + ${out.windowSec} s window + 2 s)`, `give it at least ${oneStep}s, e.g. --search-budget 40s, or 0 for no budget`);
  }
  return out;
}

/**
 * The breaking-point stage after the profiles: it runs by default, with --profiles only when the
 * list names it, never with --no-search. Quick plans give it a time budget; --full runs it with
 * `headroom search`'s defaults. Its SLO is the peak level's targets (or --slo).
 */
export function searchStage(f: PlanFlags, scenario: Scenario, scale: SuiteScale, targets: Targets): SearchStage | undefined {
  const named = f.profiles?.split(",").map((s) => s.trim()).includes(BREAKING_POINT_STAGE) ?? false;
  if (named && !f.search) {
    throw new HeadroomError("HR_CONFLICTING_FLAGS", `--profiles names ${BREAKING_POINT_STAGE} but --no-search skips it`, `drop --no-search to run the search, or drop ${BREAKING_POINT_STAGE} from --profiles`);
  }
  if (!f.search || (f.profiles !== undefined && !named)) return undefined;
  const base: SearchStageSettings = { ...(f.full ? FULL_SEARCH : QUICK_SEARCH) };
  const settings = f.searchBudget !== undefined ? budgeted(base, f.searchBudget) : base;
  const maxUsers = f.searchMaxUsers !== undefined ? parseCount(f.searchMaxUsers, "--search-max-users") : SEARCH_MAX_USERS;
  const slo = f.slo ? parseSlo(f.slo) : sloFromTargets(targets, "peak");
  const hosts = f.hosts !== undefined ? parseHosts(f.hosts) : undefined;
  const startUsers = searchStartUsers((scenario.profiles ?? {}) as Record<string, Profile>, scale, maxUsers);
  return { settings, startUsers, maxUsers, slo, ...(hosts !== undefined ? { hosts } : {}) };
}

export function describeStage(st: SearchStage): string {
  const s = st.settings;
  const users = `${st.startUsers} x${s.growth} .. ${st.maxUsers}`;
  const length = s.budgetSec !== undefined ? `${s.budgetSec} s budget` : `${s.maxSteps} steps of up to ${s.stepSec} s`;
  return `  ${BREAKING_POINT_STAGE.padEnd(18)} peak      users ${users.padEnd(16)} ${length} (search: ${s.warmupSec} s warm-up + ${s.windowSec} s window a step; --no-search skips it)\n`;
}
