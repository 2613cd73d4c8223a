// `headroom import`: bring Locust and k6 work along. `import locust FILE --out X.scenario.ts`
// converts a locustfile; `import locust-csv PREFIX --out DIR` and `import k6 FILE --out DIR` turn
// their results into run directories that analyze, report, compare and plan read.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { HeadroomError } from "../core/errors.js";
import { convertLocustModule } from "../import/locust-scenario.js";
import { parsePythonFile } from "../import/python-ast.js";
import { INTERVALS_FILE, MANIFEST_FILE, SUMMARY_FILE, TELEMETRY_FILE } from "../core/types.js";
import type { CommandContext } from "./main.js";

function needOut(out: string | undefined, example: string): string {
  if (!out) throw new HeadroomError("HR_MISSING_ARGUMENT", "--out is required", `say where to write, e.g. ${example}`);
  return out;
}

function refuseOverwrite(path: string, force: boolean | undefined): void {
  if (existsSync(path) && !force) throw new HeadroomError("HR_BAD_ARGUMENT", `--out "${path}" already exists`, "choose another path, or pass --force to replace it");
}

/** With --force into an existing run directory: its run files go (they are appended to otherwise). */
function clearRunFiles(dir: string): void {
  for (const f of [MANIFEST_FILE, INTERVALS_FILE, TELEMETRY_FILE, SUMMARY_FILE]) rmSync(join(dir, f), { force: true });
}

function registerLocust(cmd: Command, ctx: CommandContext): void {
  cmd
    .command("locust")
    .description("convert a locustfile (HttpUser/FastHttpUser classes, TaskSets, @task weights, waits, on_start/on_stop, requests, catch_response) into a headroom scenario file")
    .argument("<locustfile>", "the Locust file (.py)")
    .option("--out <file>", "the scenario file to write (e.g. suite.scenario.ts)")
    .option("--force", "replace --out if it exists")
    .addHelpText(
      "after",
      `
The file is read with Python's own parser (python3 -c 'import ast'; HEADROOM_PYTHON names another
interpreter). What cannot be converted becomes a "// TODO(line N): ..." comment in the output and a
line of the summary printed here; nothing is dropped silently. See docs/migrating.md.

Then run it: npx headroom run suite.scenario.ts --users 50 --duration 1m --host http://127.0.0.1:8000

Exit codes: 0 written (TODOs, if any, are listed), 2 bad usage, 3 missing or invalid locustfile,
4 python3 not found.

Examples:
  npx headroom import locust locustfile.py --out suite.scenario.ts
  npx headroom import locust loadtests/locustfile.py --out loadtests/api.scenario.ts --force`,
    )
    .action(async (file: string, flags: { out?: string; force?: boolean }) => {
      const out = resolve(ctx.io.cwd, needOut(flags.out, "--out suite.scenario.ts"));
      if (!/\.(ts|mts)$/.test(out)) throw new HeadroomError("HR_BAD_ARGUMENT", `--out "${flags.out}" is not a .ts file`, "name the scenario file with .ts, e.g. --out suite.scenario.ts");
      refuseOverwrite(out, flags.force);
      const path = resolve(ctx.io.cwd, file);
      const parsed = await parsePythonFile(path, ctx.io.env.HEADROOM_PYTHON || "python3");
      const converted = convertLocustModule(parsed.module, path, basename(out));
      writeFileSync(out, converted.source);
      const w = (s: string): unknown => ctx.io.stdout.write(s + "\n");
      const tasks = converted.classes.reduce((s, c) => s + c.tasks, 0);
      w(`wrote ${flags.out}: ${converted.classes.length} user class(es) (${converted.classes.map((c) => `${c.name} weight ${c.weight}`).join(", ")}), ${tasks} task(s)`);
      if (converted.notes.length > 0) {
        w(`converted with a difference from Locust (${converted.notes.length}):`);
        for (const n of converted.notes) w(`  line ${n.line}: ${n.what}`);
      }
      if (converted.todos.length > 0) {
        w(`not converted, marked TODO in the output (${converted.todos.length}):`);
        for (const t of converted.todos) w(`  line ${t.line}: ${t.what}`);
      } else w("everything converted (no TODO)");
      w(`next: npx headroom run ${flags.out} --users 50 --spawn-rate 10 --duration 1m --host <url>`);
    });
}

function registerResults(cmd: Command, ctx: CommandContext): void {
  const done = (dir: string, imported: { requests: number; durationSec: number; notes: string[] }): void => {
    const w = (s: string): unknown => ctx.io.stdout.write(s + "\n");
    w(`imported ${imported.requests} requests over ${imported.durationSec} s into ${dir}`);
    for (const n of imported.notes) w(`  note: ${n}`);
    w(`next: npx headroom analyze ${dir}   (or report, or compare it with a headroom run)`);
  };
  cmd
    .command("locust-csv")
    .description("import Locust's --csv results (PREFIX_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv) into a run directory")
    .argument("<prefix>", "the --csv prefix given to locust (the files are PREFIX_stats.csv and so on)")
    .option("--out <dir>", "the run directory to write")
    .option("--name <name>", "the test's name in reports", "locust")
    .option("--force", "write into --out even if it exists")
    .addHelpText("after", "\nPREFIX is what locust was given: `locust -f locustfile.py --headless -u 100 -t 5m --csv results/old --csv-full-history`\n(--csv-full-history keeps per-name seconds). Then: npx headroom compare runs/locust-old runs/today\n\nExit codes: 0 imported, 2 bad usage, 3 missing or invalid files.\n\nExamples:\n  npx headroom import locust-csv results/old --out runs/locust-old\n  npx headroom import locust-csv results/old --out runs/locust-old --name peak --force")
    .action(async (prefix: string, flags: { out?: string; name: string; force?: boolean }) => {
      const out = resolve(ctx.io.cwd, needOut(flags.out, "--out runs/locust-old"));
      refuseOverwrite(out, flags.force);
      clearRunFiles(out);
      const { importLocustCsv } = await import("../import/locust-csv.js");
      done(flags.out!, importLocustCsv(resolve(ctx.io.cwd, prefix), out, flags.name));
    });
  cmd
    .command("k6")
    .description("import k6 results (--summary-export JSON, handleSummary JSON, or --out json NDJSON with per-request points) into a run directory")
    .argument("<file>", "the k6 output file")
    .option("--out <dir>", "the run directory to write")
    .option("--name <name>", "the test's name in reports", "k6")
    .option("--force", "write into --out even if it exists")
    .addHelpText("after", "\nFrom `k6 run --out json=points.json script.js` (exact per-second histograms), `--summary-export=summary.json`,\nor a handleSummary that wrote JSON.stringify(data) (summaries have no time series: see docs/migrating.md).\n\nExit codes: 0 imported, 2 bad usage, 3 missing or invalid file.\n\nExamples:\n  npx headroom import k6 points.json --out runs/k6-old\n  npx headroom import k6 summary.json --out runs/k6-summary --name peak")
    .action(async (file: string, flags: { out?: string; name: string; force?: boolean }) => {
      const out = resolve(ctx.io.cwd, needOut(flags.out, "--out runs/k6-old"));
      refuseOverwrite(out, flags.force);
      clearRunFiles(out);
      const { importK6 } = await import("../import/k6-results.js");
      done(flags.out!, importK6(resolve(ctx.io.cwd, file), out, flags.name));
    });
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command("import")
    .description("bring Locust and k6 work along: convert a locustfile into a scenario, import Locust CSV or k6 results as run directories")
    .addHelpText("after", "\nExamples:\n  npx headroom import locust locustfile.py --out suite.scenario.ts\n  npx headroom import locust-csv results/old --out runs/locust-old\n  npx headroom import k6 points.json --out runs/k6-old");
  registerLocust(cmd, ctx);
  registerResults(cmd, ctx);
}
