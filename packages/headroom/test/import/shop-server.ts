// A small shop API on 127.0.0.1 for the locustfile conversion tests: login, products, search,
// a cart that answers 201, 409 (already there) or 500, checkout, admin orders, health.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ShopServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startShopServer(): Promise<ShopServer> {
  let orders = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
      const p = url.pathname;
      if (req.method === "POST" && p === "/login") return send(200, { token: `t-${String(body.user)}` });
      if (req.method === "GET" && /^\/products\/\d+$/.test(p)) return send(200, { id: p.split("/")[2] });
      if (req.method === "GET" && p === "/search") return send(200, { q: url.searchParams.get("q"), results: [] });
      if (req.method === "POST" && p === "/cart") {
        if (!req.headers.authorization) return send(401, { error: "login first" });
        const product = Number(body.product);
        return send(product === 8 ? 409 : product === 7 ? 500 : 201, { product });
      }
      if (req.method === "GET" && p === "/catalog") return send(200, { items: ["red-hat", "blue-sock", "green-shoe"] });
      if (req.method === "GET" && /^\/catalog\/[a-z-]+$/.test(p)) return send(200, { slug: p.split("/")[2] });
      if (req.method === "POST" && (p === "/checkout" || p === "/logout")) return send(200, {});
      if (req.method === "GET" && p === "/admin/orders") return send(200, ++orders % 10 === 0 ? {} : { orders: [] });
      if (req.method === "GET" && p === "/health") return send(200, { ok: true });
      send(404, { error: "not found" });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise((r) => server.close(() => r())) };
}
