// POST /api/whispers: a short public note, optionally about a story (then the story's cached
// view is invalidated, since it lists recent whispers).
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app-deps.js";
import { createWhisper } from "../data/user-queries.js";
import { notFound } from "../errors.js";
import { requireIdentity } from "../guard.js";
import { storyCacheKey } from "./stories.js";
import { profileCacheKey } from "./users.js";

interface NewWhisper {
  content: string;
  scope: string;
  storyId?: string;
}

export function registerWhisperRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: NewWhisper }>(
    "/api/whispers",
    {
      config: { api: true, auth: "required" },
      schema: {
        body: {
          type: "object",
          required: ["content"],
          properties: {
            content: { type: "string", minLength: 1, maxLength: 500, pattern: "\\S" },
            scope: { type: "string", enum: ["public", "followers", "private"], default: "public" },
            storyId: { type: "string", pattern: "^[0-9]{1,18}$" },
          },
        },
      },
    },
    async (req, reply) => {
      const me = requireIdentity(req);
      let created;
      try {
        created = await createWhisper(deps.db, me.userId, req.body, req.queryCounter);
      } catch (err) {
        // The story was deleted between the check and the insert.
        if ((err as { code?: string }).code === "23503") throw notFound(`no story with id ${req.body.storyId}`);
        throw err;
      }
      // Unknown, or private to someone else: the same answer, so private story ids stay private.
      if (!created) throw notFound(`no story with id ${req.body.storyId}`);
      const { storySlug, ...whisper } = created;
      await deps.cache.invalidate("profile", [profileCacheKey(me.userId)]);
      if (storySlug) await deps.cache.invalidate("story", [storyCacheKey(storySlug)]);
      reply.code(201);
      return whisper;
    },
  );
}
