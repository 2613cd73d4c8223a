// The coordinated-omission target: answers instantly, except that every STALL_PERIOD_MS it
// freezes its own event loop for STALL_MS with a busy-wait. During a freeze nothing is accepted
// or answered, so a request due then truly waits until the freeze ends.
// Run as a child: `node --import tsx bench/stall-server.ts PORT`.
import { createServer } from "node:http";
import { countingHandler } from "./counting-handler.js";
import { STALL_MS, STALL_PERIOD_MS } from "./stall-truth.js";

const port = Number(process.argv[2]);
const server = createServer();
server.on("request", countingHandler(server));
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

// Stalls are scheduled on absolute times (start + k * period) so they never drift apart.
let nextStallAt = 0;
function stall(): void {
  const end = Date.now() + STALL_MS;
  while (Date.now() < end) {
    /* busy-wait: the point is to block the event loop */
  }
  nextStallAt += STALL_PERIOD_MS;
  setTimeout(stall, Math.max(0, nextStallAt - Date.now()));
}

server.listen(port, "127.0.0.1", () => {
  nextStallAt = Date.now() + STALL_PERIOD_MS;
  setTimeout(stall, STALL_PERIOD_MS);
  process.stdout.write(`listening ${port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
