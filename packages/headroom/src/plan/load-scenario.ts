// Loads a scenario file (TypeScript, loaded directly: the bin and the worker bootstrap register
// tsx). The file's default export (or an export named `scenario`) must be a scenario({ ... }).
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { HeadroomError } from "../errors.js";
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

export async function loadScenario(path: string): Promise<Scenario> {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    throw new HeadroomError("HR_SCENARIO_NOT_FOUND", `scenario file "${path}" does not exist (looked at ${abs})`, "check the path; scenario files are TypeScript modules such as loadtests/api.scenario.ts");
  }
  resolveHeadroomForScenarios();
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
