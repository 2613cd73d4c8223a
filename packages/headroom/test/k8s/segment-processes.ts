// Test helpers: a local server that counts requests by path, and `headroom run` child processes,
// one per segment of a test, all starting at one shared time.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export const BIN = new URL("../../bin/headroom.js", import.meta.url).pathname;

export interface CountingServer {
  base: string;
  count(path: string): number;
  close(): Promise<void>;
}

export async function countingServer(): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    counts.set(req.url ?? "", (counts.get(req.url ?? "") ?? 0) + 1);
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (path) => counts.get(path) ?? 0,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface SegmentProcess {
  child: ChildProcess;
  dir: string;
  exited: Promise<number | null>;
  output(): string;
}

/** Starts `headroom run ARGS --segment i/n --start-at START --out ROOT/seg-i` for each i in `indexes`. */
export function startSegments(o: { root: string; of: number; indexes?: number[]; startAtEpochMs: number; args: string[] }): SegmentProcess[] {
  const indexes = o.indexes ?? Array.from({ length: o.of }, (_, i) => i);
  return indexes.map((i) => {
    const dir = join(o.root, `seg-${i}`);
    const child = spawn(process.execPath, [BIN, "run", ...o.args, "--workers", "1", "--no-report", "--segment", `${i}/${o.of}`, "--start-at", String(o.startAtEpochMs), "--out", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    return { child, dir, exited, output: () => out };
  });
}

/** Runs the CLI in a child process without blocking this one (which may serve the load). */
export function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((r) => child.once("exit", (status) => r({ status, stdout, stderr })));
}

/** Resolves once the run directory holds at least `n` interval lines. */
export async function waitForLines(dir: string, n: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const file = join(dir, "intervals.ndjson");
  while (Date.now() < deadline) {
    if (existsSync(file) && readFileSync(file, "utf8").split("\n").filter(Boolean).length >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file} did not reach ${n} lines within ${timeoutMs} ms`);
}

/** How far ahead the shared start is set: every child process must load (tsx compiles on a busy 2-core machine) before it; a later one is named "started late". */
export const LEAD_MS = 8000;
