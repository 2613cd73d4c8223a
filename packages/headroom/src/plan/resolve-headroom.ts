// Lets scenario files outside this repository import "headroom" (see resolve-headroom-hooks.mjs),
// and lets the built package load TypeScript scenario files: tsx is registered on the first load
// (from the sources, the bin and the worker bootstrap have registered it already).
import { register } from "node:module";
import { fileURLToPath } from "node:url";

/** Running from the sources (.ts under tsx) rather than the build (dist/*.js). */
const FROM_SOURCES = import.meta.url.endsWith(".ts");
const EXT = FROM_SOURCES ? ".ts" : ".js";
const INDEX_URL = new URL(`../index${EXT}`, import.meta.url).href;
let registered = false;

/** Registers tsx (from the build) and the resolve hook, once per thread (hooks apply to the imports that follow). */
export async function resolveHeadroomForScenarios(): Promise<void> {
  if (registered) return;
  registered = true;
  if (!FROM_SOURCES) (await import("tsx/esm/api")).register();
  register(new URL("./resolve-headroom-hooks.mjs", import.meta.url), { data: { indexUrl: INDEX_URL, loaderUrl: new URL(`./load-scenario${EXT}`, import.meta.url).href } });
}

/** The file the type checker reads for "headroom": the index, or its declarations in the build. */
export const HEADROOM_INDEX_PATH = fileURLToPath(new URL(FROM_SOURCES ? "../index.ts" : "../index.d.ts", import.meta.url));
/** The small entry with the scenario API only (see scenario-entry.ts). */
export const SCENARIO_ENTRY_PATH = fileURLToPath(new URL(FROM_SOURCES ? "./scenario-entry.ts" : "./scenario-entry.d.ts", import.meta.url));
