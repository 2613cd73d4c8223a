// Fills the database with a deterministic, realistic-looking data set, generated inside
// PostgreSQL with INSERT ... SELECT over generate_series (one statement per table, no per-row
// round trips): 10,000 users and 50,000 stories with chapters seed in a few seconds.
import pg from "pg";

export interface SeedSize {
  users: number;
  stories: number;
}

export const DEFAULT_SEED: SeedSize = { users: 10_000, stories: 50_000 };
export const GENRES = ["fantasy", "romance", "adventure", "mystery", "scifi", "horror", "thriller", "drama", "comedy", "poetry"] as const;
const TAGS = [
  "slow-burn", "found-family", "enemies-to-lovers", "magic", "space", "detective", "dragons", "time-travel", "heist", "ghosts",
  "coming-of-age", "dystopia", "pirates", "royalty", "small-town", "vampires", "robots", "quest", "academy", "folklore",
  "noir", "road-trip", "survival", "epistolary",
];
const ADJECTIVES = ["Silent", "Crimson", "Hidden", "Last", "Broken", "Golden", "Distant", "Wild", "Forgotten", "Burning", "Glass", "Midnight", "Hollow", "Endless", "Secret", "Iron", "Quiet", "Falling", "Northern", "Paper"];
const NOUNS = ["Dragon", "Garden", "Letter", "Kingdom", "Harbor", "Star", "Witness", "Orchard", "Signal", "Crown", "Lantern", "River", "Archive", "Compass", "Tide", "Engine", "Mirror", "Forest", "Cipher", "Voyage"];
const FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Juno", "Kai", "Lena", "Milo", "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tess"];
const LAST = ["Alder", "Brook", "Castell", "Dune", "Ember", "Frost", "Grove", "Hale", "Ives", "Jensen", "Kaur", "Lind", "Moss", "Novak", "Orr", "Park", "Reyes", "Stone", "Tran", "Vale"];

export interface SeedResult {
  seeded: boolean;
  /** Rows in users and stories after the call (existing data when nothing was seeded). */
  users: number;
  stories: number;
  durationMs: number;
}

function sqlArray(values: readonly string[]): string {
  return `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`;
}

/** Seeds when the database has no users (or always with `reset`, after emptying it). Safe to re-run. */
export async function seedDatabase(databaseUrl: string, size: SeedSize = DEFAULT_SEED, opts: { reset?: boolean } = {}): Promise<SeedResult> {
  if (!Number.isInteger(size.users) || size.users < 1 || !Number.isInteger(size.stories) || size.stories < 0) {
    throw new Error(`seed size users=${size.users} stories=${size.stories} is invalid; expected users >= 1 and stories >= 0, whole numbers`);
  }
  const t0 = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "muejam-seed" });
  await client.connect();
  try {
    const count = async (): Promise<{ users: number; stories: number }> => {
      const r = await client.query<{ users: string; stories: string }>("SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM stories) AS stories");
      return { users: Number(r.rows[0]!.users), stories: Number(r.rows[0]!.stories) };
    };
    if (!opts.reset) {
      const existing = await count();
      if (existing.users > 0) return { seeded: false, ...existing, durationMs: Date.now() - t0 };
    }
    await client.query("BEGIN");
    try {
      if (opts.reset) await client.query("TRUNCATE users, stories, chapters, whispers, shelves, shelf_items, tags, story_tags RESTART IDENTITY CASCADE");
      for (const statement of seedStatements(size)) await client.query(statement);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK");
      throw err;
    }
    await client.query("ANALYZE users, stories, chapters, whispers, shelves, shelf_items, tags, story_tags");
    return { seeded: true, ...(await count()), durationMs: Date.now() - t0 };
  } finally {
    await client.end();
  }
}

// Every pseudo-random choice is arithmetic on the row number, so a seed is the same every time.
function seedStatements({ users: U, stories: S }: SeedSize): string[] {
  const genres = sqlArray(GENRES);
  return [
    `INSERT INTO users (id, username, display_name, email, bio, created_at)
     SELECT i, 'reader' || lpad(i::text, 6, '0'),
            (${sqlArray(FIRST)})[1 + i % 20] || ' ' || (${sqlArray(LAST)})[1 + (i / 20) % 20],
            'reader' || i || '@muejam.test',
            'Reads ' || (${genres})[1 + i % 10] || ' and ' || (${genres})[1 + (i * 7) % 10] || '.',
            now() - ((i * 7919) % 1000) * interval '1 day'
     FROM generate_series(1, ${U}) AS i`,
    `INSERT INTO tags (id, name) SELECT i, (${sqlArray(TAGS)})[i] FROM generate_series(1, ${TAGS.length}) AS i`,
    `INSERT INTO stories (id, author_id, slug, title, blurb, genre, visibility, like_count, created_at, updated_at, published_at)
     SELECT i, 1 + (i * 7919) % ${U},
            lower(t.adj || '-' || t.noun) || '-' || i,
            'The ' || t.adj || ' ' || t.noun,
            CASE WHEN t.genre ~ '^[aeiou]' THEN 'An ' ELSE 'A ' END || t.genre || ' story of the ' || lower(t.adj) || ' ' || lower(t.noun) || ', told across ' || (1 + i % 5) || CASE WHEN i % 5 = 0 THEN ' chapter. ' ELSE ' chapters. ' END
              || 'Readers of ' || (${genres})[1 + (i * 3) % 10] || ' will find ' || lower((${sqlArray(NOUNS)})[1 + (i * 11) % 20]) || 's and ' || lower((${sqlArray(ADJECTIVES)})[1 + (i * 5) % 20]) || ' secrets.',
            t.genre,
            CASE WHEN i % 20 = 0 THEN 'private' WHEN i % 10 = 5 THEN 'unlisted' ELSE 'public' END,
            floor(2000 * power(((i::bigint * 104729) % 10007) / 10007.0, 6))::int,
            t.published, t.published, t.published
     FROM generate_series(1, ${S}) AS i,
          LATERAL (SELECT (${sqlArray(ADJECTIVES)})[1 + (i * 13) % 20] AS adj, (${sqlArray(NOUNS)})[1 + (i * 17 + i / 20) % 20] AS noun,
                          (${genres})[1 + i % 10] AS genre, now() - ((i * 7919) % 129600) * interval '1 minute' AS published) AS t`,
    `INSERT INTO chapters (story_id, position, title, body, word_count, created_at)
     SELECT s.id, p, 'Chapter ' || p,
            repeat('The ' || lower(s.title) || ' waited while the tide turned and the lanterns burned low. ', (4 + (s.id + p) % 5)::int),
            12 * (4 + (s.id + p) % 5), s.created_at + p * interval '1 day'
     FROM stories s, generate_series(1, 1 + (s.id % 5)::int) AS p`,
    `INSERT INTO story_tags (story_id, tag_id)
     SELECT s.id, 1 + (s.id * 3 + k * 5) % ${TAGS.length} FROM stories s, generate_series(1, 2) AS k`,
    `INSERT INTO whispers (author_id, story_id, content, scope, created_at)
     SELECT 1 + (s.id * 31 + k * 7) % ${U}, s.id,
            (ARRAY['Loved this chapter!', 'That ending though.', 'Waiting for the next part.', 'The world-building is wonderful.', 'Could not put it down.'])[1 + (s.id + k) % 5],
            'public', s.published_at + k * interval '1 hour'
     FROM stories s, generate_series(1, 2) AS k WHERE s.visibility = 'public'`,
    `INSERT INTO whispers (author_id, content, scope, created_at)
     SELECT u.id, 'Currently reading something ' || (${genres})[1 + u.id % 10] || '.', 'public', u.created_at + interval '1 day' FROM users u`,
    `INSERT INTO shelves (user_id, name, created_at)
     SELECT u.id, n.name, u.created_at FROM users u, unnest(ARRAY['Currently reading', 'Favorites']) AS n(name)`,
    ...(S > 0
      ? [`INSERT INTO shelf_items (shelf_id, story_id, added_at)
     SELECT sh.id, 1 + (sh.id * 131 + k * 977) % ${S}, sh.created_at + k * interval '1 hour'
     FROM shelves sh, generate_series(1, 3) AS k ON CONFLICT DO NOTHING`]
      : []),
    // Rows were inserted with explicit ids: move the identity sequences past them.
    ...["users", "stories", "tags"].map((t) => `SELECT setval(pg_get_serial_sequence('${t}', 'id'), GREATEST((SELECT max(id) FROM ${t}), 1))`),
  ];
}
