// headroom.config.json (or .ts/.mjs/.js): settings a team keeps next to its scenarios instead of
// repeating them as flags. Top-level keys are flags of any command (`"target"`, `"postgres"`);
// a key named after a command (`"plan": { ... }`) holds settings of that command only and wins
// over the top level. Keys are the flag names, with or without dashes ("search-budget" or
// "searchBudget"). Which file: --config FILE, else HEADROOM_CONFIG, else the first of
// CONFIG_FILE_NAMES in the current directory.
import { existsSync, readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { HeadroomError } from "../core/errors.js";
import { resolveHeadroomForScenarios } from "../plan/resolve-headroom.js";

export const CONFIG_FILE_NAMES = ["headroom.config.json", "headroom.config.ts", "headroom.config.mjs", "headroom.config.js"];

export type ConfigValue = string | number | boolean | (string | number)[];

export interface ConfigFile {
  /** The file, as found or given. */
  path: string;
  /** Top-level settings, by commander attribute name (camelCase). */
  common: Record<string, ConfigValue>;
  /** Per-command sections: command name → settings. */
  commands: Record<string, Record<string, ConfigValue>>;
}

/** "search-budget", "--search-budget" or "searchBudget" → "searchBudget". */
export function attributeName(key: string): string {
  return key.replace(/^-+/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The config file to read: `given` (--config), HEADROOM_CONFIG, or one in `cwd`; undefined when none. */
export function findConfigFile(cwd: string, env: Record<string, string | undefined>, given?: string): string | undefined {
  const named = given ?? (env.HEADROOM_CONFIG || undefined);
  if (named !== undefined) {
    const path = resolve(cwd, named);
    if (!existsSync(path)) {
      const how = given !== undefined ? "--config" : "HEADROOM_CONFIG";
      throw new HeadroomError("HR_CONFIG_INVALID", `config file "${named}" (${how}) does not exist (looked at ${path})`, `check the path, or create it with \`headroom init\`; without ${how}, headroom reads ${CONFIG_FILE_NAMES[0]} from the current directory`);
    }
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function invalid(path: string, what: string): HeadroomError {
  return new HeadroomError("HR_CONFIG_INVALID", `config file "${path}": ${what}`, 'write an object of flag names to values, e.g. {"target": "https://staging.example.com", "plan": {"suite": "load/app.scenario.ts"}}; see docs/configuration.md');
}

function settingValue(path: string, key: string, value: unknown): ConfigValue {
  if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) return value as (string | number)[];
  throw invalid(path, `"${key}" is ${JSON.stringify(value)}; expected a string, a number, true/false, or a list of strings (repeatable flags)`);
}

function settings(path: string, obj: Record<string, unknown>, where: string): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(obj)) out[attributeName(key)] = settingValue(path, `${where}${key}`, value);
  return out;
}

async function readRaw(path: string): Promise<unknown> {
  if (extname(path) === ".json") {
    try {
      return JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new HeadroomError("HR_CONFIG_INVALID", `config file "${path}" is not valid JSON (${(e as Error).message})`, "fix the JSON syntax (`headroom init` writes an example)", { cause: e });
    }
  }
  // A TypeScript or JavaScript config: its default export (tsx loads .ts, as for scenarios).
  await resolveHeadroomForScenarios();
  try {
    const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    return mod.default;
  } catch (e) {
    throw new HeadroomError("HR_CONFIG_INVALID", `config file "${path}" failed to load: ${(e as Error).message}`, "fix the error in the file; it must `export default { ... }` an object of settings", { cause: e });
  }
}

/** Reads and checks the file's form; `commandNames` are the keys that are sections, not settings. */
export async function readConfigFile(path: string, commandNames: readonly string[]): Promise<ConfigFile> {
  const raw = await readRaw(path);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalid(path, `expected an object of settings, found ${Array.isArray(raw) ? "a list" : JSON.stringify(raw)}`);
  const common: Record<string, unknown> = {};
  const commands: Record<string, Record<string, ConfigValue>> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key.startsWith("$") || key.startsWith("//")) continue;
    if (commandNames.includes(key)) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalid(path, `"${key}" names the command ${key}; expected an object of its settings, found ${JSON.stringify(value)}`);
      commands[key] = settings(path, value as Record<string, unknown>, `${key}.`);
    } else common[key] = value;
  }
  return { path, common: settings(path, common, ""), commands };
}
