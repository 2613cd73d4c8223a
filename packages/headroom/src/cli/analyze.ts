// `headroom analyze RUN [--targets FILE] [--level normal|peak|sustained] [--json]`: verdicts,
// tables and bottlenecks of a stored run; exit 98 when the run did not finish (INCOMPLETE), 99
// when a target FAILs.
import { resolve } from "node:path";
import type { Command } from "commander";
import { analyzeRun } from "../analysis/analyze-run.js";
import { runAnalysisText } from "../analysis/analysis-text.js";
import { measuredVerdictsOnly } from "../analysis/measured-verdicts.js";
import { EXIT, HeadroomError } from "../core/errors.js";
import { LOAD_LEVELS, loadTargets } from "../plan/targets.js";
import { readRunStore } from "../store/run-store.js";
import type { LoadLevel } from "../core/types.js";
import type { CommandContext } from "./main.js";

export function parseLevel(text: string | undefined): LoadLevel | undefined {
  if (text === undefined) return undefined;
  if (!(LOAD_LEVELS as readonly string[]).includes(text)) {
    throw new HeadroomError("HR_BAD_ARGUMENT", `--level "${text}" is not a load level; expected one of ${LOAD_LEVELS.join(", ")}`, "use --level normal, --level peak or --level sustained (the targets differ by level)");
  }
  return text as LoadLevel;
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("analyze")
    .description("judge a stored run against the targets: verdicts, phase/endpoint/resource tables, leaks, cache, recovery, bottlenecks (exit 98 for a run that did not finish, 99 when a target fails)")
    .argument("<run>", "run directory (as `headroom run` printed it)")
    .option("--targets <file>", "targets JSON overriding the defaults (see config/targets.default.json); without it only what the run measured is judged, throughput not")
    .option("--level <level>", "judge at this load level: normal, peak or sustained (default: the run's own, else normal)")
    .option("--json", "print the analysis as one JSON object")
    .addHelpText(
      "after",
      `
Examples:
  npx headroom analyze runs/20261127-101500-ab12
  npx headroom analyze runs/20261127-101500-ab12 --level peak --json
  npx headroom analyze runs/20261127-101500-ab12 --targets my-targets.json`,
    )
    .action(async (run: string, f: { targets?: string; level?: string; json?: boolean }) => {
      const level = parseLevel(f.level);
      const targets = loadTargets(f.targets ? resolve(ctx.io.cwd, f.targets) : undefined);
      const full = analyzeRun(readRunStore(resolve(ctx.io.cwd, run)), targets, level ? { level } : {});
      const analysis = f.targets ? full : measuredVerdictsOnly(full);
      ctx.io.stdout.write(f.json ? JSON.stringify(analysis) + "\n" : runAnalysisText(analysis));
      const failed = analysis.verdicts.filter((v) => v.verdict === "FAIL");
      // A target that failed on what was recorded is a failure (99) even if the run did not finish;
      // a run that did not finish and failed nothing cannot pass (98).
      if (analysis.incomplete) ctx.io.stderr.write(`run INCOMPLETE: ${analysis.incomplete}\n`);
      if (failed.length > 0) {
        ctx.io.stderr.write(`targets failed: ${failed.map((v) => `${v.label} ${v.measured} ${v.bound.unit}`).join(", ")}\n`);
        ctx.setExitCode(EXIT.TARGETS_FAILED);
      } else if (analysis.incomplete) {
        ctx.io.stderr.write(`exit ${EXIT.INCOMPLETE}: re-run it to its end to judge it\n`);
        ctx.setExitCode(EXIT.INCOMPLETE);
      } else ctx.setExitCode(EXIT.OK);
    });
}
