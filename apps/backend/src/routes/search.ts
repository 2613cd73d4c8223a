// GET /api/search/stories?q=term: full-text search over public stories (GIN index), uncached.
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app-deps.js";
import { searchStories } from "../data/story-queries.js";

export function registerSearchRoutes(app: FastifyInstance, deps: AppDeps): void {
  const slowMs = deps.lab.has("slow-query") ? deps.config.labTuning.slowQueryMs : 0;
  app.get<{ Querystring: { q: string; limit: number; offset: number } }>(
    "/api/search/stories",
    {
      config: { api: true, auth: "optional" },
      schema: {
        querystring: {
          type: "object",
          required: ["q"],
          properties: {
            q: { type: "string", minLength: 1, maxLength: 100, pattern: "\\S" },
            limit: { type: "integer", minimum: 1, maximum: 50, default: 20 },
            offset: { type: "integer", minimum: 0, maximum: 1000, default: 0 },
          },
        },
      },
    },
    async (req) => {
      const { q, limit, offset } = req.query;
      const results = await searchStories(deps.db, q, limit, offset, { slowMs, counter: req.queryCounter });
      return { query: q, results, count: results.length };
    },
  );
}
