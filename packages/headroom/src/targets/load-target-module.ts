// Loads a target adapter module by path (`headroom plan --platform MODULE`, or the MueJam API's
// adapter when neither --target nor --platform is given). The module is found by file path, never
// by package name: headroom does not depend on any platform, and an installed headroom runs
// without this repository's backend.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HeadroomError } from "../core/errors.js";
import { importUserModule } from "../plan/load-scenario.js";
import type { CreateTarget, Target, TargetOptions } from "./types.js";

/** The MueJam API's adapter in this repository: the default platform of `headroom plan`. */
export const DEFAULT_TARGET_MODULE = fileURLToPath(new URL("../../../../apps/backend/src/headroom-target.ts", import.meta.url));

const EXAMPLE = "as apps/backend/src/headroom-target.ts does";
const EXPECTED = `a module that exports createTarget(options), returning a Target { name, start(ctx) } (${EXAMPLE})`;

/** The adapter at `path` (resolved from `cwd`), or the default one; throws HR_TARGET_MODULE naming the module and the fix. */
export async function loadTargetModule(path: string | undefined, cwd: string): Promise<CreateTarget> {
  const abs = path === undefined ? DEFAULT_TARGET_MODULE : resolve(cwd, path);
  const shown = path === undefined ? `the MueJam API's target adapter (${abs})` : `--platform "${path}"`;
  if (!existsSync(abs)) {
    throw path === undefined
      ? new HeadroomError("HR_TARGET_MODULE", `${shown} is not installed: headroom plan starts the MueJam API only from its repository`, "point headroom at your platform with --target URL --suite FILE, or give a target adapter module with --platform MODULE")
      : new HeadroomError("HR_TARGET_MODULE", `${shown} does not exist (looked at ${abs})`, `give the path of ${EXPECTED}`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(abs);
  } catch (e) {
    const msg = ((e as Error)?.message ?? String(e)).split("\n").slice(0, 6).join("\n  ");
    throw new HeadroomError("HR_TARGET_MODULE", `${shown} failed to load: ${msg}`, path === undefined ? "run `npm ci` at the repository root, or point headroom at your platform with --target URL --suite FILE" : "fix the error it names (run `npx tsc --noEmit` on the file for the full list), then run again", { cause: e });
  }
  const create = mod.createTarget;
  if (typeof create !== "function") {
    throw new HeadroomError("HR_TARGET_MODULE", `${shown} does not export createTarget (found exports: ${Object.keys(mod).join(", ") || "none"})`, `add \`export function createTarget(options: TargetOptions): Target\` to the module (${EXAMPLE})`);
  }
  return (options: TargetOptions) => checkTarget(create(options), shown);
}

/** `value` if it is a Target; HR_TARGET_MODULE otherwise. */
export function checkTarget(value: unknown, shown: string): Target {
  const t = value as Partial<Target> | null | undefined;
  if (!t || typeof t !== "object" || typeof t.start !== "function" || typeof t.name !== "string") {
    const found = t && typeof t === "object" ? `an object with ${Object.keys(t).join(", ") || "no keys"}` : String(value);
    throw new HeadroomError("HR_TARGET_MODULE", `${shown}: createTarget returned ${found}, not a Target`, `return { name, start(ctx) } from createTarget (${EXAMPLE})`);
  }
  return t as Target;
}
