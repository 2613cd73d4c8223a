// A search step (or the recovery run) split over N local generator processes: the profile the
// runner would run in this process becomes the flags of `headroom run`, each process runs one
// segment of it (--segment i/N) from one shared start (k8s/local-segments.ts), and the merged
// per-second lines come back exactly as a one-process step's do. The processes run the whole
// step: whether it was steady (or far past the SLO) is judged afterwards on the merged lines,
// second by second, as the in-process step judges them live. A process that died, started late
// or left seconds out makes the step disturbed: its figures miss a share of the load and are not
// judged, never read as a low capacity.
import { join } from "node:path";
import { HeadroomError } from "../core/errors.js";
import type { IntervalLine, Manifest, TelemetryLine } from "../core/types.js";
import { runStepOnLocalSegments, type LocalStepResult } from "../k8s/local-segments.js";
import type { Profile } from "../plan/profile.js";
import type { WaitSpec } from "../plan/wait.js";
import { readRunStore } from "../store/run-store.js";
import { startTelemetry } from "../telemetry/index.js";
import type { SearchRunnerOptions } from "./search-runner.js";
import { isLastSecond, type StepRun, type StopWhen } from "./search-step-run.js";

/** How far ahead of the processes' launch their shared start is set: each must load first. */
export const HOSTS_LEAD_MS = 8000;

/** The merged run of a step on hosts: `<step dir>/merged` (each process's own run in `segment-<i>/`). */
export const mergedDir = (stepDir: string): string => join(stepDir, "merged");

const ms = (sec: number): string => `${Math.round(sec * 1000)}ms`;

function thinkFlag(w: WaitSpec): string {
  if (w.kind === "constant") return ms(w.sec);
  if (w.kind === "between") return `${ms(w.minSec)}-${ms(w.maxSec)}`;
  throw new HeadroomError("HR_CONFLICTING_FLAGS", `a pacing think time (one task every ${w.sec} s) cannot be given to the generator processes`, "use a constant or MIN-MAX think time with --hosts, or search on one host");
}

/** What to load: the URL (method, headers, body) or the scenario file with its host and variables. */
function targetFlags(opts: SearchRunnerOptions): string[] {
  if (opts.request) {
    const r = opts.request;
    return ["--url", r.url, ...(r.method ? ["--method", r.method] : []), ...Object.entries(r.headers ?? {}).flatMap(([k, v]) => ["--header", `${k}: ${v}`]), ...(r.body !== undefined ? ["--body", r.body] : [])];
  }
  const file = opts.scenario?.sourcePath;
  if (!file) throw new HeadroomError("HR_MISSING_ARGUMENT", `scenario "${opts.scenario?.name}" has no file the generator processes can load`, "search a scenario file (headroom search FILE.ts --hosts N), or search on one host");
  // The search checked the file's types once already.
  return [file, "--no-typecheck", ...(opts.baseUrl ? ["--host", opts.baseUrl] : []), ...Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}=${v}`])];
}

/** How much load: the profile's users or rate, its stages, spawn rate, think time and duration. */
function loadFlags(p: Profile): string[] {
  const open = p.executor === "open";
  const stages = p.stages?.map((st, i) => `${st.name ?? `stage-${i + 1}`}=${ms(st.durationSec)}:${open ? st.rate : st.users}${!open && st.spawnRate !== undefined ? `@${st.spawnRate}` : ""}`).join(",");
  const load = open ? ["--rate", String(p.rate)] : p.users !== undefined ? ["--users", String(p.users)] : [];
  return [
    ...load,
    ...(stages ? ["--stages", stages] : ["--duration", ms(p.durationSec)]),
    ...(p.executor === "closed" && p.spawnRate !== undefined ? ["--spawn-rate", String(p.spawnRate)] : []),
    ...(p.executor === "closed" && p.staggerStart ? ["--stagger-start"] : []),
    ...(p.executor === "closed" && p.thinkTime ? ["--think", thinkFlag(p.thinkTime)] : []),
  ];
}

/** The flags of `headroom run` for the step's profile as the runner describes it (segment, start and output are added per process). */
export function stepRunFlags(opts: SearchRunnerOptions, profile: Profile): string[] {
  return [...targetFlags(opts), ...loadFlags(profile), "--name", profile.name, "--timeout", ms((profile.timeoutMs ?? 30_000) / 1000), ...(opts.seed !== undefined ? ["--seed", String(opts.seed)] : [])];
}

/** The lines `until` would have stopped the step after (0: it ran to its end), judged second by second as in one process. */
export function stopPoint(lines: IntervalLine[], profile: Profile, until?: StopWhen): number {
  if (!until) return 0;
  for (let k = 1; k <= lines.length; k++) if (!isLastSecond(lines[k - 1]!, profile) && until(lines.slice(0, k))) return k;
  return 0;
}

/** Why a step's merged figures miss a share of the load (a process died, started late, left seconds out), or undefined. */
export function lostGenerators(r: Pick<LocalStepResult, "exitCodes" | "lastErrors">, manifest: Manifest, hosts: number): string | undefined {
  const why = r.exitCodes.flatMap((code, i) => (code === 0 ? [] : [`segment ${i}/${hosts} ${code === null ? "was killed" : `exited with code ${code}`}${r.lastErrors[i] ? ` (${r.lastErrors[i]})` : ""}`]));
  for (const p of manifest.distributed?.parts ?? []) if (p.problem && !why.some((w) => w.startsWith(`segment ${p.segment} `))) why.push(`segment ${p.segment} ${p.problem}`);
  if (why.length === 0 && !manifest.distributed?.partial) return undefined;
  return `generator processes lost: ${why.join("; ") || "the merged run is partial"}; the step's figures miss their share of the load and are not judged`;
}

/** Runs one profile as `hosts` segment processes into `dir` (with telemetry sampled here), merged into `dir/merged`. */
export async function runOnHosts(opts: SearchRunnerOptions, dir: string, profile: Profile, note: string, until?: StopWhen): Promise<StepRun> {
  const hosts = opts.hosts ?? 1;
  const startAt = Date.now() + (opts.hostsLeadMs ?? HOSTS_LEAD_MS);
  const telemetry: TelemetryLine[] = [];
  const sampling = { startedAtMs: startAt, intervalMs: opts.telemetryIntervalMs, diskPath: dir };
  const handle = opts.telemetry ? startTelemetry(opts.telemetry, (l) => telemetry.push(l), sampling) : undefined;
  let result: LocalStepResult;
  try {
    result = await runStepOnLocalSegments({
      hosts,
      dir,
      runArgs: stepRunFlags(opts, profile),
      startAtEpochMs: startAt,
      workersPerHost: Math.max(1, Math.floor(opts.workers / hosts)),
      telemetry: () => telemetry,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    await handle?.stop();
  }
  const lines = readRunStore(result.dir).intervals;
  for (const line of lines) opts.onInterval?.(line);
  const stoppedAt = stopPoint(lines, profile, until);
  const lost = opts.signal?.aborted ? undefined : lostGenerators(result, result.manifest, hosts);
  if (lost) opts.onWarning?.(`${note}: ${lost}`);
  return { lines, telemetry, stoppedEarly: stoppedAt > 0, stoppedAt, ...(lost ? { lost } : {}) };
}
