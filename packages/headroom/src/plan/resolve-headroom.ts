// Lets scenario files outside this repository import "headroom" (see resolve-headroom-hooks.mjs).
import { register } from "node:module";

const INDEX_URL = new URL("../index.ts", import.meta.url).href;
let registered = false;

/** Registers the resolve hook once per thread (module hooks apply to the imports that follow). */
export function resolveHeadroomForScenarios(): void {
  if (registered) return;
  registered = true;
  register(new URL("./resolve-headroom-hooks.mjs", import.meta.url), { data: { indexUrl: INDEX_URL, loaderUrl: new URL("./load-scenario.ts", import.meta.url).href } });
}

/** The file the "headroom" import means, for the type checker. */
export const HEADROOM_INDEX_PATH = new URL(INDEX_URL).pathname;
