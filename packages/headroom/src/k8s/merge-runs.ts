// Merges the runs of one test split across hosts (`headroom run --segment i/n`, one per pod of a
// Kubernetes Indexed Job) into one normal run: interval lines of the same second merge exactly
// (counts add, HDR histograms add), telemetry is kept with the segment as a label, and every
// segment of the test is accounted for. A segment that never started, started late, or stopped
// early is named in the merged manifest with the seconds it is missing; those seconds' lines list
// it in `missingSegments`, the manifest is marked partial and its status is not "completed", so
// a figure that is low because a host is missing never reads as a whole test's.
import { HeadroomError } from "../core/errors.js";
import { newRunId } from "../engine/manifest.js";
import { parseSegment, type Segment } from "../engine/segments.js";
import { mergeSegments } from "../metrics/interval-merge.js";
import type { DistributedPart, IntervalLine, Manifest, RunStatus, TelemetryLine } from "../core/types.js";

export interface RunPart {
  manifest: Manifest;
  intervals: IntervalLine[];
  telemetry: TelemetryLine[];
  /** Where it came from (a directory, a stream), for messages. */
  source: string;
}

export interface MergedRun {
  manifest: Manifest;
  intervals: IntervalLine[];
  telemetry: TelemetryLine[];
}

export interface MergeOptions {
  id?: string;
  /** Live merge (collect while the test runs): seconds after this time are not missing yet. */
  liveNowEpochMs?: number;
}

const SEGMENT_NOTE = /^this run is segment /;

function partSegment(p: RunPart): { label: string; seg: Segment } {
  const label = p.manifest.distributed?.segment ?? p.intervals.find((l) => l.segment)?.segment;
  const seg = label !== undefined ? parseSegment(label) : undefined;
  if (!label || !seg) {
    throw new HeadroomError(
      "HR_RUN_INVALID",
      `${p.source} is not one segment of a test split across hosts (${label ? `segment "${label}" is not of the form i/n` : "it was not run with --segment"})`,
      "merge the runs written by `headroom run ... --segment i/n` (one per host, e.g. the pods of `headroom k8s job`); a whole run needs no merge",
    );
  }
  return { label, seg };
}

/** Epoch ms of a part's t = 0. */
function partStart(p: RunPart): number {
  const first = p.intervals[0];
  return p.manifest.distributed?.startEpochMs ?? (first ? first.ts - first.t * 1000 : Date.parse(p.manifest.startedAt));
}

/** [[0,3],[7,7]] from [0,1,2,3,7]. */
export function toRanges(sorted: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const t of sorted) {
    const last = out[out.length - 1];
    if (last && t === last[1] + 1) last[1] = t;
    else out.push([t, t]);
  }
  return out;
}

export function formatRanges(ranges: [number, number][]): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(", ");
}

const countOf = (ranges: [number, number][]): number => ranges.reduce((n, [a, b]) => n + b - a + 1, 0);

type PartSeg = { part: RunPart; label: string; seg: Segment };

/** The parts with their segments, checked to split one test the same way without overlap; `lanes` maps each covered lane to its part. */
function checkedSegments(parts: RunPart[]): { segs: PartSeg[]; of: number; lanes: Map<number, string> } {
  if (parts.length === 0) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", "nothing to merge: no run of any segment was given", "pass the run directories of the hosts, e.g. headroom merge results/*/ --out merged");
  }
  const segs = parts.map((p) => ({ part: p, ...partSegment(p) }));
  const of = segs[0]!.seg.of;
  const lanes = new Map<number, string>();
  for (const s of segs) {
    if (s.seg.of !== of) {
      const msg = `${s.part.source} is segment ${s.label} but ${segs[0]!.part.source} is ${segs[0]!.label}: they split the test ${s.seg.of} and ${of} ways`;
      throw new HeadroomError("HR_RUN_INVALID", msg, "merge the runs of one test only (the same --segment i/N)");
    }
    for (let lane = s.seg.from; lane < s.seg.to; lane++) {
      const other = lanes.get(lane);
      if (other !== undefined) {
        throw new HeadroomError("HR_RUN_INVALID", `segment ${s.label} (${s.part.source}) overlaps segment ${other} given before: lane ${lane} of ${of} would count twice`, "pass each host's run once");
      }
      lanes.set(lane, `${s.label} (${s.part.source})`);
    }
  }
  const first = segs[0]!.part.manifest;
  for (const s of segs) {
    const m = s.part.manifest;
    if (m.plan.executor !== first.plan.executor || m.plan.durationSec !== first.plan.durationSec) {
      const msg = `${s.part.source} ran a ${m.plan.executor} plan of ${m.plan.durationSec} s but ${segs[0]!.part.source} a ${first.plan.executor} plan of ${first.plan.durationSec} s`;
      throw new HeadroomError("HR_RUN_INVALID", msg, "merge the runs of one test only (the same scenario, profile and duration on every host)");
    }
  }
  return { segs, of, lanes };
}

/** Where the merged run's seconds go: from t0 to lastSecond, missing ones counted through dueThrough. */
interface Timeline {
  t0: number;
  lastSecond: number;
  dueThrough: number;
  live: boolean;
}

/**
 * One part's lines and telemetry moved onto the shared timeline (into `shifted` and `telemetry`),
 * with its report: how late it started, which seconds it lacks and why.
 */
function placePart(s: PartSeg, tl: Timeline, shifted: IntervalLine[], telemetry: TelemetryLine[]): { report: DistributedPart; missing: number[] } {
  const p = s.part;
  const start = partStart(p);
  const lateSec = Math.max(0, Math.round((start - tl.t0) / 1000));
  const present = new Set<number>();
  let beyond = 0;
  for (const line of p.intervals) {
    const t = line.t + lateSec;
    if (t > tl.lastSecond) {
      beyond++;
      continue;
    }
    present.add(t);
    shifted.push({ ...line, t, ts: tl.t0 + t * 1000 });
  }
  for (const x of p.telemetry) telemetry.push({ ...x, t: Math.round((x.ts - tl.t0) / 100) / 10, labels: { ...x.labels, segment: s.label } });
  const missing: number[] = [];
  for (let t = 0; t <= tl.dueThrough; t++) if (!present.has(t)) missing.push(t);
  const why: string[] = [];
  const lastT = Math.max(-1, ...present);
  if (lateSec > 0) why.push(`started ${lateSec} s late`);
  if (p.manifest.status === "running" && !tl.live) why.push(`died mid-run (its manifest was never finished; last second ${lastT})`);
  else if (p.manifest.status === "interrupted" || p.manifest.status === "failed") why.push(`${p.manifest.status} after second ${lastT}`);
  if (missing.length > 0 && why.length === 0) why.push("has gaps");
  if (beyond > 0) why.push(`${beyond} of its seconds fell after the test's end and were left out`);
  const report: DistributedPart = {
    segment: s.label,
    status: p.manifest.status,
    hostname: p.manifest.host.hostname,
    source: p.source,
    startEpochMs: start,
    ...(lateSec > 0 ? { lateSec } : {}),
    missingSeconds: toRanges(missing),
    ...(why.length > 0 ? { problem: why.join("; ") } : {}),
  };
  return { report, missing };
}

/** The merged manifest's notes: what was merged, each incomplete segment, and the parts' own notes. */
function mergedNotes(segs: readonly PartSeg[], of: number, t0: number, incomplete: readonly DistributedPart[]): string[] {
  const hosts = segs.map((s) => `${s.label} on ${s.part.manifest.host.hostname}`).join(", ");
  return [
    `merged from ${segs.length} of ${of} segments (${hosts}); counts add and latency histograms merge exactly, by second from the shared start ${new Date(t0).toISOString()}`,
    ...incomplete.map((r) => {
      const n = countOf(r.missingSeconds);
      const share = Math.round((100 * (parseSegment(r.segment)!.to - parseSegment(r.segment)!.from)) / of);
      const lost = n > 0 ? `; missing ${n} s (seconds ${formatRanges(r.missingSeconds)}): requests and rates in those seconds are low by its share (${share} % of the load)` : "";
      return `PARTIAL: segment ${r.segment}${r.hostname ? ` (${r.hostname})` : ""} ${r.problem ?? "is incomplete"}${lost}`;
    }),
    ...segs.flatMap((s) => (s.part.manifest.notes ?? []).filter((n) => !SEGMENT_NOTE.test(n)).map((n) => `segment ${s.label}: ${n}`)),
  ];
}

export function mergeRunParts(parts: RunPart[], opts: MergeOptions = {}): MergedRun {
  const { segs, of, lanes } = checkedSegments(parts);
  const first = segs[0]!.part.manifest;
  const durationSec = first.plan.durationSec;
  const planned = segs.map((s) => s.part.manifest.distributed?.plannedStartEpochMs).filter((v): v is number => v !== undefined);
  const t0 = planned.length > 0 ? Math.min(...planned) : Math.min(...segs.map((s) => partStart(s.part)));
  const lastSecond = Math.max(0, Math.ceil(durationSec) - 1);
  // Live: a second is due once it closed plus a moment for the line to arrive.
  const dueThrough = opts.liveNowEpochMs !== undefined ? Math.min(lastSecond, Math.floor((opts.liveNowEpochMs - t0) / 1000) - 3) : lastSecond;
  const timeline: Timeline = { t0, lastSecond, dueThrough, live: opts.liveNowEpochMs !== undefined };

  const reports: DistributedPart[] = [];
  const missingBySecond = new Map<number, string[]>();
  const shifted: IntervalLine[] = [];
  const telemetry: TelemetryLine[] = [];
  const markMissing = (label: string, seconds: number[]): void => {
    for (const t of seconds) (missingBySecond.get(t) ?? missingBySecond.set(t, []).get(t)!).push(label);
  };
  for (const s of segs) {
    const { report, missing } = placePart(s, timeline, shifted, telemetry);
    markMissing(s.label, missing);
    reports.push(report);
  }
  // Lanes no part covered: that segment never started (or its results never arrived).
  const allSeconds = Array.from({ length: dueThrough + 1 }, (_, t) => t);
  for (let lane = 0; lane < of; lane++) {
    if (lanes.has(lane)) continue;
    const label = `${lane}/${of}`;
    markMissing(label, allSeconds);
    reports.push({ segment: label, status: "missing", missingSeconds: toRanges(allSeconds), problem: "never started: no run directory or stream from this segment" });
  }
  reports.sort((a, b) => parseSegment(a.segment)!.from - parseSegment(b.segment)!.from);

  const intervals = mergeSegments(shifted).map((line) => {
    const missing = missingBySecond.get(line.t);
    return missing ? { ...line, missingSegments: missing.sort() } : line;
  });
  const incomplete = reports.filter((r) => r.missingSeconds.length > 0 || r.status === "missing" || r.problem);
  const partial = reports.some((r) => r.missingSeconds.length > 0);
  const live = opts.liveNowEpochMs !== undefined && segs.some((s) => s.part.manifest.status === "running");
  const status: RunStatus = live ? "running" : segs.some((s) => s.part.manifest.status === "failed") ? "failed" : incomplete.length > 0 ? "interrupted" : "completed";
  const ended = segs.map((s) => s.part.manifest.endedAt).filter((v): v is string => v !== undefined).sort();
  const workers = segs.reduce((n, s) => n + (s.part.manifest.plan.workers ?? 1), 0);
  const manifest: Manifest = {
    ...first,
    id: opts.id ?? newRunId(new Date(t0)),
    plan: { ...first.plan, workers },
    startedAt: new Date(t0).toISOString(),
    status,
    notes: mergedNotes(segs, of, t0, incomplete),
    distributed: { ...(planned.length > 0 ? { plannedStartEpochMs: t0 } : {}), startEpochMs: t0, parts: reports, partial },
  };
  if (ended.length > 0 && !live) manifest.endedAt = ended[ended.length - 1]!;
  else delete manifest.endedAt;
  telemetry.sort((a, b) => a.ts - b.ts);
  return { manifest, intervals, telemetry };
}
