// `npm run bench`: headroom, autocannon and wrk side by side against the same local targets,
// generator pinned to core 0 and target to core 1, rounds alternating the tool order. Prints a
// table per case and PASS/MISS per target of issue 2, and writes bench/results/latest.{json,md}.
// Exits 0 even when a target is missed: the verdicts are the output.
//
//   npm run bench                    3 rounds, 10 s throughput runs, 30 s memory, 20 s stall
//   npm run bench -- --quick         1 round, short runs (for iterating)
//   npm run bench -- --cases throughput-50,stall-200rps --tools autocannon,wrk --rounds 2
//   npm run bench -- --target node   the one-process Node server instead of nginx
//   npm run bench -- --rerender      tables, latest.md and README again from latest.json's records
// Before each run it waits (--quiet-wait-s, default 120) for other processes to go quiet, and it
// adds up to --extra-rounds rounds (default: as many as planned) while too few came out undisturbed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FULL_DURATIONS, QUICK_DURATIONS, TARGET_CORE, buildCases, roundOrder, toolCommand, type BenchCase, type CaseId, type CommandPaths } from "./cases.js";
import { parseToolOutput, type ToolName } from "./parsers.js";
import { buildCaseReport, isDisturbed, renderMarkdown, renderText, replaceBetweenMarkers, type RunRecord } from "./report.js";
import { waitForQuiet } from "./cpu-accounting.js";
import { processTree, runMeasured } from "./run-measured.js";
import { serverRequestCount, startStallTarget, startThroughputTarget, type Target } from "./targets.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ALL_TOOLS: ToolName[] = ["headroom", "autocannon", "autocannon-uncorrected", "wrk"];

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = join(dir, bin);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 10_000 });
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n")[0] ?? "";
}

/** Which tools can run here; the reason for each one that cannot. */
function detectTools(p: CommandPaths): { available: Set<ToolName>; skipped: string[] } {
  const available = new Set<ToolName>();
  const skipped: string[] = [];
  const probe = spawnSync(p.node, [p.headroomBin, "run", "--help"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  if (probe.status === 0) available.add("headroom");
  else skipped.push(`headroom: \`headroom run --help\` exited ${probe.status}: ${(probe.stderr ?? "").trim().split("\n")[0]}`);
  if (existsSync(p.autocannonBin)) {
    available.add("autocannon");
    available.add("autocannon-uncorrected");
  } else skipped.push(`autocannon: ${p.autocannonBin} not found (run npm install)`);
  if (p.wrkBin) available.add("wrk");
  else skipped.push("wrk: not on PATH (Debian package `wrk`)");
  return { available, skipped };
}

function machineInfo(p: CommandPaths): string[] {
  const cpu = cpus();
  const acVersion = (JSON.parse(readFileSync(join(ROOT, "node_modules/autocannon/package.json"), "utf8")) as { version: string }).version;
  const commit = firstLine("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]);
  const info = [
    `${cpu.length} x ${cpu[0]?.model ?? "unknown CPU"}`,
    `${Math.round(totalmem() / 2 ** 30)} GiB RAM`,
    `Linux ${release()}`,
    `Node ${process.version}`,
    `headroom @ ${commit}`,
    `autocannon ${acVersion}`,
  ];
  if (p.wrkBin) info.push(firstLine(p.wrkBin, ["-v"]).replace(/ \[.*$/, "").trim());
  if (existsSync("/usr/sbin/nginx")) info.push(firstLine("/usr/sbin/nginx", ["-v"]).replace(/^nginx version: /, ""));
  info.push(`generator on core 0, target on core ${TARGET_CORE} (taskset)`);
  return info;
}

/** Other processes may use at most this many cores before a run starts (0.2 = 20 % of one core). */
const QUIET_CORES = 0.2;
let quietWaitMs = 120_000;

/** Rounds of a case in which every tool ran successfully and undisturbed. */
function cleanRounds(records: readonly RunRecord[], caseId: CaseId, tools: readonly ToolName[]): number {
  const rounds = new Set(records.filter((r) => r.caseId === caseId).map((r) => r.round));
  let n = 0;
  for (const round of rounds) {
    const rs = records.filter((r) => r.caseId === caseId && r.round === round);
    if (tools.every((t) => rs.some((r) => r.tool === t && r.result && !r.error && !isDisturbed(r)))) n++;
  }
  return n;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      cases: { type: "string" },
      tools: { type: "string" },
      "pause-ms": { type: "string", default: "1500" },
      "no-write": { type: "boolean", default: false },
      target: { type: "string", default: "nginx" },
      "quiet-wait-s": { type: "string", default: "120" },
      "extra-rounds": { type: "string" },
      readme: { type: "boolean" },
      rerender: { type: "boolean", default: false },
    },
  });
  if (values.rerender) return rerender();
  const durations = values.quick ? QUICK_DURATIONS : FULL_DURATIONS;
  const rounds = Number(values.rounds ?? (values.quick ? 1 : 3));
  const pauseMs = Number(values["pause-ms"]);
  quietWaitMs = Number(values["quiet-wait-s"]) * 1000;
  const extraRounds = Number(values["extra-rounds"] ?? rounds);
  if (!Number.isInteger(extraRounds) || extraRounds < 0) throw new Error(`--extra-rounds ${values["extra-rounds"]}: expected a whole number >= 0`);
  const prefer = values.target;
  if (prefer !== "nginx" && prefer !== "node") throw new Error(`--target ${prefer}: expected nginx or node`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds ${values.rounds}: expected a whole number >= 1`);
  let cases = buildCases(durations);
  if (values.cases) {
    const want = values.cases.split(",").map((s) => s.trim());
    const unknown = want.filter((w) => !cases.some((c) => c.id === w));
    if (unknown.length) throw new Error(`--cases ${unknown.join(",")}: expected some of ${cases.map((c) => c.id).join(", ")}`);
    cases = cases.filter((c) => want.includes(c.id));
  }
  const wantTools = values.tools ? (values.tools.split(",").map((s) => s.trim()) as ToolName[]) : ALL_TOOLS;
  const badTool = wantTools.filter((t) => !ALL_TOOLS.includes(t));
  if (badTool.length) throw new Error(`--tools ${badTool.join(",")}: expected some of ${ALL_TOOLS.join(", ")}`);

  const paths: CommandPaths = {
    node: process.execPath,
    headroomBin: join(ROOT, "packages/headroom/bin/headroom.js"),
    autocannonBin: join(ROOT, "node_modules/autocannon/autocannon.js"),
    wrkBin: onPath("wrk") ?? "",
    thinkScenario: join(ROOT, "bench/think-scenario.ts"),
  };
  const { available, skipped } = detectTools(paths);
  for (const s of skipped) log(`skipping ${s}`);

  const abort = new AbortController();
  let target: Target | undefined;
  const onSigint = (): void => {
    log("interrupted: stopping the current tool and target");
    abort.abort();
  };
  process.on("SIGINT", onSigint);

  const records: RunRecord[] = [];
  try {
    for (const c of cases) {
      if (abort.signal.aborted) break;
      const tools = c.tools.filter((t) => available.has(t) && wantTools.includes(t));
      if (tools.length === 0) continue;
      target = c.target === "stall" ? await startStallTarget(TARGET_CORE) : await startThroughputTarget(TARGET_CORE, prefer);
      log(`${c.id}: target ${target.name} pid ${target.pid} at ${target.url}`);
      // Planned rounds, then extra rounds while fewer than `rounds` rounds came out undisturbed.
      for (let round = 0; round < rounds + extraRounds && !abort.signal.aborted; round++) {
        if (round >= rounds) {
          const clean = cleanRounds(records, c.id, tools);
          if (clean >= rounds) break;
          log(`${c.id}: ${clean} of ${round} rounds undisturbed; running round ${round + 1}`);
        }
        for (const tool of roundOrder(tools, round)) {
          if (abort.signal.aborted) break;
          records.push(await runOne(c, round, tool, target, paths, abort.signal));
          await sleep(c.id === "memory-10k" ? pauseMs * 3 : pauseMs);
        }
      }
      await target.stop();
      target = undefined;
    }
  } finally {
    if (target) await target.stop();
    process.off("SIGINT", onSigint);
  }

  if (values["no-write"]) {
    process.stdout.write(renderText(cases.map((c) => buildCaseReport(c, records)).filter((r) => r.rows.length > 0)));
    return;
  }
  const argv = process.argv.slice(2);
  const meta: ResultsMeta = {
    command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}${abort.signal.aborted ? " (interrupted)" : ""}`,
    dateIso: new Date().toISOString(),
    machine: machineInfo(paths),
    rounds,
    extraRounds,
    skipped,
  };
  // Only a complete default run replaces the README's table (unless --readme forces it).
  const complete = !values.quick && !values.cases && !values.tools && rounds >= 3 && !abort.signal.aborted;
  writeResults(cases, records, meta, values.readme ?? complete);
}

interface ResultsMeta {
  command: string;
  dateIso: string;
  machine: string[];
  rounds: number;
  extraRounds: number;
  skipped: string[];
}

const RESULTS_JSON = join(ROOT, "bench/results/latest.json");

/** Prints the tables and writes latest.json, latest.md and (when asked) the README's table. */
function writeResults(cases: readonly BenchCase[], records: readonly RunRecord[], meta: ResultsMeta, updateReadme: boolean): void {
  const reports = cases.map((c) => buildCaseReport(c, records)).filter((r) => r.rows.length > 0);
  process.stdout.write(renderText(reports));
  const markdown = renderMarkdown(reports, meta);
  mkdirSync(dirname(RESULTS_JSON), { recursive: true });
  writeFileSync(RESULTS_JSON, JSON.stringify({ ...meta, cases, records, reports }, null, 2) + "\n");
  writeFileSync(join(dirname(RESULTS_JSON), "latest.md"), markdown);
  log("wrote bench/results/latest.json and bench/results/latest.md");
  if (!updateReadme) return;
  const readme = join(ROOT, "bench/README.md");
  const updated = replaceBetweenMarkers(readFileSync(readme, "utf8"), markdown);
  if (updated === undefined) log("bench/README.md has no latest-results markers; left as it is");
  else {
    writeFileSync(readme, updated);
    log("updated the table in bench/README.md");
  }
}

/** `--rerender`: the tables again from the records in latest.json, without running anything. */
function rerender(): void {
  const saved = JSON.parse(readFileSync(RESULTS_JSON, "utf8")) as Partial<ResultsMeta> & { cases?: BenchCase[]; reports?: Array<{ case: BenchCase }>; records: RunRecord[] };
  const cases = saved.cases ?? (saved.reports ?? []).map((r) => r.case);
  const rounds = saved.rounds ?? 3;
  const meta: ResultsMeta = { command: saved.command ?? "npm run bench", dateIso: saved.dateIso ?? "", machine: saved.machine ?? [], rounds, extraRounds: saved.extraRounds ?? rounds, skipped: saved.skipped ?? [] };
  writeResults(cases, saved.records, meta, meta.command === "npm run bench");
}

async function runOne(c: BenchCase, round: number, tool: ToolName, target: Target, paths: CommandPaths, signal: AbortSignal): Promise<RunRecord> {
  const runDir = tool === "headroom" ? mkdtempSync(join(tmpdir(), "headroom-bench-run-")) : undefined;
  try {
    return await runOneIn(c, round, tool, target, paths, signal, runDir);
  } finally {
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  }
}

async function runOneIn(c: BenchCase, round: number, tool: ToolName, target: Target, paths: CommandPaths, signal: AbortSignal, runDir: string | undefined): Promise<RunRecord> {
  const cmd = toolCommand(tool, c, target.url, paths, runDir);
  const shown = [cmd.command, ...cmd.args].map((a) => (a === paths.node ? "node" : a.startsWith(ROOT + "/") ? relative(ROOT, a) : a)).join(" ");
  const base = { caseId: c.id as CaseId, round, tool, command: shown };
  log(`${c.id} round ${round + 1} ${tool}: ${shown}`);
  let quiet: { quiet: boolean; cores: number; waitedMs: number } | undefined;
  if (quietWaitMs > 0) {
    quiet = await waitForQuiet(() => new Set(processTree(process.pid)), QUIET_CORES, quietWaitMs);
    if (!quiet.quiet) log(`  the machine did not get quiet within ${Math.round(quiet.waitedMs / 1000)} s (other processes: ${quiet.cores.toFixed(2)} cores); running anyway`);
    else if (quiet.waitedMs > 2500) log(`  waited ${Math.round(quiet.waitedMs / 1000)} s for other processes to go quiet`);
  }
  const servedBefore = await serverRequestCount(target);
  const run = await runMeasured(cmd.command, cmd.args, { cwd: ROOT, timeoutMs: c.durationSec * 1000 + 60_000, signal });
  const servedAfter = await serverRequestCount(target);
  const rec: RunRecord = { ...base, peakRssMb: run.peakRssMb, wallMs: run.wallMs, cpuPct: run.cpuPct, foreignCpuCores: run.foreignCpuCores };
  if (quiet) rec.quietBefore = quiet.quiet;
  // The "after" status request counts itself.
  if (servedBefore !== undefined && servedAfter !== undefined) rec.serverRequests = servedAfter - servedBefore - 1;
  // headroom exits non-zero when its own targets fail; its JSON is still the result.
  try {
    if (run.timedOut) throw new Error(`timed out after ${Math.round(run.wallMs)} ms`);
    rec.result = parseToolOutput(tool, run.stdout);
  } catch (e) {
    rec.error = `${(e as Error).message}; exit ${run.exitCode ?? run.signal}; stderr: ${run.stderr.trim().slice(-400)}`;
  }
  if (rec.result) {
    const r = rec.result;
    const served = rec.serverRequests !== undefined ? `, server served ${rec.serverRequests} for ${r.requests} reported` : "";
    log(`  ${Math.round(r.rps)} req/s, p90 ${r.p90Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, peak RSS ${run.peakRssMb.toFixed(1)} MB, errors ${r.errors}${r.dropped !== undefined ? `, dropped ${r.dropped}` : ""}${served}`);
    log(`  tool CPU ${run.cpuPct.toFixed(0)} % of a core over its life; other processes meanwhile ${run.foreignCpuCores.toFixed(2)} cores`);
  } else log(`  FAILED: ${rec.error}`);
  return rec;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 2;
});
