// The fallback target when nginx is not installed: a one-process Node HTTP server answering a
// tiny fixed body. Run as a child: `node --import tsx bench/hello-server.ts PORT`.
import { createServer } from "node:http";

const port = Number(process.argv[2]);
const body = Buffer.from("ok\n");
const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.maxRequestsPerSocket = 0;
server.listen(port, "127.0.0.1", () => process.stdout.write(`listening ${port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
