// `headroom scale simulate [CONFIG]`: replays the autoscaling policies minute by minute over a day
// (or a measured run) with the measured capacity per instance. `headroom scale plan [CONFIG]`:
// growth, cost, connection budget, replicas and cache per period. CONFIG (or --infra FILE) is an
// infrastructure model, possibly partial, merged over config/infrastructure.default.json.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { CapacityAnalysis, RunAnalysis } from "../analysis/types.js";
import { HeadroomError } from "../core/errors.js";
import { capacityFromAnalysis, capacityFromRunAnalysis } from "../planning/capacity-from-analysis.js";
import { capacityFromRun } from "../planning/capacity-from-run.js";
import { mergeCapacityInputs, parseCapacityInputs } from "../planning/capacity-inputs.js";
import { connectionBudget } from "../planning/connection-budget.js";
import { loadAt } from "../planning/growth-plan.js";
import { loadInfrastructure, readJson } from "../planning/load-infrastructure.js";
import { autoscaleCapacity, perInstanceCapacity } from "../planning/instance-capacity.js";
import { planCapacity, simulateDay } from "../planning/plan-capacity.js";
import { autoscaleSummaryText, connectionBudgetText, instancesChart, planningText } from "../planning/planning-text.js";
import { fmt } from "../planning/figure.js";
import { dailyTrafficCurve } from "../planning/traffic-curve.js";
import type { AutoscaleResult, CapacityInputs, InfrastructureModel, ScalingPolicyName } from "../planning/types.js";
import { readRunStore } from "../store/run-store.js";
import { MANIFEST_FILE, TELEMETRY_FILE } from "../core/types.js";
import { collect, parseNumber } from "./flags.js";
import type { CommandContext } from "./main.js";

function num(value: string | undefined, flag: string, example: string, opts: { min?: number; integer?: boolean } = {}): number | undefined {
  return value === undefined ? undefined : parseNumber(value, flag, { ...opts, example });
}

/** Reads a JSON of capacity figures, a capacity analysis, a search result or a run analysis. */
function capacityFromFile(path: string, display: string, measuredInstances: number): CapacityInputs {
  const raw = readJson(path, "capacity file", "--capacity") as Record<string, unknown>;
  if (raw && typeof raw === "object") {
    const detail = raw.detail as { capacity?: CapacityAnalysis } | undefined;
    if (detail?.capacity && Array.isArray(detail.capacity.steps)) return capacityFromAnalysis(detail.capacity, { measuredInstances, source: `search ${display}` });
    if (Array.isArray(raw.steps) && raw.comfortable && raw.slo) return capacityFromAnalysis(raw as unknown as CapacityAnalysis, { measuredInstances, source: `capacity analysis ${display}` });
    if (raw.run && Array.isArray(raw.verdicts)) return capacityFromRunAnalysis(raw as unknown as RunAnalysis, { measuredInstances });
  }
  return parseCapacityInputs(raw, display);
}

/** The newest run under <cwd>/runs that has process telemetry (CPU per request needs it). */
function newestRunWithTelemetry(cwd: string): string | undefined {
  const root = join(cwd, "runs");
  if (!existsSync(root)) return undefined;
  const found: { dir: string; mtimeMs: number }[] = [];
  const visit = (dir: string, depth: number): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (!statSync(p).isDirectory()) continue;
      if (existsSync(join(p, MANIFEST_FILE))) {
        const tel = join(p, TELEMETRY_FILE);
        if (existsSync(tel) && readFileSync(tel, "utf8").includes('"source":"process"')) found.push({ dir: p, mtimeMs: statSync(join(p, MANIFEST_FILE)).mtimeMs });
      } else if (depth < 2) visit(p, depth + 1);
    }
  };
  visit(root, 0);
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs)[0]?.dir;
}

interface CapacityFlags {
  run: string[];
  capacity: string[];
  instancesMeasured?: string;
  cpuMsPerRequest?: string;
  sloRpsPerInstance?: string;
  rpsPerUser?: string;
}

function loadCapacity(ctx: CommandContext, flags: CapacityFlags): { inputs: CapacityInputs; runDirs: string[]; note?: string } {
  const measuredInstances = num(flags.instancesMeasured, "--instances-measured", "2", { min: 1, integer: true }) ?? 1;
  const parts: CapacityInputs[] = [];
  let runDirs = flags.run.map((d) => resolve(ctx.io.cwd, d));
  let note: string | undefined;
  const manual: CapacityInputs = { source: "command line", sources: {} };
  const cpu = num(flags.cpuMsPerRequest, "--cpu-ms-per-request", "4.5");
  const slo = num(flags.sloRpsPerInstance, "--slo-rps-per-instance", "250");
  const rpu = num(flags.rpsPerUser, "--rps-per-user", "0.3");
  if (cpu !== undefined) [manual.cpuMsPerRequest, manual.sources!.cpuMsPerRequest] = [cpu, "--cpu-ms-per-request"];
  if (slo !== undefined) [manual.maxRpsPerInstance, manual.sources!.maxRpsPerInstance] = [slo, "--slo-rps-per-instance"];
  if (rpu !== undefined) [manual.rpsPerActiveUser, manual.sources!.rpsPerActiveUser] = [rpu, "--rps-per-user"];
  const given = runDirs.length > 0 || flags.capacity.length > 0 || cpu !== undefined || slo !== undefined || rpu !== undefined;
  if (!given) {
    const newest = newestRunWithTelemetry(ctx.io.cwd);
    if (!newest) {
      throw new HeadroomError(
        "HR_MISSING_ARGUMENT",
        `no measured capacity: no --run, --capacity or --cpu-ms-per-request given, and no run with process telemetry under ${join(ctx.io.cwd, "runs")}`,
        "measure one: `headroom plan --profiles baseline` (or `headroom search ... --app-port 3000`), then pass a test folder of its output with --run runs/plan-<id>/baseline; or give figures: --capacity capacity.json, or --cpu-ms-per-request 4.5 --slo-rps-per-instance 250 --rps-per-user 0.3",
      );
    }
    runDirs = [newest];
    note = `capacity measured from the newest run with process telemetry, ${newest} (choose another with --run)`;
  }
  for (const dir of runDirs) {
    const store = readRunStore(dir);
    const run = { dir, manifest: store.manifest, intervals: store.intervals, telemetry: store.telemetry, summary: store.summary };
    parts.push(capacityFromRun(run, { measuredInstances }));
  }
  for (const f of flags.capacity) parts.push(capacityFromFile(resolve(ctx.io.cwd, f), f, measuredInstances));
  parts.push(manual);
  return { inputs: mergeCapacityInputs(...parts.filter((p) => Object.keys(p).some((k) => k !== "source" && k !== "sources" && k !== "measuredInstances"))), runDirs, ...(note ? { note } : {}) };
}


function capacityOptions(cmd: Command): Command {
  return cmd
    .option("--infra <file>", "infrastructure model (JSON, may be partial) merged over config/infrastructure.default.json")
    .option("--run <dir>", "measure capacity from this run directory (repeatable; default: the newest run under ./runs with process telemetry)", collect, [])
    .option("--capacity <file>", "capacity figures: a JSON of CapacityInputs, an `analyze`/`search` JSON output (repeatable)", collect, [])
    .option("--instances-measured <n>", "app instances that served the measured load (per-instance figures are divided by it)", "1")
    .option("--cpu-ms-per-request <ms>", "app CPU per request in core-milliseconds (overrides the measured value)")
    .option("--slo-rps-per-instance <rps>", "req/s one instance serves within the SLO (overrides the measured value)")
    .option("--rps-per-user <rps>", "req/s one active user generates (overrides the measured value)")
    .option("--json", "print JSON instead of text");
}

interface SimulateFlags extends CapacityFlags {
  infra?: string;
  policy: string;
  curve: string;
  period?: string;
  peakRps?: string;
  json?: boolean;
}

function rulesText(infra: InfrastructureModel, policy: ScalingPolicyName): string {
  const s = infra.scaling.step;
  const t = infra.scaling.target;
  const common = `startup ${infra.app.startupMin} min, min ${infra.app.minInstances}, max ${infra.app.maxInstances}`;
  return policy === "step"
    ? `+1 when CPU > ${s.scaleUpCpuPct} % for ${s.scaleUpForMin} min, -1 when CPU < ${s.scaleDownCpuPct} % for ${s.scaleDownForMin} min, cooldown ${s.cooldownMin} min, ${common}`
    : `target CPU ${t.targetCpuPct} %: out after ${t.scaleOutForMin} min above, in after ${t.scaleInForMin} min below ${fmt((t.targetCpuPct * t.scaleInBelowPct) / 100)} %, desired = ceil(n x CPU / target), cooldown ${t.cooldownMin} min, ${common}`;
}

function simulate(ctx: CommandContext, configArg: string | undefined, flags: SimulateFlags): void {
  if (configArg && flags.infra) throw new HeadroomError("HR_CONFLICTING_FLAGS", `both CONFIG "${configArg}" and --infra "${flags.infra}" were given`, "give the infrastructure model once, as CONFIG or as --infra FILE");
  if (!["step", "target", "both"].includes(flags.policy)) throw new HeadroomError("HR_BAD_ARGUMENT", `--policy "${flags.policy}" is not a policy; expected step, target or both`, "use --policy step (the capacity plan template's +1/-1 rules), --policy target (target tracking at 60 % CPU) or --policy both");
  if (!["daily", "run"].includes(flags.curve)) throw new HeadroomError("HR_BAD_ARGUMENT", `--curve "${flags.curve}" is not a curve; expected daily or run`, "use --curve daily (the model's daily shape at a period's peak) or --curve run (the measured run's RPS per minute)");
  const infra = loadInfrastructure(ctx.io.cwd, configArg ?? flags.infra);
  const { inputs, note } = loadCapacity(ctx, flags);
  const capacity = autoscaleCapacity(inputs, infra);
  if (!capacity) {
    throw new HeadroomError(
      "HR_INPUT_INVALID",
      `CPU per request was not measured (source: ${inputs.source}); the replay needs it to know each instance's CPU at a given load`,
      "use a run with process telemetry (a test folder of `headroom plan`, or a step of `headroom search ... --app-port <app port>`), or give --cpu-ms-per-request N (core-milliseconds of app CPU per request)",
    );
  }
  let curve: number[];
  let curveText: string;
  const peakOverride = num(flags.peakRps, "--peak-rps", "1200");
  if (flags.curve === "run") {
    if (!inputs.rpsPerMinute || inputs.rpsPerMinute.length === 0) throw new HeadroomError("HR_INPUT_INVALID", "--curve run needs a measured run's RPS per minute, and no run with interval lines was given", "pass --run DIR with a completed run, or use --curve daily");
    curve = peakOverride === undefined ? inputs.rpsPerMinute : inputs.rpsPerMinute.map((r) => (r * peakOverride) / Math.max(...inputs.rpsPerMinute!));
    curveText = `the measured run's ${curve.length} minute(s) of RPS${peakOverride !== undefined ? `, scaled to a peak of ${fmt(peakOverride)} req/s` : ""}`;
  } else {
    let peak = peakOverride;
    if (peak === undefined) {
      const periods = infra.growth.periods;
      const period = flags.period ? periods.find((p) => p.name.toLowerCase() === flags.period!.toLowerCase()) : periods[periods.length - 1];
      if (!period) throw new HeadroomError("HR_BAD_ARGUMENT", `--period "${flags.period}" is not a growth period of the infrastructure model`, `use one of: ${infra.growth.periods.map((p) => `"${p.name}"`).join(", ")}, or give --peak-rps N`);
      const load = loadAt(infra, inputs, perInstanceCapacity(inputs, infra), period.expectedUsers, period.peakConcurrencyRatio);
      if (load.peakRps.value === null) throw new HeadroomError("HR_INPUT_INVALID", `the peak load of "${period.name}" needs RPS per active user, which was not measured (source: ${inputs.source})`, "use a closed-model run (users), give --rps-per-user N, or give the day's peak directly with --peak-rps N");
      peak = load.peakRps.value;
      curveText = `one day of "${period.name}": ${load.peakConcurrent.worked} peak users; ${load.peakRps.worked} req/s at the peak hour, shaped by the model's hourly traffic`;
    } else curveText = `one day shaped by the model's hourly traffic, peak ${fmt(peak)} req/s`;
    curve = dailyTrafficCurve(infra.traffic.dailyShape, peak);
  }
  const policies: ScalingPolicyName[] = flags.policy === "both" ? ["step", "target"] : [flags.policy as ScalingPolicyName];
  const results = policies.map((p) => simulateDay(infra, inputs, p, curve)!);
  const peakInstances = Math.max(...results.map((r) => r.peakInstances));
  const budget = connectionBudget(infra, peakInstances, inputs);
  if (flags.json) {
    const json = {
      curve: { description: curveText, rpsPerMinute: curve.map((r) => Math.round(r * 100) / 100) },
      capacity,
      inputs,
      results: Object.fromEntries(results.map((r) => [r.policy, r])),
      connectionBudget: budget,
      ...(note ? { note } : {}),
    };
    ctx.io.stdout.write(JSON.stringify(json, null, 2) + "\n");
    return;
  }
  const out: string[] = [];
  if (note) out.push(`note: ${note}\n`);
  out.push(`Traffic: ${curveText}\n`);
  const cores = Math.min(infra.app.size.vcpus, infra.app.workersPerInstance);
  out.push(
    `Capacity per ${infra.app.size.type} (${cores} usable cores): CPU % = ${fmt(capacity.idleCpuPct, 2)} + ${fmt(capacity.cpuPctPerRps, 4)} x req/s per instance (${fmt(inputs.cpuMsPerRequest!, 3)} core-ms per request); SLO bound ${capacity.sloRpsPerInstance === null ? "not measured (CPU saturation used)" : `${fmt(capacity.sloRpsPerInstance)} req/s per instance`}\n  from: ${inputs.sources?.cpuMsPerRequest ?? inputs.source}\n`,
  );
  for (const r of results) {
    out.push(`\n== ${r.policy === "step" ? "Step policy" : "Target tracking"}: ${rulesText(infra, r.policy)}\n`);
    out.push(instancesChart(r));
    out.push(autoscaleSummaryText(r));
  }
  if (results.length === 2) {
    const [a, b] = results as [AutoscaleResult, AutoscaleResult];
    out.push(`\nStep vs target: ${fmt(a.instanceHours)} vs ${fmt(b.instanceHours)} instance-hours, ${a.minutesOverSlo} vs ${b.minutesOverSlo} min over the SLO, ${a.flaps} vs ${b.flaps} flaps\n`);
  }
  out.push(`\nConnection budget at the peak of ${peakInstances} instances\n${connectionBudgetText(budget)}`);
  ctx.io.stdout.write(out.join(""));
}

interface PlanFlags extends CapacityFlags {
  infra?: string;
  period?: string;
  horizon?: string;
  json?: boolean;
}

function plan(ctx: CommandContext, configArg: string | undefined, flags: PlanFlags): void {
  if (configArg && flags.infra) throw new HeadroomError("HR_CONFLICTING_FLAGS", `both CONFIG "${configArg}" and --infra "${flags.infra}" were given`, "give the infrastructure model once, as CONFIG or as --infra FILE");
  const infra = loadInfrastructure(ctx.io.cwd, configArg ?? flags.infra);
  if (flags.period && !infra.growth.periods.some((p) => p.name === flags.period)) throw new HeadroomError("HR_BAD_ARGUMENT", `--period "${flags.period}" is not a growth period of the infrastructure model`, `use one of: ${infra.growth.periods.map((p) => `"${p.name}"`).join(", ")}`);
  const horizonMonths = num(flags.horizon, "--horizon", "36", { min: 1, integer: true });
  const { inputs, note } = loadCapacity(ctx, flags);
  const result = planCapacity(infra, inputs, { autoscalePeriod: flags.period, horizonMonths });
  if (flags.json) {
    ctx.io.stdout.write(JSON.stringify(note ? { note, ...result } : result, null, 2) + "\n");
    return;
  }
  ctx.io.stdout.write((note ? `note: ${note}\n` : "") + `Capacity from: ${inputs.source}\n\n` + planningText(result));
}

export function register(program: Command, ctx: CommandContext): void {
  const scale = program
    .command("scale")
    .description("scaling, growth and cost planning from measured capacity (see `headroom scale <command> --help`)")
    .addHelpText("after", "\nExamples:\n  npx headroom scale simulate --run runs/20261127-101500-ab12 --policy step\n  npx headroom scale plan --run runs/20261127-101500-ab12 --json");
  capacityOptions(
    scale
      .command("simulate")
      .description("replay the autoscaling rules minute by minute over a day (or a measured run) with the measured capacity per instance: instances over time, minutes over the SLO, flapping, instance-hours")
      .argument("[config]", "infrastructure model JSON (same as --infra)"),
  )
    .option("--policy <name>", "step (the capacity plan template's +1/-1 rules), target (target tracking) or both", "both")
    .option("--curve <kind>", "daily (the model's daily shape at a growth period's peak) or run (the measured run's RPS per minute)", "daily")
    .option("--period <name>", "growth period whose peak the daily curve reaches (default: the last)")
    .option("--peak-rps <rps>", "the day's peak load in req/s (instead of a growth period's)")
    .addHelpText(
      "after",
      `
Examples:
  npx headroom scale simulate
  npx headroom scale simulate --run runs/20261127-101500-ab12 --policy step --period "6 months"
  npx headroom scale simulate --run runs/20261127-101500-ab12 --curve run --json`,
    )
    .action((configArg: string | undefined, flags: SimulateFlags) => simulate(ctx, configArg, flags));
  capacityOptions(
    scale
      .command("plan")
      .description("growth and cost per period (launch, 3, 6, 12 months), connection budget and pgbouncer, read replicas, cache sizing, and the month the current setup runs out, each figure with its formula")
      .argument("[config]", "infrastructure model JSON (same as --infra)"),
  )
    .option("--period <name>", "growth period whose day the autoscaling replay runs over (default: the last)")
    .option("--horizon <months>", "months to look ahead for when the setup runs out (default: the last period + 24)")
    .addHelpText(
      "after",
      `
Examples:
  npx headroom scale plan
  npx headroom scale plan --run runs/20261127-101500-ab12 --horizon 36
  npx headroom scale plan my-infra.json --capacity search.json --json`,
    )
    .action((configArg: string | undefined, flags: PlanFlags) => plan(ctx, configArg, flags));
}
