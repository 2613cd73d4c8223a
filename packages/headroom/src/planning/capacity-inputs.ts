// Combining and loading planning's inputs: several partial measurements merge (later ones win,
// field by field, keeping their sources), and a JSON file of figures is validated before use.
import { z } from "zod";
import { HeadroomError } from "../core/errors.js";
import type { CapacityInputs } from "./types.js";

/** Peaks over several measurements: the largest one counts, whichever part it came from. */
export const PEAK_FIELDS = ["observedMaxRpsPerInstance", "dbConnectionsPeakPerInstance", "memoryBytesPerInstance"] as const;

/** Later parts win field by field, except the peaks (PEAK_FIELDS: the largest wins); sources follow the value kept. */
export function mergeCapacityInputs(...parts: CapacityInputs[]): CapacityInputs {
  const out: CapacityInputs = { source: parts.map((p) => p.source).filter(Boolean).join(" + ") || "none", sources: {} };
  const peaks = new Set<string>(PEAK_FIELDS);
  for (const p of parts) {
    for (const [k, v] of Object.entries(p)) {
      if (k === "source" || k === "sources" || v === undefined) continue;
      const prev = (out as unknown as Record<string, unknown>)[k];
      if (peaks.has(k) && typeof prev === "number" && typeof v === "number" && v <= prev) continue;
      (out as unknown as Record<string, unknown>)[k] = v;
      const from = (p.sources as Record<string, string> | undefined)?.[k];
      const sources = out.sources as Record<string, string>;
      if (from) sources[k] = from;
      else delete sources[k];
    }
  }
  return out;
}

const nonNeg = z.number().finite().min(0).optional();
const positive = z.number().finite().positive().optional();

export const capacityInputsSchema = z.strictObject({
  source: z.string().default("capacity file"),
  measuredInstances: z.number().int().positive().optional(),
  maxRpsPerInstance: positive,
  observedMaxRpsPerInstance: positive,
  comfortableRpsPerInstance: positive,
  maxUsersPerInstance: positive,
  comfortableUsersPerInstance: positive,
  rpsPerActiveUser: positive,
  cpuMsPerRequest: positive,
  idleCpuCorePct: nonNeg,
  memoryBytesPerInstance: nonNeg,
  readShare: z.number().min(0).max(1).optional(),
  dbQueriesPerRequest: nonNeg,
  dbConnectionsPeakPerInstance: nonNeg,
  dbPoolPerInstance: positive,
  cacheWorkingSetBytes: nonNeg,
  cacheHitPct: z.number().min(0).max(100).optional(),
  cacheEvictionPct: z.number().min(0).max(100).optional(),
  cacheOpsPerRequest: nonNeg,
  measuredAtUsers: positive,
  rpsPerMinute: z.array(z.number().finite().min(0)).optional(),
  sources: z.record(z.string(), z.string()).optional(),
});

/** Validates a capacity-inputs JSON file (the fields of CapacityInputs, all optional). */
export function parseCapacityInputs(value: unknown, where: string): CapacityInputs {
  const r = capacityInputsSchema.safeParse(value);
  if (r.success) {
    const { sources, ...rest } = r.data;
    const out = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as unknown as CapacityInputs;
    out.sources = { ...(sources ?? {}) };
    for (const k of Object.keys(rest)) if (k !== "source" && !out.sources[k as keyof typeof out.sources] && (rest as Record<string, unknown>)[k] !== undefined) (out.sources as Record<string, string>)[k] = where;
    return out;
  }
  const problems = r.error.issues.slice(0, 6).map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
  throw new HeadroomError(
    "HR_INPUT_INVALID",
    `capacity inputs ${where} are invalid: ${problems.join("; ")}`,
    "give a JSON object with any of: maxRpsPerInstance, comfortableRpsPerInstance, rpsPerActiveUser, cpuMsPerRequest (core-ms), idleCpuCorePct, readShare (0-1), dbQueriesPerRequest, dbConnectionsPeakPerInstance, cacheWorkingSetBytes, cacheOpsPerRequest, cacheEvictionPct, measuredAtUsers; or pass --run DIR to measure them from a run",
  );
}
