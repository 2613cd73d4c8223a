// The plan's documents, byte for byte. A plan is rebuilt from fixed inputs (three seeded fixture
// run stores, the seven-profile suite's recorded breaking-point search, the default targets and
// infrastructure, fixed dates) and every file buildPlanDocuments returns is compared with the copy
// kept in test/report/golden/plan/. A refactor that is meant to change nothing must leave them
// identical; a change that is meant to alter a document regenerates them on purpose:
//   HEADROOM_UPDATE_GOLDEN=1 node --import tsx --test packages/headroom/test/report/plan-golden.test.ts
// and the diff of test/report/golden/ shows, line by line, what the change did to the documents.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { sloFromTargets } from "../../src/analysis/slo.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { buildTargets } from "../../src/plan/targets.js";
import { parseInfrastructure } from "../../src/planning/infrastructure.js";
import { DEFAULT_ALERT_THRESHOLDS } from "../../src/report/ops/alert-rules.js";
import type { PlanSearch } from "../../src/report/model/plan-report-model.js";
import { readRunStore } from "../../src/store/run-store.js";
import { buildPlanDocuments, type PlanDocuments } from "../../src/jobs/plan-documents.js";
import type { SuiteRunResult } from "../../src/jobs/run-suite.js";
import { fixtureAnalysis } from "./fixture-analysis.js";
import { writeFixtureRun } from "./fixture-run.js";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden", "plan");
const UPDATE = process.env.HEADROOM_UPDATE_GOLDEN === "1";
let dir: string;
let docs: PlanDocuments;

before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-golden-"));
  const runs: SuiteRunResult[] = ["baseline", "peak", "sustained"].map((name, i) => {
    const runDir = join(dir, name);
    const store = readRunStore(writeFixtureRun(runDir, { seed: 60 + i, name, durationSec: 30, peakUsers: 20 + 10 * i }));
    return { test: { name, profile: { name, executor: "closed", durationSec: 30, users: 20 + 10 * i }, loadLevel: "normal" }, dir: runDir, store, summary: store.summary!, analysis: fixtureAnalysis(store, store.summary!) } as SuiteRunResult;
  });
  const search = JSON.parse(readFileSync(new URL("./fixtures/plan-search.json", import.meta.url), "utf8")) as PlanSearch;
  const targets = buildTargets();
  const infrastructure = parseInfrastructure(JSON.parse(readFileSync(new URL("../../../../config/infrastructure.default.json", import.meta.url), "utf8")), "config/infrastructure.default.json");
  const environment = { date: "2026-11-27T10:00:00.000Z", environment: "recorded lab plan", machine: runs[0]!.store.manifest.host, versions: { headroom: "0.1.0" }, scale: 0.03, target: "http://127.0.0.1:3000", command: "headroom plan", appInstances: 1 };
  docs = await buildPlanDocuments({ runs, outDir: dir, environment, infrastructure, slo: sloFromTargets(targets, "normal"), targets, alertThresholds: DEFAULT_ALERT_THRESHOLDS, instances: 1, generatedAt: "2026-11-27T11:00:00.000Z", search });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function goldenFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split("\\").join("/"));
    }
  };
  walk(root);
  return out.sort();
}

/** The documents mention the temporary folder they were built in; the golden copies say <out>. */
const stable = (text: string): string => text.split(dir).join("<out>");

test("the plan's documents are byte-identical to the golden copies", () => {
  const built = [...docs.files.keys()].sort();
  if (UPDATE) {
    rmSync(GOLDEN, { recursive: true, force: true });
    for (const name of built) {
      mkdirSync(dirname(join(GOLDEN, name)), { recursive: true });
      writeFileSync(join(GOLDEN, name), stable(docs.files.get(name)!));
    }
  }
  assert.deepEqual(built, goldenFiles(GOLDEN), "the set of documents changed");
  for (const name of built) {
    const want = readFileSync(join(GOLDEN, name), "utf8");
    const got = stable(docs.files.get(name)!);
    if (got === want) continue;
    const a = got.split("\n");
    const b = want.split("\n");
    const i = a.findIndex((line, k) => line !== b[k]);
    assert.fail(`${name} differs from its golden copy at line ${i + 1}:\n  built:  ${a[i]?.slice(0, 300)}\n  golden: ${b[i]?.slice(0, 300)}\n(regenerate on purpose with HEADROOM_UPDATE_GOLDEN=1)`);
  }
});
