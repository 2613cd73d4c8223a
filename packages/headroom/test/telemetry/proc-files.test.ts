import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { listeningInodes, parseKeyValues, parseLoadavg, parseNetDev, parseNetstat, parsePidStat, parseProcStat } from "../../src/telemetry/proc-files.js";

test("parsePidStat survives a command name with spaces and parentheses", () => {
  const text = "4242 (my (odd) name) S 17 4242 17 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 9 0 123456 987654321 2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  assert.deepEqual(parsePidStat(text), { pid: 4242, comm: "my (odd) name", state: "S", ppid: 17, utimeTicks: 250, stimeTicks: 75, threads: 9, startTicks: 123456, rssPages: 2048 });
});

test("parsePidStat reads this process's own /proc entry", () => {
  const st = parsePidStat(readFileSync("/proc/self/stat", "utf8"));
  assert.equal(st.pid, process.pid);
  assert.equal(st.ppid, process.ppid);
  assert.ok(st.threads >= 1);
  assert.ok(st.rssPages > 0);
});

test("parseKeyValues converts kB to bytes", () => {
  const m = parseKeyValues("MemTotal:       16000000 kB\nMemAvailable:    4000000 kB\nThreads:\t7\nName:\tnode\n");
  assert.equal(m.get("MemTotal"), 16_000_000 * 1024);
  assert.equal(m.get("MemAvailable"), 4_000_000 * 1024);
  assert.equal(m.get("Threads"), 7);
  assert.equal(m.has("Name"), false);
});

test("parseProcStat: busy and idle ticks of the aggregate line, and the core count", () => {
  const cpu = parseProcStat("cpu  100 10 50 800 40 0 5 0 20 0\ncpu0 50 5 25 400 20 0 2 0 10 0\ncpu1 50 5 25 400 20 0 3 0 10 0\nintr 1\n");
  // guest (20) is already inside user, so it is not added again.
  assert.deepEqual(cpu, { totalTicks: 100 + 10 + 50 + 800 + 40 + 0 + 5 + 0, idleTicks: 840, cores: 2 });
  assert.throws(() => parseProcStat("intr 1\n"), /no aggregate cpu line/);
});

test("parseNetDev: rx and tx bytes per interface, including a counter glued to the colon", () => {
  const text = [
    "Inter-|   Receive                                                |  Transmit",
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed",
    "    lo: 1133363713 7682394    0    0    0     0          0         0 1133363713 7682394    0    0    0     0       0          0",
    "  eth0:12345678901 100 0 0 0 0 0 0 987 5 0 0 0 0 0 0",
  ].join("\n");
  const m = parseNetDev(text);
  assert.deepEqual(m.get("lo"), { rxBytes: 1133363713, txBytes: 1133363713 });
  assert.deepEqual(m.get("eth0"), { rxBytes: 12345678901, txBytes: 987 });
  assert.equal(m.size, 2);
});

test("listeningInodes: LISTEN sockets on the port only (v4 and v6 address forms)", () => {
  const v4 = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 7493 1 0000000000000000 100 0 0 10 0",
    "   1: 0100007F:0BB8 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000   106        0 7777 1 0000000000000000 20 4 30 10 -1",
    "   2: 00000000:0BB9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1679 1 0000000000000000 100 0 0 10 0",
  ].join("\n");
  assert.deepEqual(listeningInodes(v4, 3000), [7493], "the ESTABLISHED connection on 3000 is not a listener");
  assert.deepEqual(listeningInodes(v4, 3001), [1679]);
  const v6 = ["  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", "   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 555 1 0000000000000000 100 0 0 10 0"].join("\n");
  assert.deepEqual(listeningInodes(v6, 3000), [555]);
});

test("parseLoadavg", () => {
  assert.equal(parseLoadavg("0.52 0.58 0.59 1/467 12345\n"), 0.52);
  assert.throws(() => parseLoadavg(""));
});

test("parseNetstat: the TcpExt and IpExt counters of a /proc/net/netstat file, by name", () => {
  const m = parseNetstat(readFileSync(new URL("./fixtures/netstat.txt", import.meta.url), "utf8"));
  const tcp = m.get("TcpExt")!;
  assert.equal(tcp.get("ListenOverflows"), 7421);
  assert.equal(tcp.get("ListenDrops"), 7433);
  assert.equal(tcp.get("TCPTimeouts"), 5148);
  assert.equal(tcp.get("SyncookiesSent"), 225, "the first counter after the prefix");
  assert.equal(m.get("IpExt")!.get("InOctets"), 1914730527);
  assert.equal(tcp.has("TcpExt:"), false, "the prefix is not a counter");
});

test("parseNetstat: a column order of another kernel, and a malformed pair", () => {
  const m = parseNetstat("TcpExt: ListenDrops TCPTimeouts ListenOverflows\nTcpExt: 9 4 7\nIpExt: InOctets\nIpExt: 100\n");
  assert.deepEqual([...m.get("TcpExt")!], [["ListenDrops", 9], ["TCPTimeouts", 4], ["ListenOverflows", 7]]);
  assert.equal(m.get("IpExt")!.get("InOctets"), 100);
  assert.throws(() => parseNetstat("TcpExt: ListenOverflows ListenDrops\nTcpExt: 1\n"), /unexpected \/proc\/net\/netstat format at "TcpExt: ListenOverflows/);
  assert.throws(() => parseNetstat("TcpExt: ListenOverflows\nIpExt: 1\n"), /same prefix/);
});
