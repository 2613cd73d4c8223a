// The shapes of a run directory's files (types.ts), as zod schemas the readers check before
// anything uses a value: a file that parses as JSON but is not a run's ([], null, {}, a summary
// from something else) is refused with the file and what is wrong, never met later as a crash.
// Only what the readers rely on is required; extra fields (newer writers, imports) pass.
import { z } from "zod";

const num = z.number();
const counts = z.record(z.string(), num);

export const manifestSchema = z.object({
  storeVersion: z.number().int().min(1).optional(),
  id: z.string(),
  name: z.string(),
  plan: z.object({ executor: z.string(), durationSec: num }),
  target: z.object({ url: z.string().optional(), scenario: z.string().optional() }).optional(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  status: z.enum(["running", "completed", "interrupted", "failed"]),
  notes: z.array(z.string()).optional(),
});

const endpointInterval = z.object({
  method: z.string(),
  requests: num,
  ok: num,
  failed: num,
  status: counts,
  errors: counts,
  hist: z.string(),
});

export const intervalLineSchema = z.object({
  t: num,
  ts: num,
  users: num,
  dropped: num.optional(),
  endpoints: z.record(z.string(), endpointInterval),
  generator: z.object({ cpuPct: num, eventLoopLagMsP99: num, rssBytes: num }).optional(),
});

export const telemetryLineSchema = z.object({
  ts: num,
  t: num,
  source: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  // A reading that was NaN is written as null by JSON.stringify.
  values: z.record(z.string(), num.nullable()),
  labels: z.record(z.string(), z.string()).optional(),
});

const latency = z.object({ p50: num, p95: num, p99: num, max: num });

export const summarySchema = z.object({
  name: z.string(),
  durationSec: num,
  requests: z.object({ total: num, ok: num, failed: num, ratePerSec: num }),
  latencyMs: latency,
  status: counts,
  endpoints: z.array(z.object({ name: z.string(), requests: num, latencyMs: latency })),
});

/** What is wrong with `value`, in one line naming the field ("requests.total: expected number, received string"), or undefined when it fits. */
export function schemaProblem(schema: z.ZodType, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  if (r.success) return undefined;
  const issue = r.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
  return issue.path.length > 0 ? `${where}${issue.message}` : `expected a JSON object, got ${got}`;
}
