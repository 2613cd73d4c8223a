// A local HTTP server whose capacity is known in closed form: C workers, each request holding one
// for S ms (a semaphore of C with a FIFO queue), so at most C/S requests per second. The ground
// truth of the search and breaking-point tests.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface CapacityServer {
  origin: string;
  /** How long each request really held its worker, ms (timer overshoot included). */
  holdsMs: number[];
  close(): void;
}

export async function startCapacityServer(workers: number, holdMs: number): Promise<CapacityServer> {
  let busy = 0;
  const queue: (() => void)[] = [];
  const holdsMs: number[] = [];
  const server: Server = createServer((_req, res) => {
    const start = (): void => {
      busy++;
      const t0 = performance.now();
      setTimeout(() => {
        holdsMs.push(performance.now() - t0);
        busy--;
        res.end("ok");
        queue.shift()?.();
      }, holdMs);
    };
    if (busy < workers) start();
    else queue.push(start);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    holdsMs,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
