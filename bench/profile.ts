// Profiles headroom's generator where it misses a throughput target: runs
// `node --cpu-prof headroom run --url ... --connections C` pinned to the generator core against
// the pinned nginx target, then prints self time by area and by function for every thread's
// profile. With file arguments it only summarises existing .cpuprofile files.
//
//   node --import tsx bench/profile.ts [--connections 50] [--duration 10] [--top 20]
//   node --import tsx bench/profile.ts some.cpuprofile ...
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { GENERATOR_CORE, TARGET_CORE } from "./cases.js";
import { renderCpuProfileSummary, summarizeCpuProfile, type CpuProfile } from "./cpu-profile.js";
import { parseHeadroomJson } from "./parsers.js";
import { runMeasured } from "./run-measured.js";
import { startThroughputTarget } from "./targets.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function summarizeFiles(files: string[], top: number): void {
  for (const f of files) {
    const profile = JSON.parse(readFileSync(f, "utf8")) as CpuProfile;
    process.stdout.write(renderCpuProfileSummary(summarizeCpuProfile(profile, top), f) + "\n");
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      connections: { type: "string", default: "50" },
      duration: { type: "string", default: "10" },
      top: { type: "string", default: "20" },
      "keep-dir": { type: "boolean", default: false },
    },
  });
  const top = Number(values.top);
  if (positionals.length > 0) return summarizeFiles(positionals, top);

  const dir = mkdtempSync(join(tmpdir(), "headroom-cpuprof-"));
  const target = await startThroughputTarget(TARGET_CORE);
  try {
    const args = ["-c", String(GENERATOR_CORE), process.execPath, "--cpu-prof", "--cpu-prof-dir", dir, join(ROOT, "packages/headroom/bin/headroom.js"), "run", "--url", target.url, "--connections", values.connections, "--duration", `${values.duration}s`, "--workers", "1", "--json"];
    process.stderr.write(`[profile] taskset ${args.join(" ")}\n`);
    const run = await runMeasured("taskset", args, { cwd: ROOT, timeoutMs: Number(values.duration) * 1000 + 60_000 });
    try {
      const r = parseHeadroomJson(run.stdout);
      process.stdout.write(`headroom under --cpu-prof: ${Math.round(r.rps)} req/s, p99 ${r.p99Ms.toFixed(2)} ms, peak RSS ${run.peakRssMb.toFixed(1)} MB (profiling slows it down)\n\n`);
    } catch (e) {
      process.stdout.write(`headroom output not parsed: ${(e as Error).message}\nstderr: ${run.stderr.slice(-400)}\n`);
    }
    const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(dir, f));
    summarizeFiles(files, top);
  } finally {
    await target.stop();
    if (values["keep-dir"]) process.stderr.write(`[profile] profiles kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`profile: ${(e as Error).message}\n`);
  process.exitCode = 2;
});
