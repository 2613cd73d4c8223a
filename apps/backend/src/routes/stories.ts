// Story endpoints: view by slug (cache-aside, family "story"), the author's own list, create
// (a content submission: 10/hour per user) and update (author only).
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app-deps.js";
import { createStory, storiesByAuthor, storyBySlug, storyBySlugNPlusOne, updateStory, type StoryDetail } from "../data/story-queries.js";
import { HttpError, notFound } from "../errors.js";
import { requireIdentity } from "../guard.js";
import { JSON_TYPE } from "./json-type.js";

const VISIBILITY = ["public", "unlisted", "private"];
const title = { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" };
const blurb = { type: "string", maxLength: 2000 };
const genre = { type: "string", pattern: "^[A-Za-z][A-Za-z -]{1,29}$" };
const visibility = { type: "string", enum: VISIBILITY };

interface NewStory {
  title: string;
  blurb: string;
  genre: string;
  visibility: string;
}

export function storyCacheKey(slug: string): string {
  return `story:${slug}`;
}

export function slugify(text: string): string {
  const base = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
  return base || "story";
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === "23505";
}

export function registerStoryRoutes(app: FastifyInstance, deps: AppDeps): void {
  const nPlusOne = deps.lab.has("n-plus-one");

  app.get<{ Querystring: { limit: number } }>(
    "/api/stories/mine",
    {
      config: { api: true, auth: "required" },
      schema: { querystring: { type: "object", properties: { limit: { type: "integer", minimum: 1, maximum: 100, default: 50 } } } },
    },
    async (req) => {
      const me = requireIdentity(req);
      return { results: await storiesByAuthor(deps.db, me.userId, req.query.limit, req.queryCounter) };
    },
  );

  app.get<{ Params: { slug: string } }>(
    "/api/stories/:slug",
    {
      config: { api: true, auth: "optional" },
      schema: { params: { type: "object", required: ["slug"], properties: { slug: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,119}$" } } } },
    },
    async (req, reply) => {
      const { slug } = req.params;
      let story: StoryDetail | undefined;
      if (nPlusOne) {
        // The fault reads through on every request, as with a cold cache, so its queries show under load.
        story = await storyBySlugNPlusOne(deps.db, slug, req.queryCounter);
        deps.metrics.cacheMiss("story");
        req.cacheStatus = "miss";
      } else {
        // Only stories anyone may read are cached, so a hit can be sent to anyone as stored.
        const read = await deps.cache.read("story", storyCacheKey(slug), deps.config.cacheTtls.storySec, () => storyBySlug(deps.db, slug, req.queryCounter), {
          storable: (s) => s.visibility !== "private",
        });
        req.cacheStatus = read.hit ? "hit" : "miss";
        if (read.hit) return reply.header("x-cache", "HIT").type(JSON_TYPE).send(read.json);
        story = read.value;
      }
      reply.header("x-cache", "MISS");
      if (!story || (story.visibility === "private" && story.author.id !== req.identity?.userId)) {
        throw notFound(`no story with slug "${slug}"`);
      }
      return story;
    },
  );

  app.post<{ Body: NewStory }>(
    "/api/stories",
    {
      config: { api: true, auth: "required", submission: true },
      schema: {
        body: {
          type: "object",
          required: ["title", "genre"],
          properties: { title, blurb: { ...blurb, default: "" }, genre, visibility: { ...visibility, default: "public" } },
        },
      },
    },
    async (req, reply) => {
      const me = requireIdentity(req);
      const body = req.body;
      const fields = { title: body.title.trim(), blurb: body.blurb, genre: body.genre.toLowerCase(), visibility: body.visibility };
      let created;
      for (let attempt = 0; ; attempt++) {
        const slug = `${slugify(fields.title)}-${randomBytes(4).toString("hex")}`;
        try {
          created = await createStory(deps.db, me.userId, { ...fields, slug }, req.queryCounter);
          break;
        } catch (err) {
          if (!isUniqueViolation(err) || attempt >= 2) throw err;
        }
      }
      await deps.cache.invalidate("profile", [`profile:${me.userId}`]);
      reply.code(201);
      return created;
    },
  );

  app.patch<{ Params: { id: string }; Body: Partial<NewStory> }>(
    "/api/stories/:id",
    {
      config: { api: true, auth: "required" },
      schema: {
        params: { type: "object", required: ["id"], properties: { id: { type: "string", pattern: "^[0-9]{1,18}$" } } },
        body: { type: "object", minProperties: 1, properties: { title, blurb, genre, visibility }, additionalProperties: false },
      },
    },
    async (req) => {
      const me = requireIdentity(req);
      const b = req.body;
      const outcome = await updateStory(
        deps.db,
        req.params.id,
        me.userId,
        { title: b.title?.trim(), blurb: b.blurb, genre: b.genre?.toLowerCase(), visibility: b.visibility },
        req.queryCounter,
      );
      if (outcome.kind === "not-found") throw notFound(`no story with id ${req.params.id}`);
      if (outcome.kind === "not-author") throw new HttpError(403, "forbidden", `story ${req.params.id} belongs to another user; only its author may change it`);
      await deps.cache.invalidate("story", [storyCacheKey(outcome.story.slug)]);
      await deps.cache.invalidate("trending", trendingKeys());
      return outcome.story;
    },
  );
}

/** Every trending key a request can create (limit 1-50): a handful of deletes, no key scan. */
export function trendingKeys(): string[] {
  return Array.from({ length: 50 }, (_, i) => `trending:${i + 1}`);
}
