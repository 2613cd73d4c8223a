// Reads and writes around a user: profile, library shelves, whispers, and the existence check a
// session makes on a token's first use.
import type { Database, QueryCounter, Statement } from "../db/database.js";
import { iso } from "./story-queries.js";

export interface Profile {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  createdAt: string;
  stats: { stories: number; whispers: number; shelves: number };
}

export interface Shelf {
  id: string;
  name: string;
  createdAt: string;
  items: { id: string; slug: string; title: string; genre: string; addedAt: string }[];
}

export interface CreatedWhisper {
  id: string;
  content: string;
  scope: string;
  storyId: string | null;
  createdAt: string;
  /** The story's slug, so its cached view can be invalidated; not part of the response. */
  storySlug: string | null;
}

const USER_EXISTS: Statement = { name: "user-exists", text: "SELECT 1 FROM users WHERE id = $1" };

export async function userExists(db: Database, userId: string, counter?: QueryCounter | null): Promise<boolean> {
  return ((await db.read(USER_EXISTS, [userId], counter)).rowCount ?? 0) > 0;
}

const PROFILE: Statement = {
  name: "profile",
  text: `SELECT u.id::text AS id, u.username, u.display_name AS "displayName", u.bio, ${iso("u.created_at")} AS "createdAt",
           json_build_object(
             'stories', (SELECT count(*) FROM stories WHERE author_id = u.id),
             'whispers', (SELECT count(*) FROM whispers WHERE author_id = u.id),
             'shelves', (SELECT count(*) FROM shelves WHERE user_id = u.id)) AS stats
         FROM users u WHERE u.id = $1`,
};

export async function profileById(db: Database, userId: string, counter?: QueryCounter | null): Promise<Profile | undefined> {
  return (await db.read<Profile>(PROFILE, [userId], counter)).rows[0];
}

const SHELVES: Statement = {
  name: "shelves",
  text: `SELECT sh.id::text AS id, sh.name, ${iso("sh.created_at")} AS "createdAt",
           COALESCE((SELECT json_agg(json_build_object('id', s.id::text, 'slug', s.slug, 'title', s.title, 'genre', s.genre, 'addedAt', ${iso("si.added_at")})
                                     ORDER BY si.added_at DESC, s.id)
                     FROM shelf_items si JOIN stories s ON s.id = si.story_id WHERE si.shelf_id = sh.id), '[]') AS items
         FROM shelves sh WHERE sh.user_id = $1 ORDER BY sh.name`,
};

export async function shelvesOf(db: Database, userId: string, counter?: QueryCounter | null): Promise<Shelf[]> {
  return (await db.read<Shelf>(SHELVES, [userId], counter)).rows;
}

// A whisper about a story is stored only when its author may see the story (public, unlisted, or
// their own private one): one statement, so a story made private meanwhile cannot slip through.
const CREATE_WHISPER: Statement = {
  name: "create-whisper",
  text: `WITH w AS (
           INSERT INTO whispers (author_id, story_id, content, scope)
           SELECT $1::bigint, $2::bigint, $3, $4
           WHERE $2::bigint IS NULL OR EXISTS (SELECT 1 FROM stories WHERE id = $2::bigint AND (visibility <> 'private' OR author_id = $1::bigint))
           RETURNING *)
         SELECT w.id::text AS id, w.content, w.scope, w.story_id::text AS "storyId", ${iso("w.created_at")} AS "createdAt", s.slug AS "storySlug"
         FROM w LEFT JOIN stories s ON s.id = w.story_id`,
};

/** The whisper, or undefined when it names a story its author may not see (or that does not exist). */
export async function createWhisper(db: Database, authorId: string, whisper: { content: string; scope: string; storyId?: string }, counter?: QueryCounter | null): Promise<CreatedWhisper | undefined> {
  return (await db.write<CreatedWhisper>(CREATE_WHISPER, [authorId, whisper.storyId ?? null, whisper.content, whisper.scope], counter)).rows[0];
}
