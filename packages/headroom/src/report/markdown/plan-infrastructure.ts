// capacity-plan.md's "## Current Infrastructure": the infrastructure model's tiers, with what was measured beside them.
import type { RunAnalysis } from "../../analysis/types.js";
import { formatInt, formatNumber } from "../format.js";
import type { PlanReportModel } from "../model/plan-report-model.js";
import { NO_PLANNING, instanceSize, planFigure } from "./plan-figure.js";

export function infrastructureSection(model: PlanReportModel, a: RunAnalysis | undefined): string[] {
  const p = model.planning;
  const i = p?.infrastructure;
  const cur = i?.currency ?? "USD";
  const tested = model.environment.appInstances !== undefined ? `; the tests ran against ${model.environment.appInstances} instance(s)` : "";
  const fromModel = "infrastructure model";
  const maxConn = a?.components.database.maxConnections;
  const policy = a?.cache.policy;
  return [
    "## Current Infrastructure",
    "",
    "### Application Tier",
    `- **Instances**: ${i ? `${i.app.minInstances} minimum, ${i.app.maxInstances} maximum (${fromModel}${tested})` : NO_PLANNING}`,
    `- **Instance Type**: ${i ? instanceSize(i.app.size, cur) : NO_PLANNING}`,
    `- **CPU**: ${i ? `${i.app.size.vcpus} cores per instance (${fromModel})` : NO_PLANNING}`,
    `- **Memory**: ${i ? `${formatNumber(i.app.size.memoryGb, 3)} GB per instance (${fromModel})` : NO_PLANNING}`,
    `- **Workers**: ${i ? `${i.app.workersPerInstance} per instance (${fromModel}; usable cores ${planFigure(p?.growth.perInstance.usableCores)})` : NO_PLANNING}`,
    "",
    "### Database Tier",
    `- **Type**: PostgreSQL${model.environment.versions.postgres ? ` ${model.environment.versions.postgres} (tested)` : ""}`,
    `- **Instance Type**: ${i ? instanceSize(i.database.size, cur) : NO_PLANNING}`,
    `- **Connection Pool**: 20-50 connections per app instance${i ? ` (infrastructure model: ${i.database.poolPerInstance})` : ""}${a?.components.database.poolSize !== undefined ? `; the tested API's pool ${a.components.database.poolSize}, at most ${a.components.database.poolMaxInUse ?? "an unknown number"} in use` : ""}`,
    `- **Max Connections**: ${maxConn !== undefined ? `${formatInt(maxConn)} (measured: telemetry postgres.max_connections)` : i ? `${i.database.maxConnections} (${fromModel}; not measured: no PostgreSQL telemetry)` : NO_PLANNING} (PostgreSQL default: 100)`,
    `- **Read Replicas**: ${i ? `${i.database.replicas} (${fromModel}, up to ${i.database.maxReplicas}); ${p!.current.replicas.recommendation}` : NO_PLANNING}`,
    "",
    "### Cache Tier",
    `- **Type**: Redis${model.environment.versions.redis ? ` ${model.environment.versions.redis} (tested)` : ""}`,
    `- **Instance Type**: ${i ? instanceSize(i.cache.size, cur) : NO_PLANNING}`,
    `- **Memory**: ${i ? `${formatNumber(i.cache.size.memoryGb, 3)} GB (${fromModel})` : NO_PLANNING}`,
    `- **Eviction Policy**: ${policy ?? i?.cache.evictionPolicy ?? "allkeys-lru"}${policy ? " (measured: Redis maxmemory_policy)" : " (configured; not measured: no Redis telemetry)"}`,
    "",
    "### Load Balancer",
    `- **Type**: ${i ? `${i.loadBalancer.type} (${fromModel}; the lab runs without one)` : NO_PLANNING}`,
    `- **Health Check**: ${i?.loadBalancer.healthCheckPath ?? "/health"} endpoint`,
    `- **Timeout**: ${i?.loadBalancer.timeoutSec ?? 30}s`,
    "",
  ];
}
