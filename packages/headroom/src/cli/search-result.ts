// The end of `headroom search`: the statement when the first step already broke, the line printed
// per step, and the result written (search.json), printed (text or --json) and turned into the exit code.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { searchText } from "../analysis/analysis-text.js";
import { describeSlo } from "../analysis/slo.js";
import type { SearchResult, SearchStep, Slo } from "../analysis/types.js";
import { EXIT } from "../core/errors.js";
import type { SearchRunner } from "../jobs/search-runner.js";
import type { Targets } from "../plan/targets.js";
import type { CommandContext } from "./main.js";

export interface SearchEnd {
  json?: boolean;
  io: CommandContext["io"];
  slo: Slo;
  growth: number;
  outDir: string;
  targets: Targets;
  telemetry: boolean;
  aborted: boolean;
  analyze: SearchRunner["analyzeFirstBroken"];
}

/**
 * A search whose first step already broke says so plainly. When no step held at all there is no
 * breaking point (the lightest broken load is not one): the result's breaking point, comfortable
 * capacity and stop reason become that statement and the advice, for the text and --json alike.
 */
export function firstStepBroke(result: SearchResult, slo: Slo, growth: number): void {
  const steps = result.detail.steps;
  const first = steps[0];
  if (!first || first.ok) return;
  const open = result.model === "open";
  const loadOf = (s: SearchStep): number => (open ? s.targetRate : s.users) ?? 0;
  const load = (v: number): string => (open ? `${v} req/s` : `${v} user${v === 1 ? "" : "s"}`);
  const why = first.broke?.startsWith("throughput") ? `: ${first.broke}` : ` ${describeSlo(slo)} (${first.broke})`;
  const said = `the first step, ${load(loadOf(first))}, already broke${why}`;
  const held = steps.filter((s) => s.ok).map(loadOf);
  if (held.length > 0) {
    result.detail.stopReason += `; ${said}: next time start lower, e.g. --start ${Math.max(...held)}`;
    return;
  }
  const lightest = Math.min(...steps.map(loadOf));
  // analysis/search.ts comes down no further than this.
  const floor = open ? 0.5 : 1;
  const start = open ? Math.max(0.01, Math.round((lightest / growth) * 100) / 100) : Math.max(1, Math.floor(lightest / growth));
  const message =
    said +
    (lightest < loadOf(first) ? `, and so did every lighter step down to ${load(lightest)}` : "") +
    (lightest <= floor ? `: even ${load(lightest)} misses it; check the target (the URL, its health) or loosen --slo` : `: start lower with --start ${start}`);
  result.maxRps = null;
  result.breakingPoint = { users: null, rps: null, limit: message };
  result.comfortable = { users: null, rps: null };
  result.detail.stopReason = message;
}

/** The line printed for each step as it is judged. */
export function stepLine(index: number, s: SearchStep, model: string): string {
  const load = model === "open" ? `${s.targetRate} req/s offered` : `${s.users} users`;
  const limited = s.rateLimitedPct ? `, 429 ${s.rateLimitedPct.toFixed(2)}%` : "";
  const verdict = s.ok ? "ok" : `broke: ${s.broke}`;
  return `step ${index}: ${s.pass} ${load}: ${s.rps.toFixed(1)} req/s, p95 ${s.p95Ms.toFixed(1)} ms, errors ${s.errorPct.toFixed(2)}%${limited}${s.steady === false ? " (not steady)" : ""} -> ${verdict}\n`;
}

/** Writes search.json, prints the result, and returns the exit code. */
export function finishSearch(result: SearchResult, o: SearchEnd): number {
  const { io, slo } = o;
  result.steps.forEach((s, i) => (s.rateLimitedPct = result.detail.steps[i]?.rateLimitedPct ?? 0));
  firstStepBroke(result, slo, o.growth);
  o.analyze(result, o.targets, "normal");
  writeFileSync(join(o.outDir, "search.json"), JSON.stringify(result, null, 2) + "\n");
  if (o.json) io.stdout.write(JSON.stringify(result) + "\n");
  else {
    io.stdout.write("\n" + searchText(result));
    if (!o.telemetry) io.stdout.write("(no telemetry collected: add --prometheus, --postgres, --redis, --app-port or --host-metrics to name the platform's bottleneck)\n");
    io.stdout.write(`result written to ${join(o.outDir, "search.json")}\n`);
  }
  if (o.aborted) return EXIT.INTERRUPTED;
  // Like a run whose targets failed: not one load the search tried met the SLO.
  if (result.detail.steps.length > 0 && !result.detail.steps.some((s) => s.ok)) {
    io.stderr.write(`no step met the SLO (${describeSlo(slo)}): targets failed (exit ${EXIT.TARGETS_FAILED})\n`);
    return EXIT.TARGETS_FAILED;
  }
  return EXIT.OK;
}
