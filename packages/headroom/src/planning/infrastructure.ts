// The infrastructure model: validation (zod) of config/infrastructure.default.json and of a user's
// override, which may be partial: objects merge key by key over the defaults, arrays replace.
import { z } from "zod";
import { HeadroomError } from "../core/errors.js";
import type { InfrastructureModel } from "./types.js";

const positive = z.number().positive();
const nonNegative = z.number().min(0);
const pct = z.number().min(0).max(100);
const count = z.number().int().min(0);

const instanceSize = z.strictObject({
  type: z.string().min(1),
  vcpus: z.number().int().positive(),
  memoryGb: positive,
  monthlyPrice: nonNegative,
});

export const infrastructureSchema = z
  .strictObject({
    assumptions: z.array(z.string()),
    currency: z.string().min(1),
    app: z.strictObject({
      size: instanceSize,
      upgradePath: z.array(instanceSize),
      minInstances: z.number().int().min(1),
      maxInstances: z.number().int().min(1),
      workersPerInstance: z.number().int().min(1),
      startupMin: count,
      targetCpuPct: pct.positive(),
      memoryLimitPct: pct.positive(),
    }),
    database: z.strictObject({
      size: instanceSize,
      poolPerInstance: z.number().int().min(1),
      poolMinPerInstance: z.number().int().min(1),
      poolMaxPerInstance: z.number().int().min(1),
      maxConnections: z.number().int().min(1),
      reservedConnections: count,
      adminConnections: count,
      replicas: count,
      maxReplicas: count,
      replicaMonthlyPrice: nonNegative,
      replicaReadShareTrigger: z.number().min(0).max(1),
      replicaLagTargetMs: positive,
      maxQueriesPerSecPerNode: positive,
      pgbouncer: z.strictObject({
        poolMode: z.enum(["transaction", "session", "statement"]),
        defaultPoolSize: z.number().int().min(1),
        maxClientConnections: z.number().int().min(1),
        monthlyPrice: nonNegative,
      }),
    }),
    cache: z.strictObject({
      size: instanceSize,
      upgradePath: z.array(instanceSize),
      evictionPolicy: z.string().min(1),
      memoryTargetPct: pct.positive(),
      evictionTargetPct: pct,
      maxOpsPerSecPerNode: positive,
    }),
    loadBalancer: z.strictObject({ type: z.string().min(1), timeoutSec: positive, healthCheckPath: z.string().min(1), monthlyPrice: nonNegative }),
    scaling: z.strictObject({
      step: z.strictObject({
        scaleUpCpuPct: pct,
        scaleUpForMin: z.number().int().min(1),
        scaleDownCpuPct: pct,
        scaleDownForMin: z.number().int().min(1),
        cooldownMin: count,
      }),
      target: z.strictObject({
        targetCpuPct: pct.positive(),
        scaleOutForMin: z.number().int().min(1),
        scaleInForMin: z.number().int().min(1),
        scaleInBelowPct: pct.positive(),
        cooldownMin: count,
      }),
    }),
    traffic: z.strictObject({ dailyShape: z.array(nonNegative).length(24) }),
    growth: z.strictObject({
      periods: z
        .array(z.strictObject({ name: z.string().min(1), month: count, expectedUsers: nonNegative, peakConcurrencyRatio: z.number().min(0).max(1) }))
        .min(1),
      monthlyGrowthPctAfter: z.number().min(-100),
    }),
  })
  .superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: "custom", path, message });
    if (m.app.minInstances > m.app.maxInstances) issue(["app", "minInstances"], `minInstances ${m.app.minInstances} is above maxInstances ${m.app.maxInstances}`);
    const db = m.database;
    if (db.poolMinPerInstance > db.poolMaxPerInstance) issue(["database", "poolMinPerInstance"], `poolMinPerInstance ${db.poolMinPerInstance} is above poolMaxPerInstance ${db.poolMaxPerInstance}`);
    if (db.reservedConnections + db.adminConnections >= db.maxConnections)
      issue(["database", "maxConnections"], `reservedConnections + adminConnections (${db.reservedConnections + db.adminConnections}) leave no connections of maxConnections ${db.maxConnections} for the app`);
    if (db.replicas > db.maxReplicas) issue(["database", "replicas"], `replicas ${db.replicas} is above maxReplicas ${db.maxReplicas}`);
    if (m.scaling.step.scaleDownCpuPct >= m.scaling.step.scaleUpCpuPct)
      issue(["scaling", "step", "scaleDownCpuPct"], `scaleDownCpuPct ${m.scaling.step.scaleDownCpuPct} must be below scaleUpCpuPct ${m.scaling.step.scaleUpCpuPct}, or the fleet scales up and down on the same load`);
    if (!m.traffic.dailyShape.some((v) => v > 0)) issue(["traffic", "dailyShape"], "every hour is 0: at least one hour must carry traffic");
    for (let i = 1; i < m.growth.periods.length; i++)
      if (m.growth.periods[i]!.month <= m.growth.periods[i - 1]!.month) issue(["growth", "periods", i, "month"], `month ${m.growth.periods[i]!.month} must come after the previous period's month ${m.growth.periods[i - 1]!.month}`);
  });

// The hand-written interface and the schema must describe the same thing.
type Parsed = z.infer<typeof infrastructureSchema>;
const _sameShape: [Parsed extends InfrastructureModel ? true : false, InfrastructureModel extends Parsed ? true : false] = [true, true];
void _sameShape;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Objects merge key by key (the override wins); arrays and scalars replace. */
export function mergeInfrastructure(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = k in base ? mergeInfrastructure(base[k], v) : v;
  return out;
}

/**
 * Validates a model (already merged over the defaults, if partial). `source` names the file(s)
 * in the error, which lists each bad field by its path.
 */
export function parseInfrastructure(value: unknown, source: string): InfrastructureModel {
  const r = infrastructureSchema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.slice(0, 8).map((i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`);
  const more = r.error.issues.length > 8 ? `; and ${r.error.issues.length - 8} more` : "";
  throw new HeadroomError(
    "HR_CONFIG_INVALID",
    `infrastructure model ${source} is invalid: ${problems.join("; ")}${more}`,
    "fix those fields; config/infrastructure.default.json shows every field with its expected form (an override file may give only the fields it changes)",
  );
}

/** The defaults with a (possibly partial) override merged over them, validated. */
export function resolveInfrastructure(defaults: unknown, override: unknown | undefined, source: string): InfrastructureModel {
  return parseInfrastructure(override === undefined ? defaults : mergeInfrastructure(defaults, override), source);
}
