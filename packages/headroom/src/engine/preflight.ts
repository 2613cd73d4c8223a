// Before a run: is the target there at all? One DNS lookup and one TCP connect, so an unreachable
// URL fails in a second with a clear message instead of a run full of refused connections.
import { lookup } from "node:dns/promises";
import { connect } from "node:net";
import { HeadroomError } from "../core/errors.js";

export async function checkReachable(url: string, timeoutMs = 5000): Promise<void> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  const unreachable = (why: string): HeadroomError =>
    new HeadroomError("HR_TARGET_UNREACHABLE", `cannot reach ${u.protocol}//${u.host} (${why})`, `start the target or fix the URL; \`curl -v ${u.origin}/\` should answer before a load test`);
  try {
    await lookup(host);
  } catch (e) {
    throw unreachable(`DNS lookup of "${host}" failed: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(unreachable(`no TCP connection to port ${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(unreachable(`${e.code ?? e.message} on port ${port}`));
    });
  });
}
