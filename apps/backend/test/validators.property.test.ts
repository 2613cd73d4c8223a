// Property-based tests (fast-check, pinned) of the input rules and of the routes' validators: for
// any JSON value the NUL and non-finite finders point at exactly the offending value; for any
// whisper body and any trending `limit`, the API's answer is the one a plain reference predicate
// gives (accepted, or 400 naming the field), never a 500, and what it stores is what was sent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { build, type MueJamApp } from "../src/app.js";
import { signToken } from "../src/auth/tokens.js";
import { findNonFinite, findNul } from "../src/input-rules.js";
import { bearer, createTestDatabase, TEST_SECRET, type TestDatabase } from "./helpers.js";

const RUNS = 150;

/** The value at a dotted path ("a.0.b"), as the finders report it. */
function at(value: unknown, path: string): unknown {
  if (path === "") return value;
  return path.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], value);
}

const hasNul = (v: unknown): boolean =>
  typeof v === "string" ? v.includes("\u0000") : Array.isArray(v) ? v.some(hasNul) : v !== null && typeof v === "object" ? Object.entries(v).some(([k, x]) => k.includes("\u0000") || hasNul(x)) : false;
const hasNonFinite = (v: unknown): boolean =>
  typeof v === "number" ? !Number.isFinite(v) : Array.isArray(v) ? v.some(hasNonFinite) : v !== null && typeof v === "object" ? Object.values(v).some(hasNonFinite) : false;

// Keys without dots or NULs, so a reported path can be walked back; NULs go into values.
const key = fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !k.includes(".") && !k.includes("\u0000") && k !== "__proto__");
const text = fc.oneof(fc.string(), fc.string().map((s) => `${s}\u0000${s}`));
const number = fc.oneof(fc.double(), fc.constantFrom(Infinity, -Infinity, NaN, 1e308), fc.integer());
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, text, number, fc.boolean(), fc.constant(null), fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(key, tie("node"), { maxKeys: 4 })),
})).node;

describe("input rules", () => {
  it("findNul reports a value iff one holds a NUL, and its path leads to a string holding one", () => {
    fc.assert(
      fc.property(value, (v) => {
        const found = findNul(v);
        assert.equal(found !== undefined, hasNul(v));
        if (found) assert.ok(String(at(v, found.field)).includes("\u0000"));
      }),
      { numRuns: 500 },
    );
  });

  it("findNonFinite reports a value iff one is NaN or infinite, and its path leads to it", () => {
    fc.assert(
      fc.property(value, (v) => {
        const found = findNonFinite(v);
        assert.equal(found !== undefined, hasNonFinite(v));
        if (found) assert.ok(!Number.isFinite(at(v, found.field) as number));
      }),
      { numRuns: 500 },
    );
  });
});

describe("the API's validators", () => {
  let db: TestDatabase;
  let app: MueJamApp;
  const headers = { ...bearer(signToken(TEST_SECRET, "3")), "content-type": "application/json" };

  before(async () => {
    db = await createTestDatabase({ users: 10, stories: 20 });
    app = build({ databaseUrl: db.url, tokenSecret: TEST_SECRET, rateLimits: false });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await db?.drop();
  });

  const anything = fc.oneof(fc.string({ maxLength: 600 }), text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.double());
  const whisperBody = fc.record(
    { content: fc.oneof(anything, fc.string({ minLength: 1, maxLength: 40 })), scope: fc.oneof(anything, fc.constantFrom("public", "followers", "private")) },
    { requiredKeys: [] },
  );

  it("POST /api/whispers: accepted exactly when the reference predicate says so, else 400 naming the field; never 500", async () => {
    await fc.assert(
      fc.asyncProperty(whisperBody, async (body) => {
        const c = body.content;
        const contentOk = typeof c === "string" && [...c].length >= 1 && [...c].length <= 500 && /\S/.test(c) && !c.includes("\u0000");
        const scopeOk = !("scope" in body) || (typeof body.scope === "string" && ["public", "followers", "private"].includes(body.scope));
        const res = await app.inject({ method: "POST", url: "/api/whispers", headers, payload: JSON.stringify(body) });
        if (contentOk && scopeOk) {
          assert.equal(res.statusCode, 201, res.body);
          const [row] = await db.query<{ content: string; scope: string }>("SELECT content, scope FROM whispers WHERE id = $1", [res.json().id]);
          assert.deepEqual(row, { content: c, scope: "scope" in body ? body.scope : "public" });
        } else {
          assert.equal(res.statusCode, 400, res.body);
          assert.equal(res.json().error, "bad_request");
          const invalid = [...(contentOk ? [] : ["content"]), ...(scopeOk ? [] : ["scope"])];
          assert.ok(invalid.includes(res.json().field), `field ${res.json().field} is not one of the invalid ${invalid.join(", ")}: ${res.body}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("GET /api/discovery/trending?limit=: 200 exactly for a whole number 1-50, else 400 naming limit; never 500", async () => {
    const limit = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -100, max: 100 }).map(String), fc.double().map(String), fc.constantFrom("Infinity", "1e309", "-1e309", "NaN", "5\u0000", "1e1", " 7", "0x10"));
    await fc.assert(
      fc.asyncProperty(limit, async (s) => {
        const n = Number(s);
        const ok = s !== "" && Number.isInteger(n) && n >= 1 && n <= 50;
        const res = await app.inject({ url: `/api/discovery/trending?limit=${encodeURIComponent(s)}` });
        assert.equal(res.statusCode, ok ? 200 : 400, `${JSON.stringify(s)}: ${res.body}`);
        if (ok) assert.equal(res.json().results.length, Math.min(n, res.json().results.length));
        else assert.equal(res.json().field, "limit");
      }),
      { numRuns: RUNS },
    );
  });
});
