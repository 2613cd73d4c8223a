// A profile's `untestable` targets: named by metric id, each with its reason; anything else is a
// configuration error that names the bad key and the expected form.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { isHeadroomError } from "../../src/core/errors.js";
import { validateProfile, type Profile } from "../../src/plan/profile.js";

const MUEJAM_PROFILES = new URL("../../../../apps/backend/tests/load_tests/profiles.ts", import.meta.url);
const base: Profile = { name: "db", executor: "closed", users: 10, durationSec: 10 };

test("untestable names a target metric with a reason, or the profile is refused", () => {
  assert.deepEqual(validateProfile({ ...base, untestable: { cacheHitPct: "opens the long tail" } }).untestable, { cacheHitPct: "opens the long tail" });
  assert.throws(
    () => validateProfile({ ...base, untestable: { cacheHits: "x" } }),
    (e: unknown) => isHeadroomError(e) && e.code === "HR_CONFIG_INVALID" && /untestable names "cacheHits", which is not a target metric; expected one of .*cacheHitPct/.test(e.message),
  );
  assert.throws(
    () => validateProfile({ ...base, untestable: { cacheHitPct: " " } }),
    (e: unknown) => isHeadroomError(e) && /untestable\.cacheHitPct has no reason/.test(e.message),
  );
});

test("the MueJam suite: database-stress alone declares the cache hit rate untestable, and its profiles validate", { skip: existsSync(MUEJAM_PROFILES) ? false : "apps/backend is not present" }, async () => {
  const { profiles } = (await import(MUEJAM_PROFILES.href)) as { profiles: Record<string, Profile> };
  for (const p of Object.values(profiles)) validateProfile({ ...p });
  assert.deepEqual(
    Object.entries(profiles)
      .filter(([, p]) => p.untestable)
      .map(([name, p]) => [name, Object.keys(p.untestable!)]),
    [["database-stress", ["cacheHitPct"]]],
  );
});
