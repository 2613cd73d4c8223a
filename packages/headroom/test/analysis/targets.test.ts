import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_TARGETS_FILE } from "../../src/plan/targets-default.js";
import { buildTargets, loadTargets, validateTargetsFile } from "../../src/plan/targets.js";
import { describeBound, judge, worstVerdict } from "../../src/analysis/judge.js";
import { HeadroomError } from "../../src/core/errors.js";

const ROOT = new URL("../../../../", import.meta.url).pathname;

test("config/targets.default.json is the same data as the built-in defaults", () => {
  const file = JSON.parse(readFileSync(join(ROOT, "config/targets.default.json"), "utf8"));
  const { $comment: _c, ...rest } = file;
  assert.deepEqual(rest, JSON.parse(JSON.stringify(DEFAULT_TARGETS_FILE)));
  validateTargetsFile(file);
});

test("defaults follow the seed and MUEJAM.md per level", () => {
  const t = buildTargets();
  assert.deepEqual(t.levels.normal.p95Ms, { direction: "max", target: 500, acceptable: 1000, unacceptable: 1000, unit: "ms" });
  assert.equal(t.levels.peak.errorPct!.target, 1);
  assert.equal(t.levels.sustained.errorPct!.unacceptable, 1);
  assert.equal(t.levels.peak.queryLatencyMs!.target, 100);
  assert.equal(t.levels.sustained.queryLatencyMs!.target, 50);
  assert.equal(t.levels.peak.cacheHitPct!.direction, "min");
  assert.equal(t.levels.peak.dbConnections!.target, 95);
  assert.equal(t.levels.sustained.dbConnections, undefined);
  assert.equal(t.levels.normal.rps!.perUser, true);
});

test("judge places values in tiers; a value on the bound meets it", () => {
  const b = { direction: "max" as const, target: 0.1, acceptable: 0.5, unacceptable: 1, unit: "%" };
  assert.deepEqual(judge(0.1, b), { verdict: "PASS", tier: "target" });
  assert.deepEqual(judge(0.3, b), { verdict: "WARN", tier: "acceptable" });
  assert.deepEqual(judge(0.7, b), { verdict: "FAIL", tier: "degraded" });
  assert.deepEqual(judge(2, b), { verdict: "FAIL", tier: "unacceptable" });
  const hit = { direction: "min" as const, target: 70, acceptable: 70, unacceptable: 70, unit: "%" };
  assert.equal(judge(71, hit).verdict, "PASS");
  assert.equal(judge(69, hit).verdict, "FAIL");
  assert.equal(describeBound(b), "< 0.1% (acceptable < 0.5%)");
  assert.equal(worstVerdict(["PASS", "NOT_MEASURED", "WARN"]), "WARN");
  assert.equal(worstVerdict(["NOT_MEASURED"]), "NOT_MEASURED");
});

test("a user file overrides single metrics, removes with null, and keeps the rest", () => {
  const dir = mkdtempSync(join(tmpdir(), "targets-"));
  const path = join(dir, "t.json");
  writeFileSync(path, JSON.stringify({ levels: { peak: { p95Ms: { target: 300, acceptable: 600 }, cacheHitPct: null } } }));
  const t = loadTargets(path);
  assert.equal(t.levels.peak.p95Ms!.target, 300);
  assert.equal(t.levels.peak.cacheHitPct, undefined);
  assert.equal(t.levels.normal.p95Ms!.target, 500);
  assert.match(t.source, /defaults \+ .*t\.json/);
});

test("bad targets files fail with the key, the value and the expected form", () => {
  const bad = (raw: unknown): HeadroomError => {
    try {
      validateTargetsFile(raw, "t.json");
    } catch (e) {
      assert.ok(e instanceof HeadroomError);
      assert.equal(e.code, "HR_CONFIG_INVALID");
      return e;
    }
    assert.fail("expected an error");
  };
  assert.match(bad({ levels: { peak: { p96Ms: { target: 1, acceptable: 2 } } } }).message, /levels\.peak/);
  assert.match(bad({ levels: { normal: { p95Ms: { target: 900, acceptable: 500 } } } }).message, /p95Ms.*out of order.*target <= acceptable/);
  assert.match(bad({ levels: { normal: { cacheHitPct: { target: 50, acceptable: 70 } } } }).message, /higher is better/);
  assert.match(bad({ levels: { normal: { p50Ms: { target: "fast", acceptable: 2 } } } }).message, /p50Ms\.target/);
  assert.match(bad({ levels: { busy: {} } }).message, /levels/);
  const dir = mkdtempSync(join(tmpdir(), "targets-"));
  writeFileSync(join(dir, "x.json"), "{ nope");
  assert.throws(() => loadTargets(join(dir, "x.json")), /not valid JSON/);
  assert.throws(() => loadTargets(join(dir, "missing.json")), /does not exist/);
});
