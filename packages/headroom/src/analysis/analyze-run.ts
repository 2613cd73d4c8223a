// The analysis of one stored run: verdicts against the targets of its load level, the phase,
// endpoint and class tables, resources, error rate per third, leak and pool verdicts, cache
// effectiveness, recovery after the load dropped, and the ranked bottlenecks. A pure function
// of the run store (histograms must be initialised by the caller for WASM speed; JS works too).
import { buildTargets, type Targets } from "../plan/targets.js";
import type { RunStore } from "../store/run-store.js";
import type { LoadLevel } from "../core/types.js";
import { findBottlenecks } from "./bottlenecks.js";
import { cacheEffectiveness } from "./cache-effectiveness.js";
import { incompleteReason, runVerdict } from "./completeness.js";
import { leakVerdicts, poolStability, type LeakOptions } from "./leaks.js";
import { recoveryAfterLoadDrop } from "./recovery.js";
import { componentFigures, resourceTable } from "./resources.js";
import { gatherSignals } from "./run-signals.js";
import { classTable, endpointTable, errorThirds, phaseTable } from "./run-tables.js";
import { telemetryGaps } from "./telemetry-series.js";
import type { RunAnalysis, TargetMetric } from "./types.js";
import { computeVerdicts } from "./verdicts.js";

export interface AnalyzeRunOptions {
  /** Judge at this level instead of the manifest's loadLevel (default "normal"). */
  level?: LoadLevel;
  /** The memory the app's RSS is a share of (default: the host's total memory). */
  appMemoryLimitBytes?: number;
  /** Network link capacity, bytes/s, for the network rule. */
  linkBytesPerSec?: number;
  leaks?: LeakOptions;
}

export function analyzeRun(store: RunStore, targets: Targets = buildTargets(), opts: AnalyzeRunOptions = {}): RunAnalysis {
  const signals = gatherSignals(store, { level: opts.level, appMemoryLimitBytes: opts.appMemoryLimitBytes });
  const { summary, level } = signals;
  const verdicts = computeVerdicts(signals, targets, (store.manifest.untestable ?? {}) as Partial<Record<TargetMetric, string>>);
  const resources = resourceTable(signals, store.telemetry);
  const leaks = leakVerdicts(signals, opts.leaks);
  const pool = poolStability(signals, leaks);
  const cache = cacheEffectiveness(signals, store.telemetry, targets);
  const lt = targets.levels[level];
  const recovery = recoveryAfterLoadDrop(signals.intervals, { p95Ms: lt.p95Ms?.target ?? 500, errorPct: lt.errorPct?.target ?? 1 });
  const components = componentFigures(signals, resources);
  if (cache.hitPct !== undefined) components.cache.hitPct = cache.hitPct;
  const bottlenecks = findBottlenecks({ signals, telemetry: store.telemetry, targets, leaks, pool, cache, linkBytesPerSec: opts.linkBytesPerSec });

  // An imported run (Locust, k6) says what its source lacked.
  const notes: string[] = store.manifest.source !== "headroom" ? [...(store.manifest.notes ?? [])] : [];
  if (store.skippedLines > 0) notes.push(`${store.skippedLines} unreadable lines were skipped (a run killed mid-write leaves a torn last line)`);
  const incomplete = incompleteReason(store, summary.durationSec);
  if (incomplete) notes.push(`INCOMPLETE: ${incomplete}; the verdicts below judge only what was recorded`);
  // A merged multi-host run names the hosts that are missing seconds (k8s/merge-runs.ts).
  notes.push(...(store.manifest.notes ?? []).filter((n) => n.startsWith("PARTIAL: ")));
  for (const g of telemetryGaps(store.telemetry)) {
    if (g.failed > 0) notes.push(`telemetry ${g.source}: ${g.failed} of ${g.samples} samples failed${g.errors.length > 0 ? ` (${g.errors.slice(0, 2).join("; ")})` : ""}`);
  }
  if (store.telemetry.length === 0) notes.push("no telemetry was collected: server-side targets and most bottleneck rules are not measured");
  if (summary.generator.limited && summary.generator.reason) notes.push(summary.generator.reason);
  if (store.manifest.scale !== undefined && store.manifest.scale !== 1) notes.push(`users and durations were scaled by ${store.manifest.scale}`);
  if (!store.manifest.loadLevel && !opts.level) notes.push('the run names no load level; judged at "normal"');

  return {
    run: {
      dir: store.dir,
      id: store.manifest.id,
      name: store.manifest.name,
      status: store.manifest.status,
      source: store.manifest.source,
      loadLevel: level,
      startedAt: store.manifest.startedAt,
      durationSec: summary.durationSec,
      plan: store.manifest.plan,
      ...(store.manifest.scale !== undefined ? { scale: store.manifest.scale } : {}),
    },
    summary,
    verdict: runVerdict(verdicts, incomplete),
    ...(incomplete ? { incomplete } : {}),
    verdicts,
    phases: phaseTable(signals.intervals),
    endpoints: endpointTable(summary),
    classes: classTable(summary),
    resources,
    errorThirds: errorThirds(signals.intervals, targets, level),
    leaks,
    pool,
    cache,
    recovery,
    components,
    generator: {
      limited: summary.generator.limited,
      ...(summary.generator.reason ? { reason: summary.generator.reason } : {}),
      cpuPct: summary.generator.cpuPct,
      eventLoopLagMsP99: summary.generator.eventLoopLagMsP99,
    },
    bottlenecks,
    notes,
  };
}
