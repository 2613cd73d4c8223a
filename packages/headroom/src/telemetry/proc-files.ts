// Parsers for the Linux /proc files the process and host collectors read. Pure functions of the
// file text, so they are tested on fixed text; the collectors do the reading.
// References: proc(5) — /proc/[pid]/stat, /proc/[pid]/status, /proc/stat, /proc/meminfo,
// /proc/net/dev, /proc/net/tcp, /proc/net/netstat, /proc/loadavg.

export interface PidStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** User and system CPU time in clock ticks (1/CLK_TCK s). */
  utimeTicks: number;
  stimeTicks: number;
  threads: number;
  /** Start time after boot in clock ticks: with the pid, it identifies a process across pid reuse. */
  startTicks: number;
  rssPages: number;
}

/** /proc/<pid>/stat. The command name is in parentheses and may itself hold spaces and ")". */
export function parsePidStat(text: string): PidStat {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) throw new Error(`unexpected /proc/<pid>/stat format: "${text.slice(0, 80)}"`);
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: field(4),
    utimeTicks: field(14),
    stimeTicks: field(15),
    threads: field(20),
    startTicks: field(22),
    rssPages: field(24),
  };
}

/** "Key:  value kB" lines (/proc/meminfo, /proc/<pid>/status) → numbers, kB converted to bytes. */
export function parseKeyValues(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([^:]+):\s+(-?\d+)(\s+kB)?/.exec(line);
    if (m) out.set(m[1], Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return out;
}

export interface CpuTimes {
  /** All time in ticks (user+nice+system+idle+iowait+irq+softirq+steal; guest is already inside user). */
  totalTicks: number;
  /** Idle plus iowait: time no task ran. */
  idleTicks: number;
  /** Number of cpuN lines. */
  cores: number;
}

/** The aggregate "cpu" line of /proc/stat. */
export function parseProcStat(text: string): CpuTimes {
  const lines = text.split("\n");
  const cpu = lines.find((l) => /^cpu\s/.test(l));
  if (!cpu) throw new Error("no aggregate cpu line in /proc/stat");
  const f = cpu.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return {
    totalTicks: user + nice + system + idle + iowait + irq + softirq + steal,
    idleTicks: idle + iowait,
    cores: lines.filter((l) => /^cpu\d+\s/.test(l)).length,
  };
}

export interface NetBytes {
  rxBytes: number;
  txBytes: number;
}

/** /proc/net/dev → byte counters per interface. */
export function parseNetDev(text: string): Map<string, NetBytes> {
  const out = new Map<string, NetBytes>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (f.length < 9 || f.some((n) => Number.isNaN(n))) continue;
    out.set(iface, { rxBytes: f[0], txBytes: f[8] });
  }
  return out;
}

/**
 * /proc/net/netstat (and /proc/net/snmp): pairs of lines with the same prefix, the first naming
 * the counters ("TcpExt: SyncookiesSent ... ListenOverflows ListenDrops ..."), the second their
 * values. Read by name, so the kernel's column order does not matter. Prefix -> counter -> value.
 */
export function parseNetstat(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i]!.trim().split(/\s+/);
    const values = lines[i + 1]!.trim().split(/\s+/);
    const prefix = names[0]!;
    if (!prefix.endsWith(":") || values[0] !== prefix || names.length !== values.length) {
      throw new Error(`unexpected /proc/net/netstat format at "${lines[i]!.slice(0, 40)}": expected a header line and a values line of the same prefix and length`);
    }
    const counters = new Map<string, number>();
    for (let k = 1; k < names.length; k++) {
      const v = Number(values[k]);
      if (Number.isFinite(v)) counters.set(names[k]!, v);
    }
    out.set(prefix.slice(0, -1), counters);
  }
  return out;
}

/** The 1-minute load average from /proc/loadavg. */
export function parseLoadavg(text: string): number {
  const first = text.trim().split(/\s+/)[0];
  const v = first ? Number(first) : NaN;
  if (Number.isNaN(v)) throw new Error(`unexpected /proc/loadavg format: "${text.slice(0, 40)}"`);
  return v;
}

/** Socket inodes in state LISTEN (0A) on `port`, from /proc/net/tcp or /proc/net/tcp6. */
export function listeningInodes(text: string, port: number): number[] {
  const out: number[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = f[1];
    const localPort = parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
    if (f[3] === "0A" && localPort === port) {
      const inode = Number(f[9]);
      if (inode > 0) out.push(inode);
    }
  }
  return out;
}
