// The bottleneck list: what limited a run, with the evidence, the limit reached and the fix, and
// the seed's per-component figures.
import type { Component } from "./run-table-types.js";

export interface Evidence {
  /** What was measured, e.g. "pool waiting clients (max)". */
  what: string;
  value: number | string;
  unit?: string;
  /** Where it came from: "telemetry postgres.connections_active", "prometheus muejam_db_pool_waiting", "intervals". */
  source: string;
}

export type BottleneckKind =
  | "db-pool"
  | "db-queries"
  | "db-slow-queries"
  | "db-locks"
  | "db-connections"
  | "app-cpu"
  | "event-loop"
  | "app-memory"
  | "connection-leak"
  | "cache"
  | "cache-evictions"
  | "network"
  | "accept-queue"
  | "generator";

export interface Bottleneck {
  rank: "primary" | "secondary" | "tertiary" | "minor";
  kind: BottleneckKind;
  component: Component;
  /** Component as a person would name it: "PostgreSQL connection pool", "app CPU". */
  componentLabel: string;
  symptom: string;
  evidence: Evidence[];
  /** The limit that was reached, in words with numbers: "pool of 2 connections, 100 % busy". */
  limit: string;
  impact: string;
  recommendation: string;
  /** 0..1: how strongly the evidence says this limited the run (the ranking key). */
  score: number;
}

/** The seed's per-component bottleneck figures ("Bottlenecks Identified"). Absent = not measured. */
export interface ComponentFigures {
  database: {
    poolSize?: number;
    poolMaxInUse?: number;
    poolUtilPct?: number;
    meanQueryMs?: number;
    slowQueries?: number;
    lockWaitsMax?: number;
    connectionsMax?: number;
    maxConnections?: number;
  };
  application: { cpuPctAvg?: number; cpuPctMax?: number; memoryPctMax?: number; rssBytesMax?: number; workers?: number; eventLoopLagMsMax?: number };
  cache: { hitPct?: number; memoryPctMax?: number; evictedPerSecMax?: number; opsPerSecMax?: number };
  network: { rxBytesPerSecMax?: number; txBytesPerSecMax?: number; bytesInPerSec?: number; bytesOutPerSec?: number; minLatencyMs?: number };
}
