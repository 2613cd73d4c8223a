// Service-level limits for a search or a capacity analysis: `--slo "p95<500ms,errors<1%"`.
import { HeadroomError } from "../core/errors.js";
import type { Targets } from "../plan/targets.js";
import type { LoadLevel } from "../core/types.js";
import type { LoadStep, Slo } from "./types.js";

export const DEFAULT_SLO_TEXT = "p95<500ms,errors<1%";

const TERM = /^(p50|p95|p99|errors?|err)\s*<\s*(\d+(?:\.\d+)?)\s*(ms|s|%)?$/i;

/** Parses "p95<500ms,errors<1%" (p50, p95, p99 in ms or s; errors in %). */
export function parseSlo(text: string): Slo {
  const slo: Slo = {};
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw badSlo(text, "it is empty");
  for (const part of parts) {
    const m = TERM.exec(part);
    if (!m) throw badSlo(text, `"${part}" is not a limit`);
    const key = m[1]!.toLowerCase();
    const value = Number(m[2]);
    const unit = m[3]?.toLowerCase();
    if (key.startsWith("p")) {
      if (unit === "%") throw badSlo(text, `"${part}": a percentile needs a time unit (ms or s)`);
      const ms = unit === "s" ? value * 1000 : value;
      slo[`${key}Ms` as "p50Ms" | "p95Ms" | "p99Ms"] = ms;
    } else {
      if (unit !== undefined && unit !== "%") throw badSlo(text, `"${part}": the error rate is a percentage (errors<1%)`);
      slo.errorPct = value;
    }
  }
  return slo;
}

function badSlo(text: string, why: string): HeadroomError {
  return new HeadroomError("HR_BAD_SLO", `--slo "${text}": ${why}; expected comma-separated limits such as "p95<500ms,errors<1%"`, "use p50, p95 or p99 with ms or s, and errors with %: --slo \"p95<500ms,p99<1s,errors<1%\"");
}

/** The SLO a level's targets imply: the target bounds of p95, p99 and the error rate. */
export function sloFromTargets(targets: Targets, level: LoadLevel = "normal"): Slo {
  const t = targets.levels[level];
  const slo: Slo = {};
  if (t.p95Ms) slo.p95Ms = t.p95Ms.target;
  if (t.p99Ms) slo.p99Ms = t.p99Ms.target;
  if (t.errorPct) slo.errorPct = t.errorPct.target;
  return slo;
}

/** The SLO in words ("p95 < 500 ms, errors < 1%"), or as `--slo` takes it ("p95<500ms,errors<1%"). */
export function describeSlo(slo: Slo, form: "words" | "flag" = "words"): string {
  const [lt, ms, sep] = form === "flag" ? ["<", "ms", ","] : [" < ", " ms", ", "];
  const parts: string[] = [];
  if (slo.p50Ms !== undefined) parts.push(`p50${lt}${slo.p50Ms}${ms}`);
  if (slo.p95Ms !== undefined) parts.push(`p95${lt}${slo.p95Ms}${ms}`);
  if (slo.p99Ms !== undefined) parts.push(`p99${lt}${slo.p99Ms}${ms}`);
  if (slo.errorPct !== undefined) parts.push(`errors${lt}${slo.errorPct}%`);
  return parts.join(sep);
}

/** The first limit a step breaks ("p95 812 ms > 500 ms"), or undefined when it meets them all. */
export function sloBreach(step: LoadStep, slo: Slo): string | undefined {
  if (slo.errorPct !== undefined && step.errorPct > slo.errorPct) return `errors ${round2(step.errorPct)}% > ${slo.errorPct}%`;
  if (slo.p95Ms !== undefined && step.p95Ms > slo.p95Ms) return `p95 ${round2(step.p95Ms)} ms > ${slo.p95Ms} ms`;
  if (slo.p99Ms !== undefined && step.p99Ms !== undefined && step.p99Ms > slo.p99Ms) return `p99 ${round2(step.p99Ms)} ms > ${slo.p99Ms} ms`;
  if (slo.p50Ms !== undefined && step.p50Ms !== undefined && step.p50Ms > slo.p50Ms) return `p50 ${round2(step.p50Ms)} ms > ${slo.p50Ms} ms`;
  return undefined;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;
