// Samples processes from /proc: CPU (% of one core, from utime+stime deltas), RSS, open file
// descriptors and threads, one reading per process labelled with its pid and command line.
// Targets are the given pids plus, when a port is given, the processes listening on it and their
// children (see port-owner.ts), looked up again at every sample so a restarted server is followed.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { PROCESS_KEYS } from "../core/telemetry-keys.js";
import { findPortProcesses, type PortProcesses } from "./port-owner.js";
import { parseKeyValues, parsePidStat } from "./proc-files.js";
import { errorMessage, round, type Collector, type CollectorReading } from "./types.js";

export interface ProcessCollectorOptions {
  pids?: number[];
  port?: number;
  procRoot?: string;
  /** USER_HZ, the unit of utime/stime: 100 on every mainstream Linux architecture (`getconf CLK_TCK`). */
  clockTicksPerSec?: number;
  /** Page size for the RSS fallback when /proc/<pid>/status has no VmRSS. */
  pageBytes?: number;
}

type Role = "pid" | "listener" | "worker";

interface CpuMark {
  nowMs: number;
  ticks: number;
}

async function commandLine(procRoot: string, pid: number, fallback: string): Promise<string> {
  try {
    const raw = await readFile(join(procRoot, String(pid), "cmdline"), "utf8");
    const cmd = raw.split("\0").filter(Boolean).join(" ");
    return (cmd || fallback).slice(0, 200);
  } catch {
    return fallback;
  }
}

export function createProcessCollector(opts: ProcessCollectorOptions): Collector {
  const procRoot = opts.procRoot ?? "/proc";
  const hz = opts.clockTicksPerSec ?? 100;
  const pageBytes = opts.pageBytes ?? 4096;
  // Keyed by pid and start time, so a reused pid never yields a CPU delta against another process.
  let marks = new Map<string, CpuMark>();
  let lastFound: PortProcesses | undefined;

  async function readProcess(pid: number, role: Role, nowMs: number, nextMarks: Map<string, CpuMark>): Promise<CollectorReading> {
    const dir = join(procRoot, String(pid));
    let statText: string;
    try {
      statText = await readFile(join(dir, "stat"), "utf8");
    } catch (e) {
      const gone = (e as NodeJS.ErrnoException).code === "ENOENT";
      return { ok: false, error: gone ? `process ${pid} is not running` : `read ${dir}/stat: ${errorMessage(e)}`, values: {}, labels: { pid: String(pid), role } };
    }
    const st = parsePidStat(statText);
    const values: Record<string, number> = { [PROCESS_KEYS.threads]: st.threads };
    const labels: Record<string, string> = { pid: String(pid), role, command: await commandLine(procRoot, pid, st.comm), ppid: String(st.ppid) };
    const key = `${pid}:${st.startTicks}`;
    const ticks = st.utimeTicks + st.stimeTicks;
    const before = marks.get(key);
    if (before && nowMs > before.nowMs) values[PROCESS_KEYS.cpuPct] = round((((ticks - before.ticks) / hz) * 100) / ((nowMs - before.nowMs) / 1000), 2);
    nextMarks.set(key, { nowMs, ticks });
    try {
      const status = parseKeyValues(await readFile(join(dir, "status"), "utf8"));
      values[PROCESS_KEYS.rssBytes] = status.get("VmRSS") ?? st.rssPages * pageBytes;
    } catch {
      values[PROCESS_KEYS.rssBytes] = st.rssPages * pageBytes;
    }
    try {
      values[PROCESS_KEYS.fds] = (await readdir(join(dir, "fd"))).length;
    } catch (e) {
      labels.fds_error = errorMessage(e); // another user's process: CPU and memory are still readable
    }
    return { ok: true, values, labels };
  }

  return {
    source: "process",
    async sample(nowMs) {
      const targets = new Map<number, Role>();
      for (const pid of opts.pids ?? []) targets.set(pid, "pid");
      const readings: CollectorReading[] = [];
      if (opts.port !== undefined) {
        try {
          const found = await findPortProcesses(opts.port, procRoot, lastFound);
          lastFound = found;
          for (const pid of found.listeners) if (!targets.has(pid)) targets.set(pid, "listener");
          for (const pid of found.workers) if (!targets.has(pid)) targets.set(pid, "worker");
        } catch (e) {
          lastFound = undefined;
          readings.push({ ok: false, error: errorMessage(e), values: {}, labels: { port: String(opts.port) } });
        }
      }
      const nextMarks = new Map<string, CpuMark>();
      for (const [pid, role] of targets) {
        const r = await readProcess(pid, role, nowMs, nextMarks);
        if (opts.port !== undefined && role !== "pid") r.labels = { ...r.labels, port: String(opts.port) };
        readings.push(r);
      }
      marks = nextMarks;
      return readings;
    },
    async close() {
      marks.clear();
    },
  };
}
