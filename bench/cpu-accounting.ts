// CPU accounting from /proc: how much CPU a process tree used, and how much every *other*
// user-space process on the machine used meanwhile. This machine is shared, and a run that had
// to share its cores with someone's test suite is not a measurement of the tools; the harness
// records that interference per run and waits for a quiet machine before each run.
import { readFileSync, readdirSync } from "node:fs";

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on Linux x86-64). */
export const CLOCK_TICKS_PER_SEC = 100;
const PF_KTHREAD = 0x00200000;

export interface ProcCpu {
  /** utime + stime, in clock ticks. */
  ticks: number;
  kernelThread: boolean;
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses. */
export function parseProcStat(text: string): ProcCpu | undefined {
  const end = text.lastIndexOf(")");
  if (end < 0) return undefined;
  // Fields after "(comm)": state(3) ppid(4) ... flags(9) ... utime(14) stime(15).
  const f = text.slice(end + 2).trim().split(/\s+/);
  const flags = Number(f[6]);
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { ticks: utime + stime, kernelThread: (flags & PF_KTHREAD) !== 0 };
}

export function readProcCpu(pid: number): ProcCpu | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch (_e) {
    return undefined;
  }
}

function listPids(): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    const n = Number(name);
    if (Number.isInteger(n) && n > 0) out.push(n);
  }
  return out;
}

/**
 * Sums, between `start` and `stop`, the CPU of every user-space process not excluded. A process
 * first seen after the start counts from zero (it was born during the window); one that dies
 * between samples loses its last partial interval, so the figure is a lower bound.
 */
export class ForeignCpuSampler {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private initial = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private startedMs = 0;

  constructor(private readonly excluded: () => ReadonlySet<number>) {}

  private sample(): void {
    const skip = this.excluded();
    for (const pid of listPids()) {
      if (skip.has(pid)) continue;
      const cpu = readProcCpu(pid);
      if (!cpu || cpu.kernelThread) continue;
      if (!this.first.has(pid)) this.first.set(pid, this.initial.has(pid) ? cpu.ticks : 0);
      this.last.set(pid, cpu.ticks);
    }
  }

  start(intervalMs = 500): void {
    this.startedMs = performance.now();
    this.initial = new Set(listPids());
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Other processes' CPU over the window, in cores (1.0 = one core fully busy). */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const elapsedSec = (performance.now() - this.startedMs) / 1000;
    let ticks = 0;
    for (const [pid, last] of this.last) ticks += Math.max(0, last - (this.first.get(pid) ?? last));
    return elapsedSec > 0 ? ticks / CLOCK_TICKS_PER_SEC / elapsedSec : 0;
  }
}

/** Measures other processes' CPU over `windowMs`. */
export async function foreignCpuCores(excluded: () => ReadonlySet<number>, windowMs: number): Promise<number> {
  const s = new ForeignCpuSampler(excluded);
  s.start(Math.min(500, windowMs));
  await new Promise((r) => setTimeout(r, windowMs));
  return s.stop();
}

/**
 * Waits until other processes use less than `maxCores` over a 2 s window, for at most
 * `maxWaitMs`. Returns the last measured load and whether the machine was quiet.
 */
export async function waitForQuiet(excluded: () => ReadonlySet<number>, maxCores: number, maxWaitMs: number): Promise<{ quiet: boolean; cores: number; waitedMs: number }> {
  const t0 = performance.now();
  for (;;) {
    const cores = await foreignCpuCores(excluded, 2000);
    const waitedMs = performance.now() - t0;
    if (cores < maxCores) return { quiet: true, cores, waitedMs };
    if (waitedMs >= maxWaitMs) return { quiet: false, cores, waitedMs };
  }
}
