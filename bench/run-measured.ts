// Runs one tool as a child process, bounded in time, and samples its peak resident memory from
// /proc while it runs (VmHWM of the process and of any descendants it starts). VmHWM is the
// kernel's own high-water mark, so polling only has to catch the process before it exits.
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { CLOCK_TICKS_PER_SEC, ForeignCpuSampler, readProcCpu } from "./cpu-accounting.js";
import { parseChildPids, parseVmHwmKb } from "./parsers.js";

export interface MeasuredRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Sum over the process tree of each process's last-seen VmHWM, in MiB. */
  peakRssMb: number;
  /** CPU the process tree used (user + system), in seconds, and as % of one core over the wall time. */
  cpuSec: number;
  cpuPct: number;
  /** Every other process's CPU meanwhile, in cores (everything outside this harness's own process tree). */
  foreignCpuCores: number;
  timedOut: boolean;
}

export interface RunMeasuredOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Hard bound: SIGTERM at this point, SIGKILL 5 s later. */
  timeoutMs: number;
  pollMs?: number;
  /** Aborting sends SIGTERM to the child (Ctrl-C of the harness). */
  signal?: AbortSignal;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (_e) {
    return undefined;
  }
}

/** The pid and every descendant, via /proc/<pid>/task/<tid>/children. */
export function processTree(rootPid: number): number[] {
  const out: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch (_e) {
      continue;
    }
    for (const tid of tids) {
      const children = readText(`/proc/${pid}/task/${tid}/children`);
      if (children) queue.push(...parseChildPids(children));
    }
  }
  return out;
}

export function runMeasured(command: string, args: string[], opts: RunMeasuredOptions): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const hwmKbByPid = new Map<number, number>();
    const ticksByPid = new Map<number, number>();
    // The harness's tree holds the tool and the target: everything else is interference.
    const foreign = new ForeignCpuSampler(() => new Set(processTree(process.pid)));
    foreign.start();
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    child.stdout.on("data", (b: Buffer) => stdout.push(b));
    child.stderr.on("data", (b: Buffer) => stderr.push(b));

    const poll = (): void => {
      if (child.pid === undefined) return;
      for (const pid of processTree(child.pid)) {
        const status = readText(`/proc/${pid}/status`);
        const kb = status ? parseVmHwmKb(status) : undefined;
        if (kb !== undefined) hwmKbByPid.set(pid, Math.max(kb, hwmKbByPid.get(pid) ?? 0));
        const cpu = readProcCpu(pid);
        if (cpu) ticksByPid.set(pid, Math.max(cpu.ticks, ticksByPid.get(pid) ?? 0));
      }
    };
    const poller = setInterval(poll, opts.pollMs ?? 50);
    let killTimer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(child.pid, "SIGTERM");
      killTimer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
      }, 5000);
    }, opts.timeoutMs);

    const onAbort = (): void => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGTERM");
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    child.on("error", (e) => {
      opts.signal?.removeEventListener("abort", onAbort);
      foreign.stop();
      clearInterval(poller);
      clearTimeout(deadline);
      reject(e);
    });
    child.on("close", (exitCode, signal) => {
      opts.signal?.removeEventListener("abort", onAbort);
      clearInterval(poller);
      clearTimeout(deadline);
      if (killTimer) clearTimeout(killTimer);
      const foreignCpuCores = foreign.stop();
      let peakKb = 0;
      for (const kb of hwmKbByPid.values()) peakKb += kb;
      let ticks = 0;
      for (const t of ticksByPid.values()) ticks += t;
      const wallMs = performance.now() - started;
      const cpuSec = ticks / CLOCK_TICKS_PER_SEC;
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        wallMs,
        peakRssMb: peakKb / 1024,
        cpuSec,
        cpuPct: wallMs > 0 ? (100 * cpuSec * 1000) / wallMs : 0,
        foreignCpuCores,
        timedOut,
      });
    });
  });
}
