// Targets: the tiered bounds (target / acceptable / unacceptable) each metric is held to, per
// load level. Defaults in targets-default.ts (= config/targets.default.json); a user file given
// with --targets overrides any level or metric, and `null` removes one.
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import type { MetricScope, TargetBound, TargetMetric } from "../core/verdict.js";
import { HeadroomError } from "../core/errors.js";
import type { LoadLevel } from "../core/types.js";
import { DEFAULT_TARGETS_FILE } from "./targets-default.js";

export const LOAD_LEVELS: readonly LoadLevel[] = ["normal", "peak", "sustained"];

export interface MetricInfo {
  label: string;
  direction: "max" | "min";
  unit: string;
  scope: MetricScope;
}

/** Direction and unit are fixed per metric; a targets file sets only the numbers. */
export const TARGET_METRICS: Record<TargetMetric, MetricInfo> = {
  p50Ms: { label: "P50 latency", direction: "max", unit: "ms", scope: "client" },
  p95Ms: { label: "P95 latency", direction: "max", unit: "ms", scope: "client" },
  p99Ms: { label: "P99 latency", direction: "max", unit: "ms", scope: "client" },
  p999Ms: { label: "P99.9 latency", direction: "max", unit: "ms", scope: "client" },
  rps: { label: "Throughput", direction: "min", unit: "req/s", scope: "client" },
  errorPct: { label: "Error rate", direction: "max", unit: "%", scope: "client" },
  timeoutPct: { label: "Timeout rate", direction: "max", unit: "%", scope: "client" },
  cpuPct: { label: "Host CPU", direction: "max", unit: "%", scope: "server" },
  memoryPct: { label: "Host memory", direction: "max", unit: "%", scope: "server" },
  diskPct: { label: "Disk used", direction: "max", unit: "%", scope: "server" },
  dbConnectionsPct: { label: "DB connections (% of max_connections)", direction: "max", unit: "%", scope: "server" },
  dbConnections: { label: "DB connections", direction: "max", unit: "connections", scope: "server" },
  dbPoolPct: { label: "DB pool utilisation", direction: "max", unit: "%", scope: "server" },
  queryLatencyMs: { label: "Query latency (mean)", direction: "max", unit: "ms", scope: "server" },
  cacheHitPct: { label: "Cache hit rate", direction: "min", unit: "%", scope: "server" },
  cacheMemoryPct: { label: "Cache memory", direction: "max", unit: "%", scope: "server" },
  appCpuPct: { label: "App CPU", direction: "max", unit: "%", scope: "server" },
  appMemoryPct: { label: "App memory", direction: "max", unit: "%", scope: "server" },
  concurrentUsers: { label: "Concurrent users", direction: "min", unit: "users", scope: "capacity" },
  faultRecoverySec: { label: "Recovery after a fault", direction: "max", unit: "s", scope: "client" },
};

const METRIC_NAMES = Object.keys(TARGET_METRICS) as TargetMetric[];

export interface BoundSpec {
  target: number;
  acceptable: number;
  unacceptable?: number;
  /** rps only: the numbers are per user, multiplied by the users a run held. */
  perUser?: boolean;
}

export type LevelTargetsFile = Partial<Record<TargetMetric, BoundSpec | null>>;

/** The file form (config/targets.default.json, --targets FILE). */
export interface TargetsFile {
  notes?: string[];
  levels: Partial<Record<LoadLevel, LevelTargetsFile>>;
}

export interface ResolvedBound extends TargetBound {
  perUser?: boolean;
}

export interface Targets {
  /** "defaults" or "defaults + <file>". */
  source: string;
  notes: string[];
  levels: Record<LoadLevel, Partial<Record<TargetMetric, ResolvedBound>>>;
}

const boundSchema = z
  .object({
    target: z.number().finite().nonnegative(),
    acceptable: z.number().finite().nonnegative(),
    unacceptable: z.number().finite().nonnegative().optional(),
    perUser: z.boolean().optional(),
  })
  .strict();

const levelSchema = z.object(Object.fromEntries(METRIC_NAMES.map((m) => [m, boundSchema.nullable().optional()]))).strict();

const fileSchema = z
  .object({
    $comment: z.string().optional(),
    notes: z.array(z.string()).optional(),
    levels: z.object({ normal: levelSchema.optional(), peak: levelSchema.optional(), sustained: levelSchema.optional() }).strict(),
  })
  .strict();

function configError(where: string, message: string): HeadroomError {
  return new HeadroomError(
    "HR_CONFIG_INVALID",
    `targets ${where}: ${message}`,
    `each metric is {"target": n, "acceptable": n, "unacceptable"?: n} under "levels" -> normal|peak|sustained; metrics: ${METRIC_NAMES.join(", ")}; see config/targets.default.json`,
  );
}

function checkOrder(where: string, metric: TargetMetric, b: BoundSpec): void {
  const info = TARGET_METRICS[metric];
  const u = b.unacceptable ?? b.acceptable;
  const ordered = info.direction === "max" ? b.target <= b.acceptable && b.acceptable <= u : b.target >= b.acceptable && b.acceptable >= u;
  if (!ordered) {
    const rel = info.direction === "max" ? "target <= acceptable <= unacceptable (lower is better)" : "target >= acceptable >= unacceptable (higher is better)";
    throw configError(`${where}.${metric}`, `{target: ${b.target}, acceptable: ${b.acceptable}, unacceptable: ${u}} is out of order; expected ${rel}`);
  }
  if (b.perUser && metric !== "rps") throw configError(`${where}.${metric}`, `"perUser" applies to rps only`);
}

/** Validates a parsed targets file (throws HR_CONFIG_INVALID naming the key, the value and the form). */
export function validateTargetsFile(raw: unknown, where = "file"): TargetsFile {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join(".") || "(top level)";
    throw configError(`${where} at ${path}`, issue.message);
  }
  const file = parsed.data as TargetsFile;
  for (const level of LOAD_LEVELS) {
    for (const [metric, b] of Object.entries(file.levels[level] ?? {})) if (b) checkOrder(`${where} levels.${level}`, metric as TargetMetric, b);
  }
  return file;
}

function resolve(metric: TargetMetric, b: BoundSpec): ResolvedBound {
  const info = TARGET_METRICS[metric];
  const r: ResolvedBound = {
    direction: info.direction,
    target: b.target,
    acceptable: b.acceptable,
    unacceptable: b.unacceptable ?? b.acceptable,
    unit: info.unit,
  };
  if (b.perUser) r.perUser = true;
  return r;
}

/** Defaults overlaid with each file in turn (a metric set to null is removed). */
export function buildTargets(overrides: { file: TargetsFile; name: string }[] = []): Targets {
  const levels = { normal: {}, peak: {}, sustained: {} } as Targets["levels"];
  const notes = [...(DEFAULT_TARGETS_FILE.notes ?? [])];
  const apply = (file: TargetsFile): void => {
    for (const level of LOAD_LEVELS) {
      for (const [metric, b] of Object.entries(file.levels[level] ?? {}) as [TargetMetric, BoundSpec | null][]) {
        if (b === null) delete levels[level][metric];
        else levels[level][metric] = resolve(metric, b);
      }
    }
  };
  apply(DEFAULT_TARGETS_FILE);
  for (const o of overrides) {
    apply(o.file);
    notes.push(...(o.file.notes ?? []).map((n) => `${o.name}: ${n}`));
  }
  return { source: ["defaults", ...overrides.map((o) => o.name)].join(" + "), notes, levels };
}

/**
 * Reads and validates a targets file. `withoutIt` says what leaving --targets out gives, for the
 * hint when the file is missing.
 */
export function readTargetsFile(path: string, withoutIt = "the defaults"): TargetsFile {
  if (!existsSync(path)) {
    throw new HeadroomError("HR_CONFIG_INVALID", `targets file "${path}" does not exist`, `pass a JSON file shaped like config/targets.default.json to --targets, or leave --targets out for ${withoutIt}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new HeadroomError("HR_CONFIG_INVALID", `targets file "${path}" is not valid JSON (${(e as Error).message})`, "fix the JSON syntax; config/targets.default.json shows the expected form", { cause: e });
  }
  return validateTargetsFile(raw, `"${path}"`);
}

/** The default targets, or the defaults overlaid with the JSON file at `path`. */
export function loadTargets(path?: string): Targets {
  if (!path) return buildTargets();
  return buildTargets([{ file: readTargetsFile(path), name: path }]);
}
