// `headroom telemetry`: samples the platform without load into a run store and prints a table.
//   headroom telemetry [--postgres URL] [--redis URL] [--prometheus URL] [--port N] [--pid N...]
//                      [--no-host] [--duration 30s] [--interval 5s] [--out DIR] [--json]
// The flag set (addTelemetryOptions / telemetryConfigFromFlags) is exported so commands that run
// load (run, plan) can offer the same sources with the same spelling.
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { EXIT, HeadroomError, formatError } from "../core/errors.js";
import { newRunId, newRunManifest } from "../engine/manifest.js";
import { formatDurationMs, parseDurationMs } from "../plan/duration.js";
import { createRunStore } from "../store/run-store.js";
import type { TelemetryLine } from "../core/types.js";
import { startTelemetry, type TelemetryConfig } from "../telemetry/index.js";
import { formatTelemetryTable, summarizeTelemetry, type TelemetrySourceStats } from "../telemetry/telemetry-summary.js";
import type { CommandContext } from "./main.js";

export interface TelemetryFlags {
  postgres?: string;
  redis?: string;
  prometheus?: string;
  port?: string;
  pid: string[];
  host: boolean;
  interval: string;
}

interface TelemetryCommandFlags extends TelemetryFlags {
  duration: string;
  out?: string;
  json?: boolean;
}

const collect = (v: string, acc: string[]): string[] => [...acc, ...v.split(",").filter(Boolean)];

/** Adds the telemetry source flags (and --interval) to a command. */
export function addTelemetryOptions(cmd: Command, defaultInterval = "5s"): Command {
  return cmd
    .option("--postgres <url>", "sample PostgreSQL (connections, locks, transactions, slow queries) at this connection string")
    .option("--redis <url>", "sample Redis INFO (hit rate, memory, evictions, commands/s) at this URL")
    .option("--prometheus <url>", "scrape this Prometheus /metrics endpoint")
    .option("--port <port>", "sample the processes listening on this TCP port and their workers (CPU, RSS, fds, threads)")
    .option("--pid <pid>", "sample this process (repeatable, or comma-separated)", collect, [])
    .option("--no-host", "do not sample the host (CPU, memory, network, load, disk)")
    .option("--interval <duration>", "sampling period", defaultInterval);
}

function wholeNumber(text: string, flag: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new HeadroomError("HR_BAD_NUMBER", `${flag} "${text}" is not a whole number from 1 to ${max}`, `give ${flag} a number, for example ${flag} ${flag === "--port" ? 3000 : 1234}`);
  }
  return n;
}

/** The TelemetryConfig the flags describe, and the sampling period in ms. */
export function telemetryConfigFromFlags(f: TelemetryFlags): { config: TelemetryConfig; intervalMs: number } {
  const intervalMs = parseDurationMs(f.interval, "--interval");
  if (intervalMs < 100) throw new HeadroomError("HR_BAD_DURATION", `--interval "${f.interval}" is shorter than 100ms`, "sample at most ten times a second, for example --interval 1s (the capacity plan template samples every 5s)");
  const config: TelemetryConfig = { host: f.host };
  if (f.postgres) config.postgres = { connectionString: f.postgres };
  if (f.redis) config.redis = { url: f.redis };
  if (f.prometheus) config.prometheus = { url: f.prometheus };
  const pids = f.pid.map((p) => wholeNumber(p, "--pid", 2 ** 22));
  const port = f.port === undefined ? undefined : wholeNumber(f.port, "--port", 65535);
  if (pids.length > 0 || port !== undefined) config.processes = { ...(pids.length > 0 ? { pids } : {}), ...(port !== undefined ? { port } : {}) };
  return { config, intervalMs };
}

function sourcesOf(config: TelemetryConfig): string[] {
  const out: string[] = [];
  if (config.prometheus) out.push("prometheus");
  if (config.postgres) out.push("postgres");
  if (config.redis) out.push("redis");
  if (config.processes) out.push("process");
  if (config.host) out.push("host");
  return out;
}

async function telemetryCommand(f: TelemetryCommandFlags, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { config, intervalMs } = telemetryConfigFromFlags(f);
  const durationMs = parseDurationMs(f.duration, "--duration");
  if (durationMs <= 0) throw new HeadroomError("HR_BAD_DURATION", `--duration "${f.duration}" is zero`, "give a positive duration, for example --duration 30s");
  const sources = sourcesOf(config);
  if (sources.length === 0) throw new HeadroomError("HR_MISSING_ARGUMENT", "no source to sample: --no-host was given and no other source", "add --postgres URL, --redis URL, --prometheus URL, --port N or --pid N, or drop --no-host");

  const startedAt = new Date();
  const id = newRunId(startedAt);
  const dir = f.out ? resolve(io.cwd, f.out) : join(io.cwd, "runs", `telemetry-${id}`);
  const manifest = newRunManifest({
    id,
    name: "telemetry",
    plan: { executor: "closed", durationSec: durationMs / 1000, users: 0 },
    target: config.prometheus ? { url: config.prometheus.url } : {},
    notes: [`telemetry only, no load: ${sources.join(", ")} every ${formatDurationMs(intervalMs)}`],
    startedAt,
  });
  const store = createRunStore(dir, manifest);
  const lines: TelemetryLine[] = [];
  io.stderr.write(`sampling ${sources.join(", ")} every ${formatDurationMs(intervalMs)} for ${formatDurationMs(durationMs)} into ${store.dir}\n`);

  let interrupted = false;
  let wake: () => void = () => {};
  const done = new Promise<void>((r) => (wake = r));
  const timer = setTimeout(() => wake(), durationMs);
  const unhook = io.onInterrupt(() => {
    interrupted = true;
    wake();
  });
  const handle = startTelemetry(
    config,
    (line) => {
      store.appendTelemetry(line);
      lines.push(line);
    },
    { startedAtMs: startedAt.getTime(), intervalMs, diskPath: store.dir },
  );
  try {
    await done;
  } finally {
    clearTimeout(timer);
    unhook();
    await handle.stop();
    store.finish(interrupted ? "interrupted" : "completed");
  }

  // Prometheus endpoints expose hundreds of series: the table shows the scrape itself; all are in the store.
  const summary = summarizeTelemetry(lines, { includeKey: (source, key) => source !== "prometheus" || key.startsWith("scrape_") });
  if (f.json) io.stdout.write(JSON.stringify({ runDir: store.dir, ...summary }, null, 2) + "\n");
  else io.stdout.write(`run directory: ${store.dir}\n\n${formatTelemetryTable(summary)}`);
  const dead = sourceFailures(sources, summary.sources, io);
  if (dead) io.stderr.write(formatError(dead) + "\n");
  return interrupted ? EXIT.INTERRUPTED : dead ? dead.exitCode : EXIT.OK;
}

/**
 * Warns of each source with gaps (some samples failed), and returns the error for the sources that
 * never gave one successful sample: a source asked for and never read is a failure the user must see.
 */
function sourceFailures(sources: string[], stats: readonly TelemetrySourceStats[], io: CommandContext["io"]): HeadroomError | undefined {
  const by = new Map(sources.map((s) => [s, { samples: 0, ok: 0, failed: 0, lastError: undefined as string | undefined }]));
  for (const s of stats) {
    const into = by.get(s.source) ?? { samples: 0, ok: 0, failed: 0, lastError: undefined };
    into.samples += s.samples;
    into.ok += s.ok;
    into.failed += s.failed;
    into.lastError = s.lastError ?? into.lastError;
    by.set(s.source, into);
  }
  for (const [source, s] of by) {
    if (s.ok > 0 && s.failed > 0) io.stderr.write(`warning: ${source}: ${s.failed} of ${s.samples} samples failed${s.lastError ? ` (last error: ${s.lastError})` : ""}; the table and the run store have the others\n`);
  }
  const dead = [...by].filter(([, s]) => s.ok === 0);
  if (dead.length === 0) return undefined;
  return new HeadroomError(
    "HR_TARGET_UNREACHABLE",
    `no successful sample from ${dead.map(([source, s]) => `${source} (${s.samples === 0 ? "no sample taken" : `${s.samples} tried, last error: ${s.lastError ?? "none recorded"}`})`).join("; ")}`,
    "check that the source is up and its URL, port or pid is right (headroom telemetry --help shows the forms); the other sources' samples are in the run directory",
  );
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command("telemetry")
    .description("sample the platform without load (PostgreSQL, Redis, a Prometheus endpoint, processes, the host) into a run directory and print min/mean/max per value");
  addTelemetryOptions(cmd)
    .option("--duration <duration>", "how long to sample", "30s")
    .option("--out <dir>", "run directory (default runs/telemetry-<id>)")
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      `
Exit codes: 0 every source answered (gaps are warnings), 4 a source never answered, 2 bad usage.

Examples:
  npx headroom telemetry --duration 1m
  npx headroom telemetry --postgres postgres://postgres@127.0.0.1:5432/muejam --redis redis://127.0.0.1:6379 --port 3000
  npx headroom telemetry --prometheus http://127.0.0.1:3000/metrics --no-host --interval 1s --json`,
    )
    .action(async (f: TelemetryCommandFlags) => ctx.setExitCode(await telemetryCommand(f, ctx)));
}
