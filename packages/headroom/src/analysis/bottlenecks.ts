// Bottleneck attribution: rules over one run's signals, each naming a component with the
// numbers that convict it (and where they came from), the limit reached, the impact and what to
// do. Each rule scores 0..1 how strongly its evidence says it limited the run:
//   >= 0.5   a bottleneck: ranked primary, secondary, tertiary by score
//   < 0.5    a minor observation (worth a line, not a rank)
// Rules fire on saturation evidence only (waiting clients, a core at its limit, a significant
// leak trend...), so a healthy run gets no primary. When a cause and its symptoms both fire (N+1
// queries keep the pool busy and the CPU hot), the symptoms are discounted below the cause.
import { appCpu, appMemory, connectionLeak, eventLoop } from "./bottleneck-app-rules.js";
import { acceptQueue, cacheEvictions, cacheRule, generator, network } from "./bottleneck-cache-network-rules.js";
import { dbConnections, dbLocks, dbPool, dbQueries, dbSlowQueries } from "./bottleneck-database-rules.js";
import type { BottleneckInputs, Finding } from "./bottleneck-rule-kit.js";
import { round } from "./stats.js";
import type { Bottleneck, BottleneckKind } from "./types.js";

export type { BottleneckInputs } from "./bottleneck-rule-kit.js";
export { SLOW_QUERY_MS, slowStatements } from "./bottleneck-database-rules.js";
export { LAG_SATURATED_MS } from "./bottleneck-app-rules.js";

/**
 * Kinds that cause the load on other components; the kinds they make look busy. (A saturated
 * generator causes nothing on the server: what the server shows beside it stands on its own.)
 */
const CAUSES: BottleneckKind[] = ["db-queries", "db-slow-queries", "db-locks", "cache", "app-memory", "connection-leak"];
const SYMPTOMS: BottleneckKind[] = ["db-pool", "app-cpu", "event-loop", "db-connections"];
const SYMPTOM_DISCOUNT = 0.8;

const RULES = [
  generator,
  dbQueries,
  dbSlowQueries,
  dbLocks,
  cacheRule,
  cacheEvictions,
  appMemory,
  connectionLeak,
  dbPool,
  dbConnections,
  appCpu,
  eventLoop,
  network,
  acceptQueue,
];

export function findBottlenecks(inputs: BottleneckInputs): Bottleneck[] {
  const findings = RULES.map((r) => r(inputs)).filter((f): f is Finding => f !== undefined);
  // Blocking work shows as both CPU and lag: report it once, as CPU, when the CPU is the reason.
  const cpu = findings.find((f) => f.kind === "app-cpu" && f.score >= 0.5);
  const withoutLag = cpu ? findings.filter((f) => f.kind !== "event-loop") : findings;
  const cause = withoutLag.filter((f) => CAUSES.includes(f.kind) && f.score >= 0.5).sort((a, b) => b.score - a.score)[0];
  for (const f of withoutLag) {
    if (cause && SYMPTOMS.includes(f.kind) && f.score >= 0.5) {
      f.score = round(Math.min(f.score, cause.score) * SYMPTOM_DISCOUNT, 3);
      f.impact += ` (likely a consequence of ${cause.componentLabel}: ${cause.symptom})`;
    }
    f.score = round(f.score, 3);
  }
  const ranked = withoutLag.sort((a, b) => b.score - a.score);
  const ranks: Bottleneck["rank"][] = ["primary", "secondary", "tertiary"];
  let next = 0;
  return ranked.map((f) => ({ rank: f.score >= 0.5 && next < 3 ? ranks[next++]! : "minor", ...f }));
}
