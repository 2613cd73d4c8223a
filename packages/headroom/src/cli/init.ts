// `headroom init`: scaffolds headroom in a team's project: a scenario (from an OpenAPI document or
// a HAR recording, else a commented example), the targets, the settings file and a weekly CI
// workflow; then prints the next command.
import { existsSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { HeadroomError } from "../core/errors.js";
import { configSource, targetsSource, workflowSource } from "../import/project-files.js";
import type { LearnedApi } from "../import/operations.js";
import { readApi } from "../import/read-api.js";
import { scenarioSource } from "../import/scenario-source.js";
import { makeDirectory } from "../store/make-directory.js";
import { parseHttpUrl } from "./flags.js";
import type { CommandContext } from "./main.js";

interface InitFlags {
  from?: string;
  target?: string;
  dir?: string;
  scenario: string;
  workflow: boolean;
  force?: boolean;
}

const DEFAULT_TARGET = "http://127.0.0.1:3000";

/** "My Shop API" → "my-shop-api"; the project directory's name when there is no title. */
function scenarioName(api: LearnedApi | undefined, dir: string): string {
  const raw = api?.title ?? basename(dir);
  return raw.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "app";
}

async function init(ctx: CommandContext, f: InitFlags): Promise<void> {
  const { io } = ctx;
  const dir = resolve(io.cwd, f.dir ?? ".");
  const api = f.from ? await readApi(resolve(io.cwd, f.from), f.from) : undefined;
  const target = f.target ? parseHttpUrl(f.target, "--target") : (api?.server ?? DEFAULT_TARGET);
  const scenarioRel = f.scenario.replace(/\\/g, "/");
  const targetsRel = join(dirname(scenarioRel), "targets.json").replace(/\\/g, "/");
  const files: [string, string][] = [
    [scenarioRel, scenarioSource(scenarioName(api, dir), scenarioRel, target, api)],
    [targetsRel, targetsSource()],
    ["headroom.config.json", configSource({ target, scenario: scenarioRel, targets: targetsRel })],
  ];
  if (f.workflow) files.push([".github/workflows/headroom.yml", workflowSource({ scenario: scenarioRel })]);
  const existing = files.map(([rel]) => rel).filter((rel) => existsSync(join(dir, rel)));
  if (existing.length > 0 && !f.force) {
    throw new HeadroomError("HR_CONFLICTING_FLAGS", `headroom init would overwrite ${existing.join(", ")} in ${dir}`, "move them away, choose another --scenario path, or pass --force to overwrite");
  }
  for (const [rel, text] of files) {
    const path = join(dir, rel);
    makeDirectory(dirname(path));
    writeFileSync(path, text);
  }
  const shownDir = relative(io.cwd, dir);
  const at = shownDir ? ` in ${shownDir}` : "";
  const out = io.stdout;
  out.write(`wrote${at}:\n${files.map(([rel]) => `  ${rel}`).join("\n")}\n`);
  out.write(api ? `the scenario requests ${api.operations.length} operation${api.operations.length === 1 ? "" : "s"} from ${api.source}\n` : "the scenario is a commented example: edit its tasks to what your users do\n");
  for (const note of api?.notes ?? []) out.write(`  note: ${note}\n`);
  if (api?.auth) out.write("  note: the API wants credentials: pass a token with --var token=... (or HEADROOM_VAR=token=...)\n");
  const cd = shownDir ? `cd ${shownDir} && ` : "";
  out.write(`\nnext: try the scenario for 30 s against ${target} (its host):\n  ${cd}npx headroom run ${scenarioRel} --profile smoke\nthen the capacity plan (--target and --suite from headroom.config.json):\n  ${cd}npx headroom plan\n`);
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("init")
    .description("scaffold headroom in your project: a scenario (from an OpenAPI document or a HAR recording, or an example), targets, headroom.config.json and a weekly CI workflow")
    .option("--from <file>", "an OpenAPI document (.json, .yaml) or a HAR recording (.har) to write the scenario's requests from")
    .option("--target <url>", `the platform's base URL (default: the document's server, else ${DEFAULT_TARGET})`)
    .option("--dir <dir>", "the project directory (default: the current directory)")
    .option("--scenario <path>", "where the scenario goes, relative to the project (the targets file goes next to it)", "load/app.scenario.ts")
    .option("--no-workflow", "do not write .github/workflows/headroom.yml")
    .option("--force", "overwrite files that exist")
    .addHelpText(
      "after",
      `
Examples:
  npx headroom init                                   a commented example scenario
  npx headroom init --from openapi.yaml --target https://staging.example.com
  npx headroom init --from recording.har              the recorded API calls, weighted by count`,
    )
    .action(async (flags: InitFlags) => {
      await init(ctx, flags);
    });
}
