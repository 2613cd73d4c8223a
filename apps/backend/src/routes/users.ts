// GET /api/users/me (cache-aside, family "profile") and GET /api/library/shelves (uncached).
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app-deps.js";
import { profileById, shelvesOf } from "../data/user-queries.js";
import { notFound } from "../errors.js";
import { requireIdentity } from "../guard.js";
import { JSON_TYPE } from "./json-type.js";

export function profileCacheKey(userId: string): string {
  return `profile:${userId}`;
}

export function registerUserRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get("/api/users/me", { config: { api: true, auth: "required" } }, async (req, reply) => {
    const me = requireIdentity(req);
    const read = await deps.cache.read("profile", profileCacheKey(me.userId), deps.config.cacheTtls.profileSec, () => profileById(deps.db, me.userId, req.queryCounter));
    req.cacheStatus = read.hit ? "hit" : "miss";
    reply.header("x-cache", read.hit ? "HIT" : "MISS");
    if (read.hit) return reply.type(JSON_TYPE).send(read.json);
    if (!read.value) throw notFound(`user ${me.userId} no longer exists`);
    return read.value;
  });

  app.get("/api/library/shelves", { config: { api: true, auth: "required" } }, async (req) => {
    const me = requireIdentity(req);
    return { results: await shelvesOf(deps.db, me.userId, req.queryCounter) };
  });
}
