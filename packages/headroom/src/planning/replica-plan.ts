// Read replicas: the seed adds 1-2 when reads exceed 70 % of traffic. Beyond the trigger, the
// statement rate at the projected load says how many nodes the reads need: the primary keeps the
// writes, each replica carries up to the per-node statement capacity of the infrastructure model.
import { figure, fmt, unknownFigure } from "./figure.js";
import type { CapacityInputs, InfrastructureModel, ReplicaPlan } from "./types.js";

export function replicaPlan(infra: InfrastructureModel, inputs: CapacityInputs, rps: number): ReplicaPlan {
  const db = infra.database;
  const trigger = db.replicaReadShareTrigger;
  const share = inputs.readShare;
  const readShare =
    share === undefined
      ? unknownFigure("%", "read_requests / all_requests x 100", { read_share: null }, ["read_share"])
      : figure(share * 100, "%", "read_requests / all_requests x 100", { read_share: share, trigger_pct: trigger * 100 }, `${fmt(share * 100, 1)} % (trigger ${fmt(trigger * 100)} %)`, inputs.sources?.readShare);
  const triggered = share === undefined ? null : share > trigger;
  const qpr = inputs.dbQueriesPerRequest;
  const qps = qpr === undefined ? null : rps * qpr;
  const queriesPerSec =
    qps === null
      ? unknownFigure("statements/s", "rps x db_queries_per_request", { rps, db_queries_per_request: null }, ["db_queries_per_request"])
      : figure(qps, "statements/s", "rps x db_queries_per_request", { rps, db_queries_per_request: qpr }, `${fmt(rps)} x ${fmt(qpr!, 3)} = ${fmt(qps)}`);
  const cap = db.maxQueriesPerSecPerNode;
  const formula = "max(triggered ? 1 : 0, ceil((statements_per_sec - node_capacity) / node_capacity)) when statements exceed one node, read share permitting";
  let replicasNeeded;
  let recommendation: string;
  if (qps === null || share === undefined) {
    const missing = [...(qps === null ? ["db_queries_per_request"] : []), ...(share === undefined ? ["read_share"] : [])];
    replicasNeeded = unknownFigure("replicas", formula, { statements_per_sec: qps, node_capacity: cap, read_share: share ?? null }, missing);
    recommendation = triggered ? `reads are ${fmt(share! * 100, 1)} % of traffic (> ${fmt(trigger * 100)} %): add a read replica and route reads to it; statement rate not measured, so the count is the capacity plan template's minimum of 1` : "measure statements per request and the read share to size replicas";
    if (triggered) replicasNeeded = { ...replicasNeeded, value: 1, worked: `read share ${fmt(share! * 100, 1)} % > ${fmt(trigger * 100)} %: 1 (statement rate not measured)` };
  } else {
    const readQps = qps * share;
    const writeQps = qps - readQps;
    const byLoad = qps > cap ? Math.ceil((qps - cap) / cap) : 0;
    const n = Math.max(triggered ? 1 : 0, byLoad);
    replicasNeeded = figure(
      n,
      "replicas",
      formula,
      { statements_per_sec: qps, node_capacity: cap, read_share: share, trigger: trigger },
      `max(${triggered ? 1 : 0}, ${qps > cap ? `ceil((${fmt(qps)} - ${cap}) / ${cap})` : "0"}) = ${n}`,
      writeQps > cap ? `writes alone (${fmt(writeQps)} statements/s) exceed one node (${cap}/s): replicas do not help; a bigger primary or sharding does` : "the primary keeps the writes and takes reads up to its capacity; replicas take the rest of the reads",
    );
    recommendation =
      writeQps > cap
        ? `writes alone need more than one node: upgrade the primary (or shard by user_id), replicas cannot absorb writes`
        : n === 0
          ? `no replica needed: ${fmt(qps)} statements/s fit one node (${cap}/s) and reads are ${fmt(share * 100, 1)} % (trigger ${fmt(trigger * 100)} %)`
          : `${n} read replica${n > 1 ? "s" : ""}, reads routed by a database router${n > db.maxReplicas ? ` (more than the ${db.maxReplicas} allowed: upgrade the primary or shard)` : ""}`;
  }
  return { readShare, triggered, queriesPerSec, replicasNeeded, lagTargetMs: db.replicaLagTargetMs, recommendation };
}
