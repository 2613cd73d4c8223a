// Worker threads start here. From the sources (this repository), tsx is registered so the
// TypeScript worker loads directly; from the build (an installed package) the worker is
// JavaScript, and tsx is registered only when a scenario file is loaded (plan/resolve-headroom).
import { existsSync } from "node:fs";

const sources = new URL("./worker-main.ts", import.meta.url);
if (existsSync(sources)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(sources.href);
} else {
  await import("./worker-main.js");
}
