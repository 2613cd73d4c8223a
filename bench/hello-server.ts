// The fallback target when nginx is not installed: a one-process Node HTTP server answering a
// tiny fixed body. Run as a child: `node --import tsx bench/hello-server.ts PORT`.
import { createServer } from "node:http";
import { countingHandler } from "./counting-handler.js";

const port = Number(process.argv[2]);
const server = createServer();
server.on("request", countingHandler(server));
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.maxRequestsPerSocket = 0;
server.listen(port, "127.0.0.1", () => process.stdout.write(`listening ${port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
