// DELETE /api/auth/session: logout. The session is marked revoked until the token would have
// expired, so the same token is refused from then on, on every instance sharing Redis.
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app-deps.js";
import { HttpError } from "../errors.js";
import { requireIdentity } from "../guard.js";

export function registerAuthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.delete("/api/auth/session", { config: { api: true, auth: "required" } }, async (req, reply) => {
    const me = requireIdentity(req);
    try {
      await deps.sessions.put(me.sessionId, { userId: me.userId, createdAtMs: deps.nowMs(), revoked: true }, me.expiresAtSec * 1000 - deps.nowMs());
    } catch {
      deps.metrics.sessionStoreError();
      throw new HttpError(503, "service_unavailable", "the session store is unavailable, so the logout could not be recorded; retry");
    }
    reply.code(204);
  });
}
