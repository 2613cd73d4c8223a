// The benchmark cases and the exact command line each tool runs for each case. Pure: the
// harness decides which tools exist and runs what these functions return.
import type { ToolName } from "./parsers.js";

export type CaseId = "throughput-50" | "throughput-500" | "memory-10k" | "stall-200rps";
export type TargetKind = "throughput" | "stall";

export interface BenchCase {
  id: CaseId;
  title: string;
  target: TargetKind;
  durationSec: number;
  /** Closed-loop connections (throughput) or peer connections (stall), or virtual users (memory). */
  connections: number;
  /** Open-model arrival rate, requests per second (stall case, and the peers' rate in the memory case). */
  ratePerSec?: number;
  tools: ToolName[];
  /** Why a peer is left out of this case, shown under the table. */
  notes: string[];
}

export interface CaseDurations {
  throughputSec: number;
  memorySec: number;
  stallSec: number;
}

export const FULL_DURATIONS: CaseDurations = { throughputSec: 10, memorySec: 30, stallSec: 20 };
export const QUICK_DURATIONS: CaseDurations = { throughputSec: 4, memorySec: 12, stallSec: 10 };

/** 10,000 users pausing uniformly 1-5 s (mean 3 s) ask for about 10,000 / 3 requests per second. */
export const MEMORY_USERS = 10_000;
export const MEMORY_MEAN_THINK_SEC = 3;
export const MEMORY_SPAWN_PER_SEC = 2_000;
export const STALL_RATE_PER_SEC = 200;
/** Connections the closed-loop peers use against the stall server (both tools' default is 10). */
export const STALL_PEER_CONNECTIONS = 10;

export function buildCases(d: CaseDurations): BenchCase[] {
  return [
    { id: "throughput-50", title: "Throughput, 50 connections", target: "throughput", durationSec: d.throughputSec, connections: 50, tools: ["headroom", "autocannon", "wrk"], notes: [] },
    { id: "throughput-500", title: "Throughput, 500 connections", target: "throughput", durationSec: d.throughputSec, connections: 500, tools: ["headroom", "autocannon", "wrk"], notes: [] },
    {
      id: "memory-10k",
      title: "Memory, 10,000 users with 1-5 s think time",
      target: "throughput",
      durationSec: d.memorySec,
      connections: MEMORY_USERS,
      ratePerSec: Math.round(MEMORY_USERS / MEMORY_MEAN_THINK_SEC),
      tools: ["headroom", "autocannon"],
      notes: [
        `headroom runs bench/think-scenario.ts: ${MEMORY_USERS} users (spawned at ${MEMORY_SPAWN_PER_SEC}/s), between(1, 5), one GET.`,
        `autocannon has no think time; it holds the same ${MEMORY_USERS} connections, each capped at 1 request/s (--connectionRate 1: its rate caps are whole requests per connection per second, so this is 3x the users' mean rate; --overallRate ${Math.round(MEMORY_USERS / MEMORY_MEAN_THINK_SEC)} would leave the connections that get a zero share unlimited).`,
        "wrk is left out: it has neither think time nor a rate limit.",
      ],
    },
    {
      id: "stall-200rps",
      title: "Coordinated omission: 200 req/s against a server frozen 1 s in every 5 s",
      target: "stall",
      durationSec: d.stallSec,
      connections: STALL_PEER_CONNECTIONS,
      ratePerSec: STALL_RATE_PER_SEC,
      tools: ["headroom", "autocannon", "autocannon-uncorrected", "wrk"],
      notes: [
        `headroom: open model, --rate ${STALL_RATE_PER_SEC}; latency counts from each request's due time.`,
        `autocannon: -c ${STALL_PEER_CONNECTIONS} --overallRate ${STALL_RATE_PER_SEC} (closed loop with a rate cap; by default it back-fills latencies with HdrHistogram's recordValueWithExpectedInterval).`,
        "autocannon-uncorrected: the same with -C (--ignoreCoordinatedOmission): what its closed loop alone measures.",
        `wrk: -c ${STALL_PEER_CONNECTIONS}, closed loop at full speed (wrk has no rate option; wrk 4 corrects its histogram after the run with the mean per-connection request interval).`,
      ],
    },
  ];
}

export interface ToolCommand {
  command: string;
  args: string[];
}

export const GENERATOR_CORE = 0;
export const TARGET_CORE = 1;

export interface CommandPaths {
  node: string;
  headroomBin: string;
  autocannonBin: string;
  wrkBin: string;
  thinkScenario: string;
}

/**
 * The command (pinned to the generator core) that runs `tool` for `c` against `url`.
 * `runDir` is where headroom writes its run store (the harness deletes it afterwards).
 */
export function toolCommand(tool: ToolName, c: BenchCase, url: string, p: CommandPaths, runDir?: string): ToolCommand {
  const pin = ["-c", String(GENERATOR_CORE)];
  const d = c.durationSec;
  switch (tool) {
    case "headroom": {
      const common = ["--duration", `${d}s`, "--workers", "1", "--json", "--no-report", ...(runDir ? ["--out", runDir] : [])];
      if (c.id === "memory-10k") {
        return {
          command: "taskset",
          args: [...pin, p.node, p.headroomBin, "run", p.thinkScenario, "--base-url", url, "--users", String(c.connections), "--spawn-rate", String(MEMORY_SPAWN_PER_SEC), ...common],
        };
      }
      if (c.target === "stall") return { command: "taskset", args: [...pin, p.node, p.headroomBin, "run", "--url", url, "--rate", String(c.ratePerSec), ...common] };
      return { command: "taskset", args: [...pin, p.node, p.headroomBin, "run", "--url", url, "--connections", String(c.connections), ...common] };
    }
    case "autocannon":
    case "autocannon-uncorrected": {
      const rate = c.id === "memory-10k" ? ["--connectionRate", "1"] : c.ratePerSec !== undefined ? ["--overallRate", String(c.ratePerSec)] : [];
      const raw = tool === "autocannon-uncorrected" ? ["-C"] : [];
      return { command: "taskset", args: [...pin, p.node, p.autocannonBin, "-c", String(c.connections), "-d", String(d), ...rate, ...raw, "-j", url] };
    }
    case "wrk":
      return { command: "taskset", args: [...pin, p.wrkBin, "-t1", `-c${c.connections}`, `-d${d}s`, "--latency", url] };
  }
}

/** Rounds alternate the order: round r starts at tool r (mod n), so no tool always goes first. */
export function roundOrder<T>(tools: readonly T[], round: number): T[] {
  const n = tools.length;
  if (n === 0) return [];
  const k = ((round % n) + n) % n;
  return [...tools.slice(k), ...tools.slice(0, k)];
}
