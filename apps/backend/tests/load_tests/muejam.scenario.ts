// The MueJam load-test suite as a headroom scenario (MUEJAM.md): four user classes in the
// intended mix 70/25/4/1 (the platform's Locust file never declared weights, so Locust spread
// users evenly; this runs the mix the documents describe), plus two classes that only the
// database-stress and cache-performance profiles use.
//
//   npm run tokens -w apps/backend -- --count 1000 > tokens.json
//   headroom run apps/backend/tests/load_tests/muejam.scenario.ts --profile baseline \
//     --host http://127.0.0.1:8000 --var tokens=tokens.json
//
// Authenticated users and writers each take a different token (user i takes token i), so mint at
// least as many tokens as the profile has users. For every endpoint but health a 429 is expected
// behaviour (the limiter working), not a failure.
//
// In production every user reaches the API through the load balancer from its own address, and
// the per-IP limits for anonymous clients apply per user. From one generator every request comes
// from 127.0.0.1, so each user sends X-Forwarded-For with an address of its own (10.x.y.z from its
// index), as the load balancer would. The API believes it only from the proxies it is configured
// to trust: `headroom plan` starts it with MUEJAM_TRUST_PROXY=127.0.0.1 (its own generator); an
// API started by hand for `headroom run` needs the same setting, or the header is ignored and every
// anonymous user shares one address's limits, as with `--var forwardedFor=off`, which sends none.
import { readFileSync } from "node:fs";
import { acceptAlso, between, scenario, task, userClass, type HttpResponse, type VirtualUser } from "headroom";
import { profiles } from "./profiles.js";

export { profiles };

interface Shared {
  tokens: string[];
}

interface Reader {
  /** Slugs seen in trending or search results, newest last. */
  slugs: string[];
}

interface Writer {
  /** Ids of the stories this user created. */
  storyIds: string[];
}

export const SEARCH_TERMS = ["fantasy", "romance", "adventure", "mystery", "scifi"];
/** Slugs a reader remembers (enough variety, bounded memory at 10,000 users). */
const MAX_SLUGS = 50;

function loadTokens(path: string | undefined): string[] {
  if (!path) {
    throw new Error("no tokens: pass --var tokens=tokens.json (mint them with `npm run tokens -w apps/backend -- --count N > tokens.json`, N >= users)");
  }
  const text = readFileSync(path, "utf8");
  // `npm run tokens ... > tokens.json` without -s puts npm's "> script" banner above the JSON.
  const start = text.search(/^\s*\[/m);
  let parsed: unknown;
  try {
    parsed = JSON.parse(start > 0 ? text.slice(start) : text);
  } catch (e) {
    throw new Error(`${path} is not JSON (${(e as Error).message}); mint it with \`npm run -s tokens -w apps/backend -- --count N > tokens.json\``);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.some((t) => typeof (t as { token?: unknown })?.token !== "string")) {
    throw new Error(`${path} is not a JSON array of {userId, token}; mint it with npm run tokens -w apps/backend`);
  }
  return parsed.map((t) => (t as { token: string }).token);
}

/** The user's own client address, as the load balancer would forward it. */
export function clientAddress(index: number): string {
  return `10.${(index >>> 16) & 255}.${(index >>> 8) & 255}.${index & 255}`;
}

function forwardFor(u: VirtualUser<unknown, Shared>): void {
  if (u.vars.forwardedFor !== "off") u.headers["x-forwarded-for"] = clientAddress(u.index);
}

function authorize(u: VirtualUser<unknown, Shared>): void {
  const { tokens } = u.shared;
  u.headers.authorization = `Bearer ${tokens[u.index % tokens.length]}`;
  forwardFor(u);
}

function rememberSlugs(u: VirtualUser<Reader, Shared>, res: HttpResponse): void {
  if (res.status !== 200) return;
  const body = res.json<{ results?: { slug?: string }[] }>();
  for (const r of body.results ?? []) {
    if (typeof r.slug === "string" && !u.state.slugs.includes(r.slug)) u.state.slugs.push(r.slug);
  }
  if (u.state.slugs.length > MAX_SLUGS) u.state.slugs.splice(0, u.state.slugs.length - MAX_SLUGS);
}

async function trending(u: VirtualUser<Reader, Shared>): Promise<void> {
  rememberSlugs(u, await u.get("/api/discovery/trending"));
}

async function viewStory(u: VirtualUser<Reader, Shared>): Promise<void> {
  if (u.state.slugs.length === 0) u.skip("no story seen in trending yet");
  await u.get(`/api/stories/${u.pick(u.state.slugs)}`, { name: "/api/stories/[slug]" });
}

async function search(u: VirtualUser<Reader, Shared>): Promise<void> {
  rememberSlugs(u, await u.get("/api/search/stories", { query: { q: u.pick(SEARCH_TERMS) } }));
}

const readerState = (): Reader => ({ slugs: [] });

export const AuthenticatedUser = userClass<Reader, Shared>({
  name: "AuthenticatedUser",
  weight: 70,
  wait: between(1, 5),
  state: readerState,
  onStart: authorize,
  tasks: [
    task("trending", 10, trending),
    task("view story", 8, viewStory),
    task("users/me", 5, async (u) => {
      await u.get("/api/users/me", { check: (r) => r.status !== 200 || typeof r.json<{ id?: unknown }>().id !== "undefined" || "no id in /api/users/me" });
    }),
    task("library shelves", 3, async (u) => {
      await u.get("/api/library/shelves");
    }),
    task("search", 2, search),
    task("post whisper", 1, async (u) => {
      await u.post("/api/whispers", { name: "/api/whispers [POST]", json: { content: `whisper from load test user ${u.index}`, scope: "public" } });
    }),
  ],
});

export const UnauthenticatedUser = userClass<Reader, Shared>({
  name: "UnauthenticatedUser",
  weight: 25,
  wait: between(2, 8),
  state: readerState,
  onStart: forwardFor,
  tasks: [task("trending", 10, trending), task("view story", 5, viewStory), task("search", 2, search)],
});

export const WriterUser = userClass<Writer, Shared>({
  name: "WriterUser",
  weight: 4,
  wait: between(5, 15),
  state: () => ({ storyIds: [] }),
  onStart: authorize,
  tasks: [
    task("create story", 5, async (u) => {
      const res = await u.post("/api/stories", {
        name: "/api/stories [POST]",
        json: { title: `Load test story ${u.index}-${u.state.storyIds.length + 1}`, blurb: "Written by a headroom writer user.", genre: u.pick(SEARCH_TERMS), visibility: "public" },
      });
      if (res.status === 200 || res.status === 201) {
        const id = res.json<{ id?: string | number }>().id;
        if (id !== undefined) u.state.storyIds.push(String(id));
      }
    }),
    task("update story", 3, async (u) => {
      const id = u.state.storyIds[u.state.storyIds.length - 1];
      if (id === undefined) u.skip("no story created yet");
      await u.patch(`/api/stories/${id}`, { name: "/api/stories/[id] [PATCH]", json: { blurb: `Updated at ${new Date().toISOString()}` } });
    }),
    task("my stories", 2, async (u) => {
      await u.get("/api/stories/mine");
    }),
  ],
});

export const HealthCheckUser = userClass({
  name: "HealthCheckUser",
  weight: 1,
  wait: between(1, 2),
  // The load balancer's view: a 429 on health is a failure.
  accept: [200],
  tasks: [
    task("health", 1, async (u) => {
      await u.get("/health");
    }),
    task("ready", 1, async (u) => {
      await u.get("/health/ready");
    }),
  ],
});

/** database-stress only: search with paging, stories with their nested author and whispers, big trending pages, shelves. */
export const DatabaseStressUser = userClass<Reader, Shared>({
  name: "DatabaseStressUser",
  weight: 0,
  wait: between(0.5, 2),
  state: readerState,
  onStart: authorize,
  tasks: [
    task("search deep", 5, async (u) => {
      rememberSlugs(u, await u.get("/api/search/stories", { query: { q: u.pick(SEARCH_TERMS), limit: 50, offset: Math.floor(u.random() * 10) * 20 } }));
    }),
    task("story with relations", 3, viewStory),
    task("trending 50", 2, async (u) => {
      rememberSlugs(u, await u.get("/api/discovery/trending", { query: { limit: 50 } }));
    }),
    task("library shelves", 2, async (u) => {
      await u.get("/api/library/shelves");
    }),
  ],
});

/** cache-performance only: a hot set read again and again (hits) and a long tail from search (mostly misses). */
export const CachePerformanceUser = userClass<Reader & { hot: string[] }, Shared>({
  name: "CachePerformanceUser",
  weight: 0,
  wait: between(0.5, 2),
  state: () => ({ slugs: [], hot: [] }),
  onStart: authorize,
  tasks: [
    task("trending", 2, async (u) => {
      const res = await u.get("/api/discovery/trending", { query: { limit: 10 } });
      if (res.status === 200) u.state.hot = (res.json<{ results?: { slug?: string }[] }>().results ?? []).flatMap((r) => (typeof r.slug === "string" ? [r.slug] : []));
    }),
    task("hot story", 8, async (u) => {
      if (u.state.hot.length === 0) u.skip("no hot set yet");
      await u.get(`/api/stories/${u.pick(u.state.hot)}`, { name: "/api/stories/[slug] (hot)" });
    }),
    task("long-tail search", 1, async (u) => {
      rememberSlugs(u, await u.get("/api/search/stories", { query: { q: u.pick(SEARCH_TERMS), offset: Math.floor(u.random() * 40) * 20 } }));
    }),
    task("long-tail story", 2, async (u) => {
      if (u.state.slugs.length === 0) u.skip("no long-tail slug yet");
      await u.get(`/api/stories/${u.pick(u.state.slugs)}`, { name: "/api/stories/[slug] (tail)" });
    }),
  ],
});

export default scenario<Shared>({
  name: "muejam",
  description: "MueJam API: authenticated readers, anonymous readers, writers and the load balancer's health checks",
  setup: ({ vars }) => ({ tokens: loadTokens(vars.tokens) }),
  defaults: { accept: acceptAlso(429) },
  classes: [AuthenticatedUser, UnauthenticatedUser, WriterUser, HealthCheckUser, DatabaseStressUser, CachePerformanceUser],
});
