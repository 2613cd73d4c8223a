// `headroom fit usl FILE [--json]`: the Universal Scalability Law fitted to a CSV of
// concurrency,throughput (a search's steps, or any measurements).
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { uslText } from "../analysis/analysis-text.js";
import { fitUsl, parseUslCsv, USL_MIN_POINTS } from "../analysis/usl.js";
import { EXIT, HeadroomError } from "../core/errors.js";
import type { CommandContext } from "./main.js";

/** JSON has no Infinity: an unbounded nMax or xMax is written as null. */
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function register(program: Command, ctx: CommandContext): void {
  const fit = program
    .command("fit")
    .description("fit a model to measurements")
    .addHelpText("after", "\nExamples:\n  npx headroom fit usl steps.csv\n  npx headroom fit usl steps.csv --json");
  fit
    .command("usl")
    .description("fit the Universal Scalability Law X(N) = γN / (1 + α(N−1) + βN(N−1)) to a CSV of concurrency,throughput")
    .argument("<file>", "CSV with one load level per line: concurrency,throughput (header optional)")
    .option("--json", "print the fit as one JSON object")
    .addHelpText("after", "\nExamples:\n  npx headroom fit usl steps.csv\n  npx headroom fit usl steps.csv --json")
    .action((file: string, f: { json?: boolean }) => {
      const path = resolve(ctx.io.cwd, file);
      if (!existsSync(path)) throw new HeadroomError("HR_INPUT_INVALID", `CSV file "${file}" does not exist (looked at ${path})`, "give the path of a CSV with lines concurrency,throughput");
      if (statSync(path).isDirectory()) {
        throw new HeadroomError("HR_INPUT_INVALID", `"${file}" is a directory; expected a CSV file of concurrency,throughput lines`, "give the CSV file itself, e.g. headroom fit usl steps.csv (a search's steps: concurrency and throughput of each step from its search.json)");
      }
      const points = parseUslCsv(readFileSync(path, "utf8"), file);
      const r = fitUsl(points);
      if (points.length < USL_MIN_POINTS) ctx.io.stderr.write(`warning: only ${points.length} points; a trustworthy USL fit needs at least ${USL_MIN_POINTS} load levels\n`);
      if (f.json) {
        ctx.io.stdout.write(JSON.stringify({ alpha: r.alpha, beta: r.beta, gamma: r.gamma, nMax: finite(r.nMax), xMax: finite(r.xMax), rSquared: r.rSquared, points: r.points, residualStdErr: finite(r.residualStdErr), ci: r.ci ?? null, converged: r.converged, warnings: r.warnings }) + "\n");
      } else ctx.io.stdout.write(uslText(r));
      ctx.setExitCode(EXIT.OK);
    });
}
