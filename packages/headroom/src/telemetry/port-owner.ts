// Finds the processes behind a listening TCP port, from /proc alone (no lsof/ss needed):
//   1. the inodes of LISTEN sockets on the port, from /proc/net/tcp and /proc/net/tcp6;
//   2. the processes holding one of those sockets: /proc/<pid>/fd/* links to "socket:[inode]";
//   3. their direct children ("workers").
// This covers a single server, a Node cluster (the primary holds the socket and round-robins
// connections to its forked workers, which are its children; with SCHED_NONE the workers hold
// the shared socket themselves and are found in step 2), and SO_REUSEPORT workers (one socket
// each, all on the port). Siblings of the listener are not included: its parent may be a shell,
// a test runner or a supervisor whose other children are not the target. Processes of other
// users show up only when headroom may read their /proc/<pid>/fd (same user or root).
import { readFile, readdir, readlink } from "node:fs/promises";
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

/** Pids whose open files include one of the socket inodes. */
export async function pidsHoldingSockets(inodes: readonly number[], procRoot = "/proc"): Promise<number[]> {
  const wanted = new Set(inodes.map((i) => `socket:[${i}]`));
  const found: number[] = [];
  for (const pid of await numericDirs(procRoot)) {
    const fdDir = join(procRoot, String(pid), "fd");
    let fds: string[];
    try {
      fds = await readdir(fdDir);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(join(fdDir, fd));
      } catch {
        continue;
      }
      if (wanted.has(target)) {
        found.push(pid);
        break;
      }
    }
  }
  return found.sort((a, b) => a - b);
}

/** Direct children of the given pids (by the ppid field of /proc/<pid>/stat). */
export async function childrenOf(parents: readonly number[], procRoot = "/proc"): Promise<number[]> {
  const set = new Set(parents);
  const out: number[] = [];
  for (const pid of await numericDirs(procRoot)) {
    if (set.has(pid)) continue;
    try {
      const st = parsePidStat(await readFile(join(procRoot, String(pid), "stat"), "utf8"));
      if (set.has(st.ppid)) out.push(pid);
    } catch {
      // exited between readdir and read
    }
  }
  return out.sort((a, b) => a - b);
}

/** The processes listening on `port` and their workers; throws when nothing listens there. */
export async function findPortProcesses(port: number, procRoot = "/proc"): Promise<PortProcesses> {
  const inodes = await listeningSocketInodes(port, procRoot);
  if (inodes.length === 0) throw new Error(`no process is listening on TCP port ${port} (no LISTEN socket in ${procRoot}/net/tcp or tcp6)`);
  const listeners = await pidsHoldingSockets(inodes, procRoot);
  if (listeners.length === 0) {
    throw new Error(`port ${port} is listening (socket inode ${inodes.join(", ")}) but no readable /proc/<pid>/fd holds it: the server runs as another user or in another PID namespace; pass its PID instead`);
  }
  return { port, listeners, workers: await childrenOf(listeners, procRoot) };
}
