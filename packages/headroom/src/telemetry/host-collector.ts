// Samples the machine: CPU % of all cores (/proc/stat deltas), memory used (MemTotal minus
// MemAvailable, i.e. what cannot be reclaimed), network bytes/s, 1-minute load, and the disk
// used % of the filesystem holding `diskPath` (the run directory), as `df` computes it.
//
// Network: net_rx/tx_bytes_per_sec sum every interface except loopback ("lo"); loopback traffic
// is reported apart as net_lo_rx/tx_bytes_per_sec, because a target on 127.0.0.1 moves all its
// bytes there and summing both would double-count a load test that leaves the machine.
// Listen queue: listen_overflows/drops_per_sec and tcp_timeouts_per_sec from the TcpExt counters
// of /proc/net/netstat. They count every listener of the network namespace: connections a full
// accept queue turned away (the client's SYN is retried after 1 s, then 3 s).
// Parts that fail (say statfs) are left out and named in the `errors` label; the reading fails
// only when nothing could be read.
import { readFile, statfs } from "node:fs/promises";
import { join } from "node:path";
import { HOST_KEYS } from "../core/telemetry-keys.js";
import { parseKeyValues, parseLoadavg, parseNetDev, parseNetstat, parseProcStat, type CpuTimes, type NetBytes } from "./proc-files.js";
import { errorMessage, round, type Collector } from "./types.js";

/** Host keys beyond HOST_KEYS (loopback traffic and free disk). */
export const HOST_EXTRA_KEYS = {
  netLoRxBytesPerSec: "net_lo_rx_bytes_per_sec",
  netLoTxBytesPerSec: "net_lo_tx_bytes_per_sec",
  diskFreeBytes: "disk_free_bytes",
} as const;

export interface HostCollectorOptions {
  /** A path on the filesystem whose usage to report (the run directory). Default "/". */
  diskPath?: string;
  procRoot?: string;
}

interface Mark {
  cpu?: CpuTimes;
  /** With the time it was read: after a failed read the rate spans back to the last good one. */
  net?: { atMs: number; ext: NetBytes; lo: NetBytes };
  tcp?: { atMs: number; counters: Map<string, number> };
}

/** TcpExt counter -> the per-second key it is reported as. */
const TCP_EXT_RATES: [counter: string, key: string][] = [
  ["ListenOverflows", HOST_KEYS.listenOverflowsPerSec],
  ["ListenDrops", HOST_KEYS.listenDropsPerSec],
  ["TCPTimeouts", HOST_KEYS.tcpTimeoutsPerSec],
];

/** A counter's rate; one that went down (reset) gives no rate rather than a negative one. */
function perSec(now: number | undefined, was: number | undefined, dtSec: number, digits: number): number | undefined {
  return now !== undefined && was !== undefined && now >= was ? round((now - was) / dtSec, digits) : undefined;
}

function sumNet(ifaces: Map<string, NetBytes>): { ext: NetBytes; lo: NetBytes } {
  const ext = { rxBytes: 0, txBytes: 0 };
  const lo = { rxBytes: 0, txBytes: 0 };
  for (const [name, b] of ifaces) {
    const into = name === "lo" ? lo : ext;
    into.rxBytes += b.rxBytes;
    into.txBytes += b.txBytes;
  }
  return { ext, lo };
}

/** Reads the TcpExt counters and puts their rates since `before` into `values`; returns the new mark. */
async function readTcpExt(procRoot: string, nowMs: number, before: Mark["tcp"], values: Record<string, number>): Promise<NonNullable<Mark["tcp"]>> {
  const counters = parseNetstat(await readFile(join(procRoot, "net/netstat"), "utf8")).get("TcpExt");
  if (!counters?.has("ListenOverflows")) throw new Error("no TcpExt ListenOverflows counter in net/netstat");
  const dtSec = before ? (nowMs - before.atMs) / 1000 : 0;
  if (before && dtSec > 0) {
    for (const [counter, key] of TCP_EXT_RATES) {
      const v = perSec(counters.get(counter), before.counters.get(counter), dtSec, 3);
      if (v !== undefined) values[key] = v;
    }
  }
  return { atMs: nowMs, counters };
}

export function createHostCollector(opts: HostCollectorOptions = {}): Collector {
  const procRoot = opts.procRoot ?? "/proc";
  const diskPath = opts.diskPath ?? "/";
  let prev: Mark | undefined;

  return {
    source: "host",
    async sample(nowMs) {
      const values: Record<string, number> = {};
      const errors: string[] = [];
      const mark: Mark = {};
      const part = async (name: string, fn: () => Promise<void>): Promise<void> => {
        try {
          await fn();
        } catch (e) {
          errors.push(`${name}: ${errorMessage(e)}`);
        }
      };
      await part("cpu", async () => {
        const cpu = parseProcStat(await readFile(join(procRoot, "stat"), "utf8"));
        mark.cpu = cpu;
        values[HOST_KEYS.cores] = cpu.cores;
        const before = prev?.cpu;
        const dTotal = before ? cpu.totalTicks - before.totalTicks : 0;
        if (before && dTotal > 0) values[HOST_KEYS.cpuPct] = round((1 - (cpu.idleTicks - before.idleTicks) / dTotal) * 100, 2);
      });
      await part("memory", async () => {
        const mem = parseKeyValues(await readFile(join(procRoot, "meminfo"), "utf8"));
        const total = mem.get("MemTotal");
        const available = mem.get("MemAvailable") ?? (mem.get("MemFree") ?? 0) + (mem.get("Buffers") ?? 0) + (mem.get("Cached") ?? 0);
        if (!total) throw new Error("no MemTotal in meminfo");
        values[HOST_KEYS.memTotalBytes] = total;
        values[HOST_KEYS.memUsedBytes] = total - available;
        values[HOST_KEYS.memUsedPct] = round(((total - available) / total) * 100, 2);
      });
      await part("network", async () => {
        const net = { atMs: nowMs, ...sumNet(parseNetDev(await readFile(join(procRoot, "net/dev"), "utf8"))) };
        mark.net = net;
        const before = prev?.net;
        const dtSec = before ? (nowMs - before.atMs) / 1000 : 0;
        if (before && dtSec > 0) {
          const rate = (now: number, was: number): number | undefined => perSec(now, was, dtSec, 1);
          const put = (key: string, v: number | undefined): void => {
            if (v !== undefined) values[key] = v;
          };
          put(HOST_KEYS.netRxBytesPerSec, rate(net.ext.rxBytes, before.ext.rxBytes));
          put(HOST_KEYS.netTxBytesPerSec, rate(net.ext.txBytes, before.ext.txBytes));
          put(HOST_EXTRA_KEYS.netLoRxBytesPerSec, rate(net.lo.rxBytes, before.lo.rxBytes));
          put(HOST_EXTRA_KEYS.netLoTxBytesPerSec, rate(net.lo.txBytes, before.lo.txBytes));
        }
      });
      await part("netstat", async () => {
        mark.tcp = await readTcpExt(procRoot, nowMs, prev?.tcp, values);
      });
      await part("loadavg", async () => {
        values[HOST_KEYS.load1] = parseLoadavg(await readFile(join(procRoot, "loadavg"), "utf8"));
      });
      await part("disk", async () => {
        const fs = await statfs(diskPath);
        const used = (fs.blocks - fs.bfree) * fs.bsize;
        const avail = fs.bavail * fs.bsize;
        values[HOST_KEYS.diskUsedPct] = used + avail > 0 ? round((used / (used + avail)) * 100, 2) : 0;
        values[HOST_EXTRA_KEYS.diskFreeBytes] = avail;
      });
      prev = { cpu: mark.cpu ?? prev?.cpu, net: mark.net ?? prev?.net, tcp: mark.tcp ?? prev?.tcp };
      const labels: Record<string, string> = { disk_path: diskPath };
      if (errors.length > 0) labels.errors = errors.join("; ");
      if (Object.keys(values).length === 0) return [{ ok: false, error: errors.join("; "), values, labels }];
      return [{ ok: true, values, labels }];
    },
    async close() {
      prev = undefined;
    },
  };
}
