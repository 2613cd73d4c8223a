// The API listens with the configured backlog (MUEJAM_LISTEN_BACKLOG, default 4096), not Node's
// 511. The kernel reports a listener's backlog as its Send-Q in `ss -ltn`.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { LISTEN_BACKLOG_DEFAULT } from "../src/config.js";
import { startServer, type RunningServer } from "../src/server.js";

/** The backlog of the listener on 127.0.0.1:port as the kernel holds it, or undefined without `ss`. */
function kernelBacklog(port: number): number | undefined {
  let out: string;
  try {
    out = execFileSync("ss", ["-Hltn", `sport = :${port}`], { encoding: "utf8" });
  } catch {
    return undefined;
  }
  const f = out.trim().split(/\s+/);
  return f[0] === "LISTEN" ? Number(f[2]) : undefined;
}

function somaxconn(): number {
  try {
    return Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8").trim());
  } catch {
    return Infinity;
  }
}

describe("listen backlog", { skip: process.platform !== "linux" ? "needs Linux (ss, /proc)" : false }, () => {
  const servers: RunningServer[] = [];
  after(async () => {
    for (const s of servers) await s.close(100);
  });
  // No request is made: the pools connect lazily, so a database that is not there is never reached.
  const start = (listenBacklog?: number): Promise<RunningServer> =>
    startServer({ databaseUrl: "postgres://nobody@127.0.0.1:1/none", port: 0, host: "127.0.0.1", logger: false, ...(listenBacklog !== undefined ? { listenBacklog } : {}) }).then((s) => {
      servers.push(s);
      return s;
    });

  it("the default and a configured backlog reach the kernel's listener", async (t) => {
    const byDefault = await start();
    const seen = kernelBacklog(byDefault.port);
    if (seen === undefined) return t.skip("ss is not available");
    assert.equal(seen, Math.min(LISTEN_BACKLOG_DEFAULT, somaxconn()));
    const small = await start(37);
    assert.equal(kernelBacklog(small.port), 37);
  });
});
