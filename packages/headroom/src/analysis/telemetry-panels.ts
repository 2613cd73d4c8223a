// Server-side panels for the report (measured here, drawn by report/html): CPU, memory, database connections and cache hit rate over
// time, from the telemetry lines of a run (keys in core/telemetry-keys.ts). A failed sample
// becomes a gap in its line, and the gaps are counted so the report can say so.
import { appMetricName, appPoolSeries } from "./app-metrics.js";
import { promCounterRate, promScrapes, type Point, type PromScrape } from "./telemetry-series.js";
import { HOST_KEYS, POSTGRES_KEYS, PROCESS_KEYS, REDIS_KEYS } from "../core/telemetry-keys.js";
import type { TelemetryLine } from "../core/types.js";

export interface PanelSeries {
  name: string;
  /** Seconds since the run started, one per sample. */
  xSec: number[];
  /** null where the sample failed or lacked the reading (drawn as a gap). */
  y: (number | null)[];
  axis?: "left" | "right";
  style?: "line" | "dashed";
}

export interface TelemetryPanel {
  id: "cpu" | "memory" | "db-connections" | "cache";
  title: string;
  yLabel: string;
  yUnit: string;
  yRightLabel?: string;
  yRightUnit?: string;
  yMax?: number;
  series: PanelSeries[];
}

export interface TelemetryGap {
  source: string;
  samples: number;
  failed: number;
  firstError?: string;
}

export interface TelemetryPanels {
  panels: TelemetryPanel[];
  /** Panels with no data, with the reason the report prints. */
  absent: { id: TelemetryPanel["id"]; title: string; reason: string }[];
  /** Sources that sampled, and how many of their samples failed. */
  sources: TelemetryGap[];
}

const MIB = 1024 * 1024;

function seriesOf(lines: TelemetryLine[], key: string, name: string, scale = 1, extra: Partial<PanelSeries> = {}): PanelSeries | undefined {
  const xSec: number[] = [];
  const y: (number | null)[] = [];
  let any = false;
  for (const l of lines) {
    xSec.push(Math.round(l.t * 1000) / 1000);
    const v = l.ok ? l.values[key] : undefined;
    if (typeof v === "number" && Number.isFinite(v)) {
      y.push(Math.round((v / scale) * 1000) / 1000);
      any = true;
    } else y.push(null);
  }
  return any ? { name, xSec, y, ...extra } : undefined;
}

/** "/usr/bin/node --import tsx /srv/app/src/main.ts" → "node main.ts": the program and its script. */
export function shortCommand(command: string): string {
  const parts = command.trim().split(/\s+/);
  const base = (p: string): string => p.split("/").pop() ?? p;
  const program = base(parts[0] ?? command);
  const script = parts.slice(1).reverse().find((p) => !p.startsWith("-") && /\.(m?[jt]s|cjs|py|rb)$/.test(p));
  const short = script ? `${program} ${base(script)}` : program;
  return short.length > 40 ? `${short.slice(0, 39)}…` : short;
}

function toSeries(points: Point[], name: string, extra: Partial<PanelSeries> = {}): PanelSeries | undefined {
  if (points.length === 0) return undefined;
  return { name, xSec: points.map((p) => Math.round(p.t * 1000) / 1000), y: points.map((p) => Math.round(p.v * 1000) / 1000), ...extra };
}

/** The app's own cache hit rate over time, from its hit and miss counters (rate of each between scrapes). */
function appCacheHitPct(scrapes: PromScrape[]): Point[] {
  const hitName = appMetricName(scrapes, "cacheHits");
  const missName = appMetricName(scrapes, "cacheMisses");
  if (!hitName || !missName) return [];
  const misses = new Map(promCounterRate(scrapes, missName).map((p) => [p.t, p.v]));
  return promCounterRate(scrapes, hitName).flatMap((h) => {
    const m = misses.get(h.t);
    return m !== undefined && h.v + m > 0 ? [{ t: h.t, v: (h.v / (h.v + m)) * 100 }] : [];
  });
}

/** Groups process samples by pid (several processes can be watched at once). */
function byProcess(lines: TelemetryLine[]): { label: string; lines: TelemetryLine[] }[] {
  const groups = new Map<string, TelemetryLine[]>();
  for (const l of lines) {
    const pid = l.labels?.pid ?? "";
    const g = groups.get(pid);
    if (g) g.push(l);
    else groups.set(pid, [l]);
  }
  return [...groups.entries()].map(([pid, ls]) => {
    const command = ls.find((l) => l.labels?.command)?.labels?.command;
    const label = command ? `${shortCommand(command)}${pid ? ` (pid ${pid})` : ""}` : pid ? `pid ${pid}` : "process";
    return { label, lines: ls };
  });
}

const present = <T>(xs: (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);

/** Telemetry lines by source ("process", "host", "postgres", ...), in their order. */
function bySourceOf(telemetry: TelemetryLine[]): Map<string, TelemetryLine[]> {
  const bySource = new Map<string, TelemetryLine[]>();
  for (const l of telemetry) {
    const g = bySource.get(l.source);
    if (g) g.push(l);
    else bySource.set(l.source, [l]);
  }
  return bySource;
}

type SourceLines = (name: string) => TelemetryLine[];

/** The CPU and memory panels: each watched process, and the host dashed. */
function hostPanels(src: SourceLines): [TelemetryPanel, string][] {
  const processes = byProcess(src("process"));
  return [
    [
      {
        id: "cpu",
        title: "CPU",
        yLabel: "CPU (% of one core / % of host)",
        yUnit: "%",
        series: present([
          ...processes.map((p) => seriesOf(p.lines, PROCESS_KEYS.cpuPct, `${p.label}, % of one core`)),
          seriesOf(src("host"), HOST_KEYS.cpuPct, "host, % of all cores", 1, { style: "dashed" }),
        ]),
      },
      "no process or host telemetry in this run (start it with telemetry.processes or telemetry.host)",
    ],
    [
      {
        id: "memory",
        title: "Memory",
        yLabel: "resident memory (MiB)",
        yUnit: "MiB",
        yRightLabel: "host memory used (%)",
        yRightUnit: "%",
        series: present([
          ...processes.map((p) => seriesOf(p.lines, PROCESS_KEYS.rssBytes, `${p.label} RSS`, MIB)),
          seriesOf(src("host"), HOST_KEYS.memUsedPct, "host memory used", 1, { axis: "right", style: "dashed" }),
        ]),
      },
      "no process or host telemetry in this run",
    ],
  ];
}

/** The database connections and cache hit rate panels: PostgreSQL, Redis and the app's own metrics. */
function dataPanels(src: SourceLines): [TelemetryPanel, string][] {
  const pg = src("postgres");
  const scrapes = promScrapes(src("prometheus"));
  const pool = scrapes.length ? appPoolSeries(scrapes) : undefined;
  const poolSize = (): PanelSeries | undefined =>
    pool?.max !== undefined && pool.inUse.length ? { name: "app pool size", xSec: pool.inUse.map((p) => p.t), y: pool.inUse.map(() => pool.max!), style: "dashed" as const } : undefined;
  return [
    [
      {
        id: "db-connections",
        title: "Database connections",
        yLabel: "connections",
        yUnit: "connections",
        series: present([
          seriesOf(pg, POSTGRES_KEYS.connections, "all connections"),
          seriesOf(pg, POSTGRES_KEYS.active, "active"),
          seriesOf(pg, POSTGRES_KEYS.idleInTx, "idle in transaction"),
          seriesOf(pg, POSTGRES_KEYS.maxConnections, "max_connections", 1, { style: "dashed" }),
          pool ? toSeries(pool.inUse, "app pool in use") : undefined,
          pool && pool.waiting.some((p) => p.v > 0) ? toSeries(pool.waiting, "app pool waiting clients") : undefined,
          poolSize(),
        ]),
      },
      "no PostgreSQL telemetry and no app pool metrics in this run (give telemetry.postgres a connection string)",
    ],
    [
      {
        id: "cache",
        title: "Cache hit rate",
        yLabel: "hit rate (%)",
        yUnit: "%",
        yMax: 100,
        series: present([
          seriesOf(src("redis"), REDIS_KEYS.hitPct, "Redis keyspace hits"),
          toSeries(appCacheHitPct(scrapes), "app cache hits (its counters)"),
          seriesOf(pg, POSTGRES_KEYS.cacheHitPct, "PostgreSQL buffer cache", 1, { style: "dashed" }),
        ]),
      },
      "no Redis, app cache counters or PostgreSQL hit-rate telemetry in this run (give telemetry.redis a URL)",
    ],
  ];
}

/** Each source that sampled, with how many of its samples failed and the first error. */
function gapsOf(bySource: Map<string, TelemetryLine[]>): TelemetryGap[] {
  return [...bySource.entries()].map(([source, lines]) => {
    const failedLines = lines.filter((l) => !l.ok);
    const gap: TelemetryGap = { source, samples: lines.length, failed: failedLines.length };
    const firstError = failedLines.find((l) => l.error)?.error;
    if (firstError) gap.firstError = firstError;
    return gap;
  });
}

export function buildTelemetryPanels(telemetry: TelemetryLine[]): TelemetryPanels {
  const bySource = bySourceOf(telemetry);
  const src: SourceLines = (name) => bySource.get(name) ?? [];
  const panels: TelemetryPanel[] = [];
  const absent: TelemetryPanels["absent"] = [];
  for (const [panel, reason] of [...hostPanels(src), ...dataPanels(src)]) {
    if (panel.series.length > 0) panels.push(panel);
    else absent.push({ id: panel.id, title: panel.title, reason });
  }
  return { panels, absent, sources: gapsOf(bySource) };
}
