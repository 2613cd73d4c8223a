// Story reads and writes. Every statement has a stable name (prepared per connection outside
// pgbouncer mode). Timestamps are formatted in SQL so a response is byte-identical whether it
// came from the database or the cache, and whichever query path built it.
import type { Database, QueryCounter, Statement } from "../db/database.js";

export interface AuthorRef {
  id: string;
  username: string;
  displayName: string;
}

export interface StorySummary {
  id: string;
  slug: string;
  title: string;
  blurb: string;
  genre: string;
  likeCount: number;
  publishedAt: string | null;
  author: AuthorRef;
}

export interface ChapterSummary {
  id: string;
  position: number;
  title: string;
  wordCount: number;
}

export interface WhisperView {
  id: string;
  content: string;
  createdAt: string;
  author: { id: string; username: string };
}

export interface StoryDetail extends StorySummary {
  visibility: "public" | "unlisted" | "private";
  createdAt: string;
  updatedAt: string;
  tags: string[];
  chapters: ChapterSummary[];
  recentWhispers: WhisperView[];
}

export interface OwnStory {
  id: string;
  slug: string;
  title: string;
  blurb: string;
  genre: string;
  visibility: string;
  createdAt: string;
  updatedAt: string;
}

/** ISO-8601 UTC with milliseconds, as JSON.stringify would give for a Date. */
export const iso = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const RECENT_WHISPERS = 10;
/** Trending ranks the most recently published public stories by likes, decayed by age. */
const TRENDING_CANDIDATES = 5000;

const summaryColumns = `s.id::text AS id, s.slug, s.title, s.blurb, s.genre, s.like_count AS "likeCount", ${iso("s.published_at")} AS "publishedAt",
  json_build_object('id', u.id::text, 'username', u.username, 'displayName', u.display_name) AS author`;

const TRENDING: Statement = {
  name: "trending",
  text: `WITH recent AS (
           SELECT id, like_count, published_at FROM stories
           WHERE visibility = 'public' AND published_at IS NOT NULL
           ORDER BY published_at DESC LIMIT ${TRENDING_CANDIDATES}),
         ref AS (SELECT max(published_at) AS at FROM recent),
         top AS (
           SELECT recent.id, recent.like_count::float8 / power(extract(epoch FROM ref.at - recent.published_at)::float8 / 3600 + 2, 1.5) AS score
           FROM recent, ref ORDER BY score DESC, recent.id LIMIT $1)
         SELECT ${summaryColumns}
         FROM top JOIN stories s ON s.id = top.id JOIN users u ON u.id = s.author_id
         ORDER BY top.score DESC, s.id`,
};

export async function trendingStories(db: Database, limit: number, counter?: QueryCounter | null): Promise<StorySummary[]> {
  return (await db.read<StorySummary>(TRENDING, [limit], counter)).rows;
}

const STORY_BY_SLUG: Statement = {
  name: "story-by-slug",
  text: `SELECT ${summaryColumns}, s.visibility, ${iso("s.created_at")} AS "createdAt", ${iso("s.updated_at")} AS "updatedAt",
           COALESCE((SELECT json_agg(t.name ORDER BY t.name) FROM story_tags st JOIN tags t ON t.id = st.tag_id WHERE st.story_id = s.id), '[]') AS tags,
           COALESCE((SELECT json_agg(json_build_object('id', c.id::text, 'position', c.position, 'title', c.title, 'wordCount', c.word_count) ORDER BY c.position)
                     FROM chapters c WHERE c.story_id = s.id), '[]') AS chapters,
           COALESCE((SELECT json_agg(json_build_object('id', w.id::text, 'content', w.content, 'createdAt', ${iso("w.created_at")},
                                                       'author', json_build_object('id', wu.id::text, 'username', wu.username)) ORDER BY w.created_at DESC, w.id DESC)
                     FROM (SELECT * FROM whispers WHERE story_id = s.id AND scope = 'public' ORDER BY created_at DESC, id DESC LIMIT ${RECENT_WHISPERS}) w
                     JOIN users wu ON wu.id = w.author_id), '[]') AS "recentWhispers"
         FROM stories s JOIN users u ON u.id = s.author_id
         WHERE s.slug = $1`,
};

/** The story with its author, tags, chapters and recent whispers in one statement. */
export async function storyBySlug(db: Database, slug: string, counter?: QueryCounter | null): Promise<StoryDetail | undefined> {
  return (await db.read<StoryDetail>(STORY_BY_SLUG, [slug], counter)).rows[0];
}

// The n-plus-one lab fault: the same response assembled the way an ORM does it lazily, one
// query per related row.
const N1_STORY: Statement = {
  name: "n1-story",
  text: `SELECT ${summaryColumns}, s.visibility, ${iso("s.created_at")} AS "createdAt", ${iso("s.updated_at")} AS "updatedAt"
         FROM stories s JOIN users u ON u.id = s.author_id WHERE s.slug = $1`,
};
const N1_TAG_IDS: Statement = { name: "n1-tag-ids", text: "SELECT tag_id FROM story_tags WHERE story_id = $1" };
const N1_TAG: Statement = { name: "n1-tag", text: "SELECT name FROM tags WHERE id = $1" };
const N1_CHAPTER_IDS: Statement = { name: "n1-chapter-ids", text: "SELECT id FROM chapters WHERE story_id = $1 ORDER BY position" };
const N1_CHAPTER: Statement = { name: "n1-chapter", text: `SELECT id::text AS id, position, title, word_count AS "wordCount" FROM chapters WHERE id = $1` };
const N1_WHISPER_IDS: Statement = {
  name: "n1-whisper-ids",
  text: `SELECT id FROM whispers WHERE story_id = $1 AND scope = 'public' ORDER BY created_at DESC, id DESC LIMIT ${RECENT_WHISPERS}`,
};
const N1_WHISPER: Statement = { name: "n1-whisper", text: `SELECT id::text AS id, content, ${iso("created_at")} AS "createdAt", author_id FROM whispers WHERE id = $1` };
const N1_USER: Statement = { name: "n1-user", text: "SELECT id::text AS id, username FROM users WHERE id = $1" };

export async function storyBySlugNPlusOne(db: Database, slug: string, counter?: QueryCounter | null): Promise<StoryDetail | undefined> {
  const story = (await db.read<Omit<StoryDetail, "tags" | "chapters" | "recentWhispers">>(N1_STORY, [slug], counter)).rows[0];
  if (!story) return undefined;
  const tags: string[] = [];
  for (const { tag_id } of (await db.read<{ tag_id: number }>(N1_TAG_IDS, [story.id], counter)).rows) {
    tags.push((await db.read<{ name: string }>(N1_TAG, [tag_id], counter)).rows[0]!.name);
  }
  tags.sort();
  const chapters: ChapterSummary[] = [];
  for (const { id } of (await db.read<{ id: string }>(N1_CHAPTER_IDS, [story.id], counter)).rows) {
    chapters.push((await db.read<ChapterSummary>(N1_CHAPTER, [id], counter)).rows[0]!);
  }
  const recentWhispers: WhisperView[] = [];
  for (const { id } of (await db.read<{ id: string }>(N1_WHISPER_IDS, [story.id], counter)).rows) {
    const w = (await db.read<{ id: string; content: string; createdAt: string; author_id: string }>(N1_WHISPER, [id], counter)).rows[0]!;
    const author = (await db.read<{ id: string; username: string }>(N1_USER, [w.author_id], counter)).rows[0]!;
    recentWhispers.push({ id: w.id, content: w.content, createdAt: w.createdAt, author });
  }
  return { ...story, tags, chapters, recentWhispers };
}

/** Public stories matching the query, most liked first (see migration 002 for why not ts_rank). */
function searchStatement(slowMs: number): Statement {
  // The slow-query lab fault puts a pg_sleep inside the search statement itself, so the time is
  // spent in PostgreSQL and pg_stat_statements attributes it to this statement.
  const slow = slowMs > 0 ? `CROSS JOIN (SELECT pg_sleep(${slowMs / 1000})) AS lab_slow` : "";
  return {
    name: slowMs > 0 ? "search-stories-slow" : "search-stories",
    text: `SELECT ${summaryColumns}
           FROM stories s JOIN users u ON u.id = s.author_id CROSS JOIN websearch_to_tsquery('english', $1) AS q ${slow}
           WHERE s.visibility = 'public' AND s.search @@ q
           ORDER BY s.like_count DESC, s.id DESC
           LIMIT $2 OFFSET $3`,
  };
}

export async function searchStories(db: Database, query: string, limit: number, offset: number, opts: { slowMs?: number; counter?: QueryCounter | null } = {}): Promise<StorySummary[]> {
  return (await db.read<StorySummary>(searchStatement(opts.slowMs ?? 0), [query, limit, offset], opts.counter)).rows;
}

const ownColumns = `id::text AS id, slug, title, blurb, genre, visibility, ${iso("created_at")} AS "createdAt", ${iso("updated_at")} AS "updatedAt"`;

const MY_STORIES: Statement = {
  name: "my-stories",
  text: `SELECT ${ownColumns} FROM stories WHERE author_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
};

/** The author's own stories, newest first; from the primary, so a story just created is listed. */
export async function storiesByAuthor(db: Database, authorId: string, limit: number, counter?: QueryCounter | null): Promise<OwnStory[]> {
  return (await db.write<OwnStory>(MY_STORIES, [authorId, limit], counter)).rows;
}

const CREATE_STORY: Statement = {
  name: "create-story",
  text: `INSERT INTO stories (author_id, slug, title, blurb, genre, visibility, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 = 'private' THEN NULL ELSE now() END)
         RETURNING ${ownColumns}`,
};

export async function createStory(
  db: Database,
  authorId: string,
  story: { slug: string; title: string; blurb: string; genre: string; visibility: string },
  counter?: QueryCounter | null,
): Promise<OwnStory> {
  return (await db.write<OwnStory>(CREATE_STORY, [authorId, story.slug, story.title, story.blurb, story.genre, story.visibility], counter)).rows[0]!;
}

const UPDATE_STORY: Statement = {
  name: "update-story",
  text: `UPDATE stories SET
           title = COALESCE($3, title), blurb = COALESCE($4, blurb), genre = COALESCE($5, genre),
           visibility = COALESCE($6, visibility),
           published_at = CASE WHEN COALESCE($6, visibility) = 'private' THEN published_at ELSE COALESCE(published_at, now()) END,
           updated_at = now()
         WHERE id = $1 AND author_id = $2
         RETURNING ${ownColumns}`,
};
const STORY_AUTHOR: Statement = { name: "story-author", text: "SELECT author_id::text AS author_id, visibility FROM stories WHERE id = $1" };

export type UpdateOutcome = { kind: "updated"; story: OwnStory } | { kind: "not-found" } | { kind: "not-author" };

export async function updateStory(
  db: Database,
  storyId: string,
  authorId: string,
  patch: { title?: string; blurb?: string; genre?: string; visibility?: string },
  counter?: QueryCounter | null,
): Promise<UpdateOutcome> {
  const values = [storyId, authorId, patch.title ?? null, patch.blurb ?? null, patch.genre ?? null, patch.visibility ?? null];
  const updated = (await db.write<OwnStory>(UPDATE_STORY, values, counter)).rows[0];
  if (updated) return { kind: "updated", story: updated };
  const owner = (await db.write<{ author_id: string; visibility: string }>(STORY_AUTHOR, [storyId], counter)).rows[0];
  // Someone else's private story answers as an unknown one: its existence is private too.
  return owner && owner.visibility !== "private" ? { kind: "not-author" } : { kind: "not-found" };
}
