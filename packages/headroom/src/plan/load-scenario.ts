// Loads a scenario file (TypeScript, loaded directly: the bin and the worker bootstrap register
// tsx). The file's default export (or an export named `scenario`) must be a scenario({ ... }).
import { readdirSync, statSync, type Stats } from "node:fs";
import { extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { HeadroomError } from "../core/errors.js";
import { resolveHeadroomForScenarios } from "./resolve-headroom.js";
import { isScenario, type Scenario } from "./scenario-api.js";
import { validateScenario } from "./validate-scenario.js";

/** The file:line:col of the first frame inside the scenario file, if the error has one. */
function locate(e: unknown, file: string): string {
  const text = `${(e as Error)?.stack ?? ""}\n${(e as Error)?.message ?? ""}`;
  const esc = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`${esc}:(\\d+)(?::(\\d+))?`).exec(text);
  return m ? `${file}:${m[1]}${m[2] ? `:${m[2]}` : ""}` : file;
}

/** What a scenario file may be: TypeScript or JavaScript, loaded as a module. */
export const SCENARIO_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];
const EXAMPLE = "apps/backend/tests/load_tests/muejam.scenario.ts for the MueJam suite";

/**
 * Throws HR_SCENARIO_NOT_FOUND (nothing there, or a directory) or HR_SCENARIO_INVALID (not a .ts
 * or .js file) naming the path (`shown`: as the user typed it), unless `path` is a file a
 * scenario can be loaded from.
 */
export function checkScenarioFile(path: string, shown = path): void {
  const abs = resolve(path);
  let st: Stats;
  try {
    st = statSync(abs);
  } catch {
    throw new HeadroomError("HR_SCENARIO_NOT_FOUND", `scenario file "${shown}" does not exist (looked at ${abs}); expected a .ts or .js scenario file`, `check the path; a scenario is a file such as ${EXAMPLE}`);
  }
  if (st.isDirectory()) {
    let inside: string[] = [];
    try {
      inside = readdirSync(abs).filter((f) => /\.scenario\.[mc]?[jt]s$/.test(f)).sort();
    } catch {
      /* unreadable: the hint falls back to the example */
    }
    throw new HeadroomError(
      "HR_SCENARIO_NOT_FOUND",
      `"${shown}" is a directory; expected a .ts or .js scenario file`,
      inside.length > 0 ? `pass the scenario file itself: ${inside.slice(0, 3).map((f) => join(shown, f)).join(" or ")}` : `pass the scenario file itself, e.g. ${EXAMPLE}`,
    );
  }
  if (!SCENARIO_EXTENSIONS.includes(extname(abs))) {
    throw new HeadroomError("HR_SCENARIO_INVALID", `"${shown}" is not a scenario file: expected a .ts or .js file (found "${extname(abs) || "no extension"}")`, `pass a TypeScript or JavaScript file that exports scenario({ ... }), e.g. ${EXAMPLE}`);
  }
}

/**
 * Imports a user's TypeScript or JavaScript module (a target adapter, for instance) as an ES module
 * whatever the nearest package.json says, and able to import "headroom": resolve-headroom-hooks.mjs
 * applies both to the imports made from this file.
 */
export async function importUserModule(abs: string): Promise<Record<string, unknown>> {
  await resolveHeadroomForScenarios();
  return (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
}

export async function loadScenario(path: string): Promise<Scenario> {
  const abs = resolve(path);
  checkScenarioFile(path);
  await resolveHeadroomForScenarios();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    const msg = ((e as Error)?.message ?? String(e)).split("\n").slice(0, 6).join("\n  ");
    throw new HeadroomError("HR_SCENARIO_LOAD", `${locate(e, abs)}: the scenario failed to load: ${msg}`, "fix the error at that line (run `npx tsc --noEmit` on the file for the full list), then run again", { cause: e });
  }
  const candidate = isScenario(mod.default) ? mod.default : isScenario(mod.scenario) ? mod.scenario : undefined;
  if (!candidate) {
    throw new HeadroomError(
      "HR_SCENARIO_INVALID",
      `${abs} does not export a scenario (found exports: ${Object.keys(mod).join(", ") || "none"})`,
      'end the file with `export default scenario({ name, classes: [...] })`, importing scenario from "headroom"',
    );
  }
  const s: Scenario = { ...candidate, sourcePath: abs };
  const profiles = (mod.profiles ?? candidate.profiles) as Scenario["profiles"];
  if (profiles && typeof profiles === "object") s.profiles = profiles;
  return validateScenario(s, abs);
}
