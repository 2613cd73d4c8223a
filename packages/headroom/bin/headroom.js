#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources (and users' scenario files) load directly.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
