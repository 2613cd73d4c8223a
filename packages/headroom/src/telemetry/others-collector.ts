// Samples the CPU used by every process on the host that is neither the platform's nor the load
// generator's: the noise a load test cannot tell from a slower platform. The platform's processes
// are the given pids and the processes listening on the given port; the generator's is this
// process. Each of them counts with all its descendants (cluster workers, an embedded PostgreSQL,
// the generator's worker threads live in its own process). Reads /proc/<pid>/stat of every process
// at each sample; a process seen for the first time adds nothing until its next sample.
//
// Values: other_cpu_cores (cores used by the other processes over the interval) and, labelled,
// the busiest of them ("node:4242 0.98, postgres:77 0.12") so a report can name the noise.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { findPortProcesses, type PortProcesses } from "./port-owner.js";
import { parsePidStat } from "./proc-files.js";
import { errorMessage, round, type Collector } from "./types.js";

export const OTHERS_KEYS = { cpuCores: "other_cpu_cores" } as const;

export interface OthersCollectorOptions {
  /** The platform's processes (and their descendants). */
  pids?: number[];
  /** The platform's listening port: its owners (and their descendants) are the platform's too. */
  port?: number;
  /** The generator's process; default this one. */
  selfPid?: number;
  procRoot?: string;
  clockTicksPerSec?: number;
}

interface Proc {
  ppid: number;
  comm: string;
  ticks: number;
  key: string;
}

/** The pids in `roots` and every process below them, from a pid → parent map. */
export function descendantsOf(roots: readonly number[], parents: ReadonlyMap<number, number>): Set<number> {
  const inTree = new Set(roots);
  const memo = new Map<number, boolean>();
  const under = (pid: number, depth: number): boolean => {
    if (inTree.has(pid)) return true;
    const known = memo.get(pid);
    if (known !== undefined) return known;
    const parent = parents.get(pid);
    const yes = parent !== undefined && parent > 1 && depth < 64 && under(parent, depth + 1);
    memo.set(pid, yes);
    return yes;
  };
  for (const pid of parents.keys()) if (under(pid, 0)) inTree.add(pid);
  return inTree;
}

export function createOthersCollector(opts: OthersCollectorOptions = {}): Collector {
  const procRoot = opts.procRoot ?? "/proc";
  const hz = opts.clockTicksPerSec ?? 100;
  const self = opts.selfPid ?? process.pid;
  let prev: { nowMs: number; ticks: Map<string, number> } | undefined;
  let lastFound: PortProcesses | undefined;

  return {
    source: "others",
    async sample(nowMs) {
      let entries: string[];
      try {
        entries = await readdir(procRoot);
      } catch (e) {
        return [{ ok: false, error: `read ${procRoot}: ${errorMessage(e)}`, values: {} }];
      }
      const procs = new Map<number, Proc>();
      for (const name of entries) {
        if (!/^\d+$/.test(name)) continue;
        try {
          const st = parsePidStat(await readFile(join(procRoot, name, "stat"), "utf8"));
          procs.set(st.pid, { ppid: st.ppid, comm: st.comm, ticks: st.utimeTicks + st.stimeTicks, key: `${st.pid}:${st.startTicks}` });
        } catch {
          // exited between readdir and read
        }
      }
      const roots = [self, ...(opts.pids ?? [])];
      if (opts.port !== undefined) {
        try {
          lastFound = await findPortProcesses(opts.port, procRoot, lastFound);
          roots.push(...lastFound.listeners, ...lastFound.workers);
        } catch {
          // nothing listens now: only the pids count as the platform's
        }
      }
      const mine = descendantsOf(roots, new Map([...procs].map(([pid, p]) => [pid, p.ppid])));
      const ticks = new Map<string, number>();
      const busiest: { name: string; cores: number }[] = [];
      let otherTicks = 0;
      const dtSec = prev ? (nowMs - prev.nowMs) / 1000 : 0;
      for (const [pid, p] of procs) {
        ticks.set(p.key, p.ticks);
        if (mine.has(pid)) continue;
        const before = prev?.ticks.get(p.key);
        if (before === undefined || p.ticks < before) continue;
        otherTicks += p.ticks - before;
        if (dtSec > 0 && p.ticks > before) busiest.push({ name: `${p.comm}:${pid}`, cores: (p.ticks - before) / hz / dtSec });
      }
      const first = prev === undefined;
      prev = { nowMs, ticks };
      if (first || dtSec <= 0) return [{ ok: true, values: {} }];
      busiest.sort((a, b) => b.cores - a.cores);
      const top = busiest.slice(0, 3).filter((b) => b.cores >= 0.05);
      return [{ ok: true, values: { [OTHERS_KEYS.cpuCores]: round(otherTicks / hz / dtSec, 3) }, ...(top.length > 0 ? { labels: { busiest: top.map((b) => `${b.name} ${round(b.cores, 2)}`).join(", ") } } : {}) }];
    },
    async close() {
      prev = undefined;
    },
  };
}
