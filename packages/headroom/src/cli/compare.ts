// `headroom compare RUN_A RUN_B`: what changed from A (baseline) to B, with significance, and
// exit code 100 (EXIT.REGRESSION) when B regressed beyond the bound, for CI.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { EXIT, HeadroomError, formatError } from "../core/errors.js";
import { compareRuns } from "../analysis/compare.js";
import { comparabilityWarning, renderComparisonMarkdown, renderComparisonText } from "../report/markdown/compare-render.js";
import { readRunStore } from "../store/run-store.js";
import type { CommandContext } from "./main.js";

/** "10%", "10" or "2.5%" → 10, 10, 2.5 (a percentage). */
export function parsePercent(value: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  if (!m) throw new HeadroomError("HR_BAD_NUMBER", `${flag} "${value}" is not a percentage; expected a number with an optional %, such as 10%`, `write it like ${flag} 10% (B may be up to 10 % worse than A before it counts as a regression)`);
  return Number(m[1]);
}

export function parseAlpha(value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0 || v >= 1) throw new HeadroomError("HR_BAD_NUMBER", `--alpha "${value}" is not a probability between 0 and 1`, "use a significance level such as --alpha 0.05 (the default) or 0.01 for stricter CI gates");
  return v;
}

interface CompareFlags {
  json?: boolean;
  md?: boolean;
  maxRegression: string;
  alpha: string;
  out?: string;
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("compare")
    .description("compare two stored runs: per endpoint and overall P50/P95/P99, throughput and error rate, with significance tests; exits 100 on a regression beyond the bound")
    .argument("<runA>", "the baseline run directory")
    .argument("<runB>", "the candidate run directory")
    .option("--json", "print the comparison as JSON")
    .option("--md", "print the comparison as Markdown")
    .option("--max-regression <pct>", "largest tolerated worsening relative to A", "10%")
    .option("--alpha <p>", "significance level, Holm-adjusted over all tests", "0.05")
    .option("--out <file>", "also write the output to this file")
    .addHelpText(
      "after",
      `
How it decides (so noise is not called a regression):
  Figures (A, B, change) come from each run's merged HDR histograms and counts.
  Each change is tested on the figure printed: a whole-run P50/P95/P99 by a z-test of
  log(B/A) with standard errors from a block bootstrap over each run's seconds (combined with
  Mann-Whitney U on the per-second percentiles), throughput by Mann-Whitney U on per-second
  request counts, the error rate by a two-proportion z-test; the p-values are Holm-Bonferroni
  adjusted over every test of the comparison.
  A REGRESSION is worse, beyond --max-regression (relative to A), at least 1 ms of latency or
  0.1 percentage points of error rate, and significant (adjusted p < --alpha).
  INCONCLUSIVE: not significant, and the runs were too short to detect a change of the bound's
  size; the output gives the smallest change they could detect (run longer to tell).
  Runs of different tests (scenario, target, executor, users/rate/connections, user classes,
  durations 1.5x apart or more, scale) are still compared, with a warning naming what differs
  (also in --md, and in --json as "comparable" and "differences").

Exit codes: 0 no regression, 100 regression beyond the bound, 2 bad usage, 3 unreadable run.

Examples:
  npx headroom compare runs/last-week runs/today
  npx headroom compare runs/last-week runs/today --max-regression 10% --md --out compare.md
  npx headroom compare runs/last-week runs/today --json --alpha 0.01`,
    )
    .action(async (runA: string, runB: string, flags: CompareFlags) => {
      if (flags.json && flags.md) throw new HeadroomError("HR_CONFLICTING_FLAGS", "--json and --md were both given; compare prints one format", "choose one of --json or --md (or neither for the text table)");
      const maxRegressionPct = parsePercent(flags.maxRegression, "--max-regression");
      const alpha = parseAlpha(flags.alpha);
      const a = readRunStore(resolve(ctx.io.cwd, runA));
      const b = readRunStore(resolve(ctx.io.cwd, runB));
      const before = { dir: runA, manifest: a.manifest, intervals: a.intervals };
      const after = { dir: runB, manifest: b.manifest, intervals: b.intervals };
      const comparison = compareRuns(before, after, { maxRegressionPct, alpha });
      const text = flags.json ? JSON.stringify(comparison, null, 2) + "\n" : flags.md ? renderComparisonMarkdown(comparison) : renderComparisonText(comparison);
      ctx.io.stdout.write(text);
      // The text form carries the warning itself; with --json or --md stdout may go to a file.
      if (!comparison.comparable && (flags.json || flags.md)) ctx.io.stderr.write(`warning: ${comparabilityWarning(comparison)}\n`);
      if (flags.out) writeFileSync(resolve(ctx.io.cwd, flags.out), text);
      if (comparison.regression) {
        const err = new HeadroomError("HR_REGRESSION", `${comparison.regressions.length} significant regression(s) beyond ${maxRegressionPct} % from ${runA} to ${runB}; the first: ${comparison.regressions[0]}`, "look at the endpoints marked REGRESSION; if the change is intended, raise --max-regression or record B as the new baseline");
        ctx.io.stderr.write(formatError(err) + "\n");
        ctx.setExitCode(EXIT.REGRESSION);
      }
    });
}
