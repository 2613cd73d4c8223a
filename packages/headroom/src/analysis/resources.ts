// The resource table (min / avg / max of each telemetry reading over the run) and the seed's
// per-component figures ("Bottlenecks Identified": database, application, cache, network).
import { READING_SPECS, type RunSignals } from "./run-signals.js";
import { minMaxAvg, round } from "./stats.js";
import { telemetryGaps } from "./telemetry-series.js";
import type { ComponentFigures, ResourceRow } from "./types.js";
import type { TelemetryLine } from "../core/types.js";

const SOURCE_OF: Record<string, string> = { app: "process", database: "postgres", cache: "redis", host: "host", network: "host", generator: "intervals" };

export function resourceTable(s: RunSignals, telemetry: readonly TelemetryLine[]): ResourceRow[] {
  const gaps = new Map(telemetryGaps(telemetry).map((g) => [g.source, g]));
  const rows: ResourceRow[] = [];
  for (const spec of READING_SPECS) {
    const r = s.readings.get(spec.id);
    if (!r && !spec.required) continue;
    const row: ResourceRow = { component: spec.component, metric: spec.id, label: spec.label, unit: spec.unit, source: r?.source ?? `telemetry ${SOURCE_OF[spec.component]}`, samples: r?.points.length ?? 0 };
    const stats = r ? minMaxAvg(r.points.map((p) => p.v)) : undefined;
    if (stats) {
      const digits = spec.unit === "bytes" || spec.unit === "bytes/s" ? 0 : 3;
      row.min = round(stats.min, digits);
      row.avg = round(stats.avg, digits);
      row.max = round(stats.max, digits);
    } else {
      const src = SOURCE_OF[spec.component]!;
      const g = gaps.get(src);
      row.note = g && g.failed === g.samples ? `not measured: every ${src} sample failed (${g.errors[0] ?? "no reason recorded"})` : g ? `not measured: the ${src} collector did not report this reading` : `not measured: no ${src} telemetry in this run`;
    }
    rows.push(row);
  }
  return rows;
}

export function componentFigures(s: RunSignals, rows: readonly ResourceRow[]): ComponentFigures {
  const get = (id: string): ResourceRow | undefined => rows.find((r) => r.metric === id && r.samples > 0);
  const max = (id: string): number | undefined => get(id)?.max;
  const avg = (id: string): number | undefined => get(id)?.avg;
  const set = <T extends object>(o: T, k: keyof T, v: number | undefined): void => {
    if (v !== undefined && Number.isFinite(v)) (o as Record<keyof T, number>)[k] = v;
  };
  const database: ComponentFigures["database"] = {};
  set(database, "poolSize", s.pool?.max);
  set(database, "poolMaxInUse", max("app.poolInUse"));
  set(database, "poolUtilPct", max("app.poolUtilPct"));
  set(database, "meanQueryMs", avg("db.meanQueryMs"));
  const slow = s.readings.get("db.slowQueries");
  set(database, "slowQueries", slow ? slow.points.reduce((a, p) => a + p.v, 0) : undefined);
  set(database, "lockWaitsMax", max("db.lockWaits"));
  set(database, "connectionsMax", max("db.connections"));
  set(database, "maxConnections", max("db.maxConnections"));
  const application: ComponentFigures["application"] = {};
  set(application, "cpuPctAvg", avg("app.cpuPct"));
  set(application, "cpuPctMax", max("app.cpuPct"));
  set(application, "memoryPctMax", max("app.memoryPct"));
  set(application, "rssBytesMax", max("app.rssBytes"));
  set(application, "workers", s.appProcesses > 0 ? s.appProcesses : undefined);
  set(application, "eventLoopLagMsMax", max("app.eventLoopLagMs"));
  const cache: ComponentFigures["cache"] = {};
  set(cache, "memoryPctMax", max("cache.memoryPct"));
  set(cache, "evictedPerSecMax", max("cache.evictedPerSec"));
  set(cache, "opsPerSecMax", max("cache.opsPerSec"));
  const network: ComponentFigures["network"] = {};
  set(network, "rxBytesPerSecMax", max("host.netRxBytesPerSec"));
  set(network, "txBytesPerSecMax", max("host.netTxBytesPerSec"));
  const secs = s.summary.durationSec;
  set(network, "bytesInPerSec", secs > 0 ? round(s.summary.bytes.in / secs, 0) : undefined);
  set(network, "bytesOutPerSec", secs > 0 ? round(s.summary.bytes.out / secs, 0) : undefined);
  set(network, "minLatencyMs", s.summary.requests.total > 0 ? s.summary.latencyMs.min : undefined);
  return { database, application, cache, network };
}
