// Finds every *.test.ts below packages/ and apps/ (or the paths given) and runs them with
// node's test runner through tsx. Test files run one at a time: many of them start servers and
// measure latency, and on a 2-core machine parallel files would disturb each other's numbers.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { prepareTestServices } from "./test-services.mjs";

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const roots = args.length > 0 ? args : ["packages", "apps"];
const files = roots.flatMap((r) => (statSync(r).isDirectory() ? find(r, []) : [r])).sort();
if (files.length === 0) {
  console.error(`no test files found under ${roots.join(", ")}`);
  process.exit(1);
}
// PostgreSQL and Redis: the machine's, else an embedded PostgreSQL, and the Redis tests left out (see test-services.mjs).
let services;
try {
  services = await prepareTestServices(files);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...services.files], { stdio: "inherit", env: { ...process.env, ...services.env } });
child.on("exit", (code, signal) => {
  void services.stop().then(() => process.exit(code ?? (signal ? 1 : 0)));
});
