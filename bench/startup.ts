// Start-up time of the installed package: packs headroom and installs it into a temporary project
// (packages/headroom/scripts/pack-install.sh, as the package test and the Dockerfile do), then
// times `headroom --version` and `headroom --help` through node_modules/.bin, as a user runs them.
// Prints min / median / p90 per command against the 300 ms target. Not part of `npm test`.
//
//   node --import tsx bench/startup.ts                 pack, install, 20 runs of each
//   node --import tsx bench/startup.ts --runs 50 --project /tmp/hr   reuse (or create) that project
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const SCRIPT = fileURLToPath(new URL("../packages/headroom/scripts/pack-install.sh", import.meta.url));
const TARGET_MS = 300;

const { values } = parseArgs({ options: { runs: { type: "string", default: "20" }, project: { type: "string" } } });
const runs = Number(values.runs);
const project = values.project ?? mkdtempSync(join(tmpdir(), "headroom-startup-"));
const bin = join(project, "node_modules", ".bin", "headroom");
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|NODE_OPTIONS$)/i.test(k)));

if (!existsSync(bin)) {
  process.stderr.write(`packing and installing headroom into ${project}...\n`);
  const r = spawnSync("sh", [SCRIPT, project], { env, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`pack-install exited ${r.status}`);
}

function timeOnce(command: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd: project, env, stdio: ["ignore", "ignore", "inherit"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}`);
  return ms;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

process.stdout.write(`headroom start-up from the installed package (${project}), ${runs} runs each after 2 warm-ups, node ${process.version}\n`);
process.stdout.write("(a bare `node -e 0` is timed too: on a busy machine every figure grows with it)\n");
process.stdout.write(`${"command".padEnd(22)} ${"min".padStart(8)} ${"median".padStart(8)} ${"p90".padStart(8)}  target < ${TARGET_MS} ms (median)\n`);
const cases: [label: string, command: string, args: string[]][] = [
  ["node -e 0 (baseline)", process.execPath, ["-e", "0"]],
  ["headroom --version", bin, ["--version"]],
  ["headroom --help", bin, ["--help"]],
];
for (const [label, command, args] of cases) {
  timeOnce(command, args);
  timeOnce(command, args);
  const times = Array.from({ length: runs }, () => timeOnce(command, args)).sort((a, b) => a - b);
  const median = quantile(times, 0.5);
  const f = (ms: number): string => `${ms.toFixed(0)} ms`.padStart(8);
  const verdict = command === bin ? (median < TARGET_MS ? "PASS" : "MISS") : "";
  process.stdout.write(`${label.padEnd(22)} ${f(times[0]!)} ${f(median)} ${f(quantile(times, 0.9))}  ${verdict}\n`);
}
