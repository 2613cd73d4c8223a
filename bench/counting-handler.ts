// The request handler of the Node targets: a tiny fixed 200 body, and at STATUS_PATH the number
// of requests served so far in nginx's stub_status format, so the harness can compare what the
// server really answered with what each tool says it completed.
import type { IncomingMessage, Server, ServerResponse } from "node:http";

export const STATUS_PATH = "/__bench_status";

/** nginx's stub_status layout (the harness parses one format for every target). */
export function stubStatusText(active: number, accepted: number, requests: number): string {
  return `Active connections: ${active} \nserver accepts handled requests\n ${accepted} ${accepted} ${requests} \nReading: 0 Writing: 1 Waiting: 0 \n`;
}

export function countingHandler(server: Server): (req: IncomingMessage, res: ServerResponse) => void {
  const body = Buffer.from("ok\n");
  let requests = 0;
  let accepted = 0;
  let active = 0;
  server.on("connection", (socket) => {
    accepted++;
    active++;
    socket.once("close", () => active--);
  });
  return (req, res) => {
    requests++;
    if (req.url === STATUS_PATH) {
      const text = stubStatusText(active, accepted, requests);
      res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
  };
}
