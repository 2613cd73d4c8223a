// Finds the processes behind a listening TCP port, from /proc alone (no lsof/ss needed):
//   1. the inodes of LISTEN sockets on the port, from /proc/net/tcp and /proc/net/tcp6;
//   2. the processes holding one of those sockets: /proc/<pid>/fd/* links to "socket:[inode]";
//   3. their direct children that run the same program ("workers").
// This covers a single server, a Node cluster (the primary holds the socket and round-robins
// connections to its forked workers, which are its children; with SCHED_NONE the workers hold
// the shared socket themselves and are found in step 2), and SO_REUSEPORT workers (one socket
// each, all on the port). Siblings of the listener are not included: its parent may be a shell,
// a test runner or a supervisor whose other children are not the target. Processes of other
// users show up only when headroom may read their /proc/<pid>/fd (same user or root).
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { listeningInodes, parsePidStat } from "./proc-files.js";

export interface PortProcesses {
  port: number;
  /** Processes holding a listening socket of the port. */
  listeners: number[];
  /** Direct children of the listeners (cluster workers), excluding listeners. */
  workers: number[];
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return "";
  }
}

async function numericDirs(procRoot: string): Promise<number[]> {
  return (await readdir(procRoot)).filter((n) => /^\d+$/.test(n)).map(Number);
}

/** Inodes of the LISTEN sockets on `port` (IPv4 and IPv6). */
export async function listeningSocketInodes(port: number, procRoot = "/proc"): Promise<number[]> {
  const [v4, v6] = await Promise.all([readOptional(join(procRoot, "net/tcp")), readOptional(join(procRoot, "net/tcp6"))]);
  return [...new Set([...listeningInodes(v4, port), ...listeningInodes(v6, port)])];
}

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Whether one process holds one of the sockets ("socket:[inode]" links). */
export function holdsSocket(pid: number, wanted: ReadonlySet<string>, procRoot = "/proc"): boolean {
  const fdDir = join(procRoot, String(pid), "fd");
  let fds: string[];
  try {
    fds = readdirSync(fdDir);
  } catch {
    return false; // gone, or not ours to read
  }
  for (const fd of fds) {
    try {
      if (wanted.has(readlinkSync(join(fdDir, fd)))) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

export function socketLinks(inodes: readonly number[]): Set<string> {
  return new Set(inodes.map((i) => `socket:[${i}]`));
}

/**
 * Pids whose open files include one of the socket inodes. A machine has thousands of fds and an
 * async readlink costs a thread-pool round trip each (seconds in total on a busy host), so the
 * links are read synchronously, one process at a time, yielding to the event loop in between.
 */
export async function pidsHoldingSockets(inodes: readonly number[], procRoot = "/proc"): Promise<number[]> {
  const wanted = socketLinks(inodes);
  const found: number[] = [];
  for (const pid of await numericDirs(procRoot)) {
    if (holdsSocket(pid, wanted, procRoot)) found.push(pid);
    await yieldToLoop();
  }
  return found.sort((a, b) => a - b);
}

/** The program a process runs: its executable, or its command name when /proc/<pid>/exe is not readable. */
function programOf(pid: number, procRoot: string, comm: string): string {
  try {
    return readlinkSync(join(procRoot, String(pid), "exe"));
  } catch {
    return `comm:${comm}`;
  }
}

/**
 * Direct children of the given pids (by the ppid field of /proc/<pid>/stat) that run the same
 * program as their parent: cluster workers do (node forks node, gunicorn forks python); helper
 * processes such as a bundler's service or a shell command do not, and are left out.
 */
export async function childrenOf(parents: readonly number[], procRoot = "/proc"): Promise<number[]> {
  const programs = new Map<number, string>();
  for (const pid of parents) {
    try {
      programs.set(pid, programOf(pid, procRoot, parsePidStat(readFileSync(join(procRoot, String(pid), "stat"), "utf8")).comm));
    } catch {
      // exited
    }
  }
  const out: number[] = [];
  const pids = await numericDirs(procRoot);
  for (let i = 0; i < pids.length; i++) {
    const pid = pids[i];
    if (programs.has(pid)) continue;
    try {
      const st = parsePidStat(readFileSync(join(procRoot, String(pid), "stat"), "utf8"));
      const parentProgram = programs.get(st.ppid);
      if (parentProgram !== undefined && programOf(pid, procRoot, st.comm) === parentProgram) out.push(pid);
    } catch {
      // exited between readdir and read
    }
    if (i % 64 === 63) await yieldToLoop();
  }
  return out.sort((a, b) => a - b);
}

/**
 * The processes listening on `port` and their workers; throws when nothing listens there.
 * `previous` (the last answer) is reused when its listeners still hold a listening socket of the
 * port, which saves the scan of every process's fds; the workers are looked up every time.
 */
export async function findPortProcesses(port: number, procRoot = "/proc", previous?: PortProcesses): Promise<PortProcesses> {
  const inodes = await listeningSocketInodes(port, procRoot);
  if (inodes.length === 0) throw new Error(`no process is listening on TCP port ${port} (no LISTEN socket in ${procRoot}/net/tcp or tcp6)`);
  const wanted = socketLinks(inodes);
  const still = previous && previous.port === port && previous.listeners.length > 0 && previous.listeners.every((pid) => holdsSocket(pid, wanted, procRoot));
  const listeners = still ? previous.listeners : await pidsHoldingSockets(inodes, procRoot);
  if (listeners.length === 0) {
    throw new Error(`port ${port} is listening (socket inode ${inodes.join(", ")}) but no readable /proc/<pid>/fd holds it: the server runs as another user or in another PID namespace; pass its PID instead`);
  }
  return { port, listeners, workers: await childrenOf(listeners, procRoot) };
}
