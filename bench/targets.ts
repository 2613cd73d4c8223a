// The servers the tools are pointed at, each started by the harness pinned to the target core
// and stopped by its own pid. nginx runs from a private config in a temp dir; without nginx a
// one-process Node server stands in.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STATUS_PATH } from "./counting-handler.js";
import { parseStubStatus } from "./parsers.js";

export interface Target {
  name: string;
  url: string;
  /** Answers in nginx stub_status format: the requests the server has handled so far. */
  statusUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export const NGINX_PATH = "/usr/sbin/nginx";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The nginx config: one worker, no access log, a fixed 200 body, keep-alive without limit. */
export function nginxConfig(dir: string, port: number): string {
  return `daemon off;
worker_processes 1;
worker_rlimit_nofile 20000;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / { default_type text/plain; return 200 "ok\\n"; }
    location = ${STATUS_PATH} { stub_status; }
  }
}
`;
}

function getText(url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (s: string) => (text += s));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", () => resolve({ status: 0, text: "" }));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

async function getOnce(url: string): Promise<number> {
  return (await getText(url, 1000)).status;
}

/** Requests the target has handled so far (undefined when it cannot say). */
export async function serverRequestCount(target: Target): Promise<number | undefined> {
  // The stall server may be frozen for up to a second: allow for it.
  const { status, text } = await getText(target.statusUrl, 5000);
  return status === 200 ? parseStubStatus(text)?.requests : undefined;
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`target exited with ${child.exitCode} before answering ${url}: ${stderr().slice(0, 500)}`);
    if ((await getOnce(url)) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`target did not answer ${url} within ${timeoutMs} ms: ${stderr().slice(0, 500)}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const force = setTimeout(() => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    }, 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    process.kill(child.pid, "SIGTERM");
  });
}

async function startPinned(name: string, core: number, command: string, args: string[], port: number, cleanup?: () => void): Promise<Target> {
  const child = spawn("taskset", ["-c", String(core), command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr?.on("data", (b: Buffer) => (err += b.toString()));
  child.stdout?.resume();
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitReady(url, child, () => err);
  } catch (e) {
    await stopChild(child);
    cleanup?.();
    throw e;
  }
  return {
    name,
    url,
    statusUrl: `http://127.0.0.1:${port}${STATUS_PATH}`,
    pid: child.pid!,
    stop: async () => {
      await stopChild(child);
      cleanup?.();
    },
  };
}

/** nginx when installed (and not declined), else the Node hello server; pinned to `core`. */
export async function startThroughputTarget(core: number, prefer: "nginx" | "node" = "nginx"): Promise<Target> {
  const port = await freePort();
  if (prefer === "nginx" && existsSync(NGINX_PATH)) {
    const dir = mkdtempSync(join(tmpdir(), "headroom-bench-nginx-"));
    writeFileSync(join(dir, "nginx.conf"), nginxConfig(dir, port));
    return startPinned("nginx", core, NGINX_PATH, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], port, () =>
      rmSync(dir, { recursive: true, force: true }),
    );
  }
  return startPinned("node-http", core, process.execPath, ["--import", "tsx", "bench/hello-server.ts", String(port)], port);
}

/** The stall server (1 s freeze every 5 s), pinned to `core`. */
export async function startStallTarget(core: number): Promise<Target> {
  const port = await freePort();
  return startPinned("node-stall", core, process.execPath, ["--import", "tsx", "bench/stall-server.ts", String(port)], port);
}
