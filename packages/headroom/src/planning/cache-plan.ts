// Redis sizing: the working set measured under test, scaled linearly with concurrent users (an
// assumption stated in the figure), must stay under the memory target of a node; the command
// rate must stay under one node's capacity. When no configured node fits either, Redis Cluster is due.
import { figure, fmt, unknownFigure } from "./figure.js";
import type { CachePlan, CapacityInputs, InfrastructureModel, InstanceSize } from "./types.js";

const GIB = 1024 ** 3;

export function cachePlan(infra: InfrastructureModel, inputs: CapacityInputs, at: { users: number; rps: number }): CachePlan {
  const c = infra.cache;
  const measured = inputs.cacheWorkingSetBytes;
  const atUsers = inputs.measuredAtUsers;
  let workingSetBytes;
  if (measured === undefined) {
    workingSetBytes = unknownFigure("bytes", "measured_working_set x users / measured_at_users", { measured_working_set: null, users: at.users, measured_at_users: atUsers ?? null }, ["measured_working_set"]);
  } else if (atUsers === undefined || atUsers <= 0) {
    workingSetBytes = figure(measured, "bytes", "measured_working_set", { measured_working_set: measured }, `${fmt(measured / 2 ** 20, 1)} MiB (users at measurement unknown: not scaled)`, "not scaled with users: measured_at_users not recorded");
  } else {
    const v = (measured * at.users) / atUsers;
    workingSetBytes = figure(v, "bytes", "measured_working_set x users / measured_at_users", { measured_working_set: measured, users: at.users, measured_at_users: atUsers }, `${fmt(measured / 2 ** 20, 1)} MiB x ${fmt(at.users, 0)} / ${fmt(atUsers, 0)} = ${fmt(v / 2 ** 20, 1)} MiB`, "assumes the working set grows in proportion to concurrent users");
  }
  const ws = workingSetBytes.value;
  const memoryNeededBytes =
    ws === null
      ? unknownFigure("bytes", "working_set / (memory_target_pct / 100)", { working_set: null, memory_target_pct: c.memoryTargetPct }, ["working_set"])
      : figure(ws / (c.memoryTargetPct / 100), "bytes", "working_set / (memory_target_pct / 100)", { working_set: ws, memory_target_pct: c.memoryTargetPct }, `${fmt(ws / 2 ** 20, 1)} MiB / ${c.memoryTargetPct / 100} = ${fmt(ws / (c.memoryTargetPct / 100) / 2 ** 20, 1)} MiB`);
  const memoryUsePct =
    ws === null
      ? unknownFigure("%", "working_set / node_memory x 100", { working_set: null, node_memory_gib: c.size.memoryGb }, ["working_set"])
      : figure((ws / (c.size.memoryGb * GIB)) * 100, "%", "working_set / node_memory x 100", { working_set: ws, node_memory_gib: c.size.memoryGb }, `${fmt(ws / 2 ** 20, 1)} MiB / ${c.size.memoryGb} GiB x 100 = ${fmt((ws / (c.size.memoryGb * GIB)) * 100, 2)}`);
  const opr = inputs.cacheOpsPerRequest;
  const ops = opr === undefined ? null : at.rps * opr;
  const opsPerSec =
    ops === null
      ? unknownFigure("commands/s", "rps x cache_ops_per_request", { rps: at.rps, cache_ops_per_request: null }, ["cache_ops_per_request"])
      : figure(ops, "commands/s", "rps x cache_ops_per_request", { rps: at.rps, cache_ops_per_request: opr }, `${fmt(at.rps)} x ${fmt(opr!, 3)} = ${fmt(ops)}`);
  const ev = inputs.cacheEvictionPct;
  const evictionPct =
    ev === undefined
      ? unknownFigure("%", "evicted_keys / keys_written x 100", { eviction_pct: null, target_pct: c.evictionTargetPct }, ["eviction_pct"])
      : figure(ev, "%", "evicted_keys / keys_written x 100 (measured)", { eviction_pct: ev, target_pct: c.evictionTargetPct }, `${fmt(ev, 3)} % (target < ${c.evictionTargetPct} %)`, inputs.sources?.cacheEvictionPct);

  const nodes: InstanceSize[] = [c.size, ...c.upgradePath];
  const need = memoryNeededBytes.value;
  const opsFit = ops === null || ops <= c.maxOpsPerSecPerNode;
  const nodeSize = need === null ? (opsFit ? c.size : null) : opsFit ? (nodes.find((n) => n.memoryGb * GIB >= need) ?? null) : null;
  const clusterDue = need === null && ops === null ? null : nodeSize === null;
  const parts: string[] = [];
  if (clusterDue) {
    parts.push(
      !opsFit
        ? `Redis Cluster: ${fmt(ops!)} commands/s exceed one node's ${c.maxOpsPerSecPerNode}/s`
        : `Redis Cluster: ${fmt(need! / GIB, 2)} GiB needed exceeds the largest node (${nodes[nodes.length - 1]!.type}, ${nodes[nodes.length - 1]!.memoryGb} GiB)`,
    );
  } else if (nodeSize && nodeSize !== c.size) {
    parts.push(`grow the cache node to ${nodeSize.type} (${nodeSize.memoryGb} GiB) to keep the working set under ${c.memoryTargetPct} %`);
  } else if (need !== null) {
    parts.push(`${c.size.type} (${c.size.memoryGb} GiB) holds the working set under ${c.memoryTargetPct} %`);
  } else {
    parts.push("working set not measured: size the cache after a run with Redis telemetry");
  }
  if (ev !== undefined && ev >= c.evictionTargetPct) parts.push(`eviction rate ${fmt(ev, 2)} % is at or above the ${c.evictionTargetPct} % target: add memory (or shorten TTLs)`);
  if (c.evictionPolicy !== "allkeys-lru") parts.push(`eviction policy is ${c.evictionPolicy}; the capacity plan template uses allkeys-lru for a cache`);
  return { workingSetBytes, memoryNeededBytes, memoryUsePct, nodeSize, evictionPct, opsPerSec, clusterDue, recommendation: parts.join("; ") };
}
