// GET /api/discovery/trending: the trending stories, cache-aside (family "trending").
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app-deps.js";
import { trendingStories } from "../data/story-queries.js";
import { JSON_TYPE } from "./json-type.js";

export function registerDiscoveryRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: { limit: number } }>(
    "/api/discovery/trending",
    {
      config: { api: true, auth: "optional" },
      schema: { querystring: { type: "object", properties: { limit: { type: "integer", minimum: 1, maximum: 50, default: 20 } } } },
    },
    async (req, reply) => {
      const { limit } = req.query;
      const read = await deps.cache.read("trending", `trending:${limit}`, deps.config.cacheTtls.trendingSec, async () => ({ results: await trendingStories(deps.db, limit, req.queryCounter) }));
      req.cacheStatus = read.hit ? "hit" : "miss";
      reply.header("x-cache", read.hit ? "HIT" : "MISS");
      if (read.hit) return reply.type(JSON_TYPE).send(read.json);
      return read.value;
    },
  );
}
