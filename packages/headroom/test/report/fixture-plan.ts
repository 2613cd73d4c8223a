// A whole plan's report model from fixture runs: the seed's seven profiles as short synthetic runs,
// each with a hand-written analysis, a capacity analysis, and planning computed by the planning
// part from the default infrastructure model and fixture capacity inputs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { planCapacity } from "../../src/planning/plan-capacity.js";
import { parseInfrastructure } from "../../src/planning/infrastructure.js";
import type { CapacityInputs } from "../../src/planning/types.js";
import { buildRunReportModel } from "../../src/jobs/run-report-model.js";
import { summaryOf } from "../../src/analysis/run-figures.js";
import type { PlanReportModel, SuiteRun } from "../../src/report/model/plan-report-model.js";
import { readRunStore } from "../../src/store/run-store.js";
import { fixtureAnalysis, fixtureCapacity } from "./fixture-analysis.js";
import { START_MS, writeFixtureRun } from "./fixture-run.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export const PROFILES = ["baseline", "peak", "sustained", "spike", "rate-limiting", "database-stress", "cache-performance"];

export const FIXTURE_INPUTS: CapacityInputs = {
  source: "fixture suite",
  measuredInstances: 1,
  maxRpsPerInstance: 150,
  comfortableRpsPerInstance: 105,
  maxUsersPerInstance: 150,
  comfortableUsersPerInstance: 105,
  rpsPerActiveUser: 0.5,
  cpuMsPerRequest: 6,
  idleCpuCorePct: 2,
  memoryBytesPerInstance: 221e6,
  readShare: 0.9,
  dbQueriesPerRequest: 2.5,
  dbConnectionsPeakPerInstance: 14,
  dbPoolPerInstance: 20,
  cacheWorkingSetBytes: 30e6,
  cacheHitPct: 85,
  cacheEvictionPct: 0,
  cacheOpsPerRequest: 3,
  measuredAtUsers: 100,
};

/** Writes the suite's runs under `dir` and builds the plan model; `only` limits the profiles run. */
export async function fixturePlanModel(dir: string, opts: { only?: string[]; planning?: boolean; capacity?: boolean } = {}): Promise<PlanReportModel> {
  const runs: SuiteRun[] = [];
  let seed = 20;
  for (const profile of opts.only ?? PROFILES) {
    const store = readRunStore(writeFixtureRun(join(dir, profile), { seed: seed++, name: profile, durationSec: 40, peakUsers: 40 }));
    const { summary } = summaryOf(store);
    const report = await buildRunReportModel(store, { analysis: fixtureAnalysis(store, summary) });
    runs.push({ profile, report, files: { dir: profile, md: `${profile}/report.md`, html: `${profile}/report.html` } });
  }
  const infra = parseInfrastructure(JSON.parse(readFileSync(join(ROOT, "config/infrastructure.default.json"), "utf8")), "config/infrastructure.default.json");
  const first = runs[0]?.report.manifest.host ?? { hostname: "fixture-host", platform: "linux", release: "6.1", arch: "x64", cpus: 2, cpuModel: "Fixture CPU", memBytes: 8 * 1024 ** 3, node: "v20.20.2" };
  const model: PlanReportModel = {
    platform: "MueJam",
    generatedAt: new Date(START_MS + 3_600_000).toISOString(),
    environment: {
      date: new Date(START_MS).toISOString(),
      environment: "local lab: MueJam API (1 instance) on PostgreSQL and Redis, same host as the load generator",
      machine: first,
      versions: { headroom: "0.1.0", node: "v20.20.2", postgres: "16.4", redis: "7.2.4" },
      scale: 0.1,
      target: "http://127.0.0.1:3000",
      command: "headroom plan --scale 0.1",
      appInstances: 1,
    },
    runs,
    documents: { performanceSummary: "performance-summary.md", html: "report.html", grafanaDashboard: "grafana-dashboard.json", alertRules: "alert-rules.yml" },
  };
  if (opts.capacity !== false) model.capacity = fixtureCapacity();
  if (opts.planning !== false) model.planning = planCapacity(infra, FIXTURE_INPUTS);
  return model;
}
