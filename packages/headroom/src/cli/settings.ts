// Settings from the environment and the config file, for every flag of every command (flags
// added later get them too): HEADROOM_<FLAG> (HEADROOM_TARGET, HEADROOM_POSTGRES,
// HEADROOM_SEARCH_BUDGET, ...) and headroom.config.json. Precedence: flags > environment > file >
// defaults. Applied after commander has parsed the command line (so a flag always wins, a
// repeatable one too), before the command's action runs. With --dry-run the settings that came
// from the environment or the file are printed with where each came from, secrets redacted.
import type { Command, Option } from "commander";
import { HeadroomError } from "../core/errors.js";
import { COMMANDS } from "./commands.js";
import { collect } from "./flags.js";
import { findConfigFile, readConfigFile, type ConfigFile, type ConfigValue } from "./config-file.js";
import type { CommandContext } from "./main.js";
import { redactSecrets } from "../core/redact.js";

export type SettingSource = "flag" | "env" | "config";

export interface AppliedSetting {
  flag: string;
  value: unknown;
  source: SettingSource;
  /** The variable or the file it came from. */
  from: string;
}

/** searchBudget → HEADROOM_SEARCH_BUDGET. */
export function envVarName(attribute: string): string {
  return `HEADROOM_${attribute.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

const TRUE = ["true", "1", "yes", "on"];
const FALSE = ["false", "0", "no", "off"];

function isRepeatable(o: Option): boolean {
  return o.variadic || Array.isArray(o.defaultValue) || o.parseArg === collect;
}

function flagName(o: Option): string {
  return o.long ?? o.flags;
}

/** The value commander would hold had the flag been given `value`. */
function convert(o: Option, value: ConfigValue, from: string): unknown {
  const bad = (expected: string): HeadroomError =>
    new HeadroomError("HR_CONFIG_INVALID", `${from} sets ${flagName(o)} to ${JSON.stringify(value)}; expected ${expected}`, `fix the value in ${from}, or give ${flagName(o)} on the command line (flags win)`);
  if (!o.required && !o.optional) {
    if (typeof value === "boolean") return value;
    const text = String(value).toLowerCase();
    if (TRUE.includes(text)) return true;
    if (FALSE.includes(text)) return false;
    throw bad("true or false");
  }
  const items = Array.isArray(value) ? value.map(String) : [String(value)];
  if (Array.isArray(value) && !isRepeatable(o)) throw bad("one value (the flag is not repeatable)");
  if (!o.parseArg) return isRepeatable(o) ? items : items[0];
  let acc: unknown = isRepeatable(o) ? undefined : o.defaultValue;
  for (const item of items) acc = o.parseArg(item, acc);
  return acc;
}

/** The config file's settings for `cmd`: its top-level command's section over the common ones. */
function configFor(cmd: Command, config: ConfigFile): Record<string, ConfigValue> {
  let top = cmd;
  while (top.parent?.parent) top = top.parent;
  const section = config.commands[top.name()] ?? {};
  if (top === cmd) {
    const known = new Set(cmd.options.map((o) => o.attributeName()));
    const unknown = Object.keys(section).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      throw new HeadroomError("HR_CONFIG_INVALID", `config file "${config.path}": "${cmd.name()}" has no option ${unknown.map((k) => `"${k}"`).join(", ")}`, `the options of ${cmd.name()} are: ${[...known].join(", ")} (see headroom ${cmd.name()} --help)`);
    }
  }
  return { ...config.common, ...section };
}

/** Fills the options `cmd`'s command line left at their defaults from `env` and `config`; returns every non-default one. */
export function applySettings(cmd: Command, env: Record<string, string | undefined>, config: ConfigFile | undefined): AppliedSetting[] {
  const fromFile = config ? configFor(cmd, config) : {};
  const applied: AppliedSetting[] = [];
  for (const o of cmd.options) {
    const key = o.attributeName();
    if (key === "help" || key === "version") continue;
    if (cmd.getOptionValueSource(key) === "cli") {
      applied.push({ flag: flagName(o), value: cmd.getOptionValue(key), source: "flag", from: "command line" });
      continue;
    }
    const name = envVarName(key);
    const envValue = env[name];
    if (envValue !== undefined && envValue !== "") {
      const value = convert(o, envValue, name);
      cmd.setOptionValueWithSource(key, value, "env");
      applied.push({ flag: flagName(o), value, source: "env", from: name });
    } else if (key in fromFile && config) {
      const value = convert(o, fromFile[key]!, config.path);
      cmd.setOptionValueWithSource(key, value, "config");
      applied.push({ flag: flagName(o), value, source: "config", from: config.path });
    }
  }
  return applied;
}

const SECRET_FLAG = /token|secret|password|passwd|api[-_]?key|auth|credential|cookie/i;
const SECRET_HEADER = /^\s*(authorization|proxy-authorization|cookie|x-api-key|api-key)\s*:/i;

/** A value as it may be printed: passwords in URLs, secret query parameters, secret headers, secret key=value variables and secret flags hidden. */
export function redact(flag: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => redact(flag, v)).join(", ");
  const text = String(value);
  if (SECRET_FLAG.test(flag)) return "*** (hidden)";
  if (SECRET_HEADER.test(text)) return text.replace(/:.*/s, ": ***");
  const pair = /^([\w.-]+)=/.exec(text);
  if (pair && SECRET_FLAG.test(pair[1]!)) return `${pair[1]}=***`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const u = new URL(text);
      if (u.password) u.password = "***";
      for (const k of [...u.searchParams.keys()]) if (SECRET_FLAG.test(k)) u.searchParams.set(k, "***");
      return u.password || u.search ? u.toString() : text;
    } catch {
      return redactSecrets(text);
    }
  }
  return text;
}

/** The --dry-run block: each setting and where it came from. */
export function describeSettings(applied: readonly AppliedSetting[]): string {
  const width = Math.max(...applied.map((a) => a.flag.length));
  const lines = applied.map((a) => `  ${a.flag.padEnd(width)}  ${redact(a.flag, a.value)}  (${a.source === "flag" ? "flag" : a.source === "env" ? a.from : `config ${a.from}`})`);
  return `settings (flags > HEADROOM_* environment > config file > defaults):\n${lines.join("\n")}\n`;
}

/**
 * Adds --config to the program and applies the settings before each command's action. The
 * settings are printed with --dry-run when any came from the environment or the file.
 */
export function installSettings(program: Command, ctx: CommandContext): void {
  program.option("--config <file>", "settings file (default: headroom.config.json in the current directory, or HEADROOM_CONFIG)");
  program.hook("preAction", async (root, action) => {
    const path = findConfigFile(ctx.io.cwd, ctx.io.env, root.opts<{ config?: string }>().config);
    const config = path ? await readConfigFile(path, COMMANDS.map((c) => c.name)) : undefined;
    const applied = applySettings(action, ctx.io.env, config);
    const opts = action.opts<{ dryRun?: boolean; json?: boolean }>();
    if (opts.dryRun && applied.some((a) => a.source !== "flag")) (opts.json ? ctx.io.stderr : ctx.io.stdout).write(describeSettings(applied));
  });
}
