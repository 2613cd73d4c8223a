#!/usr/bin/env node
// Entry point. An installed package runs its build (dist/): nothing is compiled at start, and tsx
// is loaded only when a scenario file is. In the repository (src/ present) the sources run
// directly under tsx, so no build step stands between an edit and the next run.
import { existsSync } from "node:fs";

const sources = new URL("../src/cli/main.ts", import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import("../dist/cli/main.js"));
}
process.exitCode = await main(process.argv.slice(2));
