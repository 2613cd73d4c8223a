// The infrastructure model the planning reads: config/infrastructure.default.json with the
// user's (possibly partial) file merged over it. Shared by `plan`, `scale` and `alerts`.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HeadroomError } from "../core/errors.js";
import { resolveInfrastructure } from "./infrastructure.js";
import type { InfrastructureModel } from "./types.js";

/** The repository's config/ from the sources; the copy the build ships in dist/config/ from the package. */
const PACKAGED_INFRASTRUCTURE_FILE = fileURLToPath(new URL("../config/infrastructure.default.json", import.meta.url));
export const DEFAULT_INFRASTRUCTURE_FILE = existsSync(PACKAGED_INFRASTRUCTURE_FILE) ? PACKAGED_INFRASTRUCTURE_FILE : fileURLToPath(new URL("../../../../config/infrastructure.default.json", import.meta.url));

/** A JSON file's content; HR_CONFIG_INVALID naming the file (and the flag that gave it) when it is missing or not JSON. */
export function readJson(path: string, what: string, flag: string): unknown {
  if (!existsSync(path)) throw new HeadroomError("HR_CONFIG_INVALID", `${what} "${path}" does not exist`, `check the path given to ${flag} (relative paths are resolved from the current directory)`);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new HeadroomError("HR_CONFIG_INVALID", `${what} "${path}" is not valid JSON (${(e as Error).message})`, "fix the JSON syntax; config/infrastructure.default.json shows the expected form", { cause: e });
  }
}

/** The default model with the user's (possibly partial) file merged over it. */
export function loadInfrastructure(cwd: string, file?: string): InfrastructureModel {
  const defaults = readJson(DEFAULT_INFRASTRUCTURE_FILE, "default infrastructure model", "the installation");
  if (!file) return resolveInfrastructure(defaults, undefined, "config/infrastructure.default.json");
  const path = resolve(cwd, file);
  return resolveInfrastructure(defaults, readJson(path, "infrastructure model", "--infra"), `${file} (merged over config/infrastructure.default.json)`);
}
