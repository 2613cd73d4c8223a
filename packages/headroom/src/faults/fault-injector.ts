// The fault injector of the failure-scenarios test: at each scheduled second it breaks the
// platform through its real interfaces (see faults.ts), and all along it polls the platform's
// readiness endpoint, so the documents can say what the platform itself reported. Everything it
// does and sees goes into the run store as telemetry lines:
//   source "fault"      one line per fault, when it was released: labels.kind, values.index,
//                       values.startT / endT (seconds since t = 0), values.affected (connections
//                       terminated, processes stopped); ok=false with the reason when it could not act
//   source "readiness"  one line per poll, stamped when it was answered (or gave up):
//                       values.status (0 = no answer), values.latencyMs, labels.reason when not ready
import pg from "pg";
import { Redis } from "ioredis";
import { realClock, sleep } from "../core/clock.js";
import type { TelemetryLine } from "../core/types.js";
import { faultReach, FAULT_LABELS, type FaultTargets, type ScheduledFault } from "../plan/faults.js";

export const READINESS_POLL_MS = 500;
export const READINESS_TIMEOUT_MS = 1_000;

const errorText = (e: unknown): string => (e instanceof Error ? e.message || e.name : String(e));

/**
 * pg_terminate_backend of every connection to the URL's database with this application_name
 * (the injector's own connection excluded). Returns how many were terminated.
 */
export async function terminateAppConnections(databaseUrl: string, applicationName: string): Promise<{ terminated: number; database: string }> {
  const c = new pg.Client({ connectionString: databaseUrl, application_name: "headroom-fault", connectionTimeoutMillis: 3_000, statement_timeout: 3_000 });
  c.on("error", () => {});
  await c.connect();
  try {
    const r = await c.query<{ db: string; terminated: string }>(
      `SELECT current_database() AS db, count(*) FILTER (WHERE pg_terminate_backend(pid)) AS terminated
         FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
      [applicationName],
    );
    return { terminated: Number(r.rows[0]?.terminated ?? 0), database: r.rows[0]?.db ?? "?" };
  } finally {
    await c.end().catch(() => {});
  }
}

const stopped = new Set<number>();
let exitHookInstalled = false;

/** Resumes every process this module stopped (also on process exit, so none is left frozen). */
export function resumeAll(): void {
  for (const pid of stopped) {
    try {
      process.kill(pid, "SIGCONT");
    } catch {
      // Already gone.
    }
    stopped.delete(pid);
  }
}

/**
 * SIGSTOP of the processes, SIGCONT after `ms` (or when `signal` aborts). Refuses headroom's own
 * process. Returns the pids stopped and when, in epoch ms.
 */
export async function stallProcesses(
  pids: readonly number[],
  ms: number,
  signal?: AbortSignal,
): Promise<{ stopped: number[]; startMs: number; endMs: number }> {
  if (!exitHookInstalled) {
    process.once("exit", resumeAll);
    exitHookInstalled = true;
  }
  const mine: number[] = [];
  const startMs = Date.now();
  try {
    for (const pid of pids) {
      if (pid === process.pid || pid <= 1) continue;
      process.kill(pid, "SIGSTOP");
      stopped.add(pid);
      mine.push(pid);
    }
    await sleep(realClock, ms, signal);
  } finally {
    for (const pid of mine) {
      try {
        process.kill(pid, "SIGCONT");
      } catch {
        // The process ended while stopped.
      }
      stopped.delete(pid);
    }
  }
  return { stopped: mine, startMs, endMs: Date.now() };
}

/** CLIENT PAUSE <ms> ALL: Redis holds every client's commands for `ms`, then releases itself. */
export async function pauseRedis(url: string, ms: number): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    await r.call("CLIENT", "PAUSE", String(Math.round(ms)), "ALL");
  } finally {
    r.disconnect();
  }
}

export interface FaultInjectorOptions {
  faults: readonly ScheduledFault[];
  targets: FaultTargets;
  /** Epoch ms of the load's t = 0. */
  startedAtMs: number;
  emit: (line: TelemetryLine) => void;
  readinessIntervalMs?: number;
}

export interface FaultInjector {
  /** Cancels faults not yet due, ends a stall in progress, stops polling; resolves when all is quiet. */
  stop(): Promise<void>;
}

export function startFaultInjector(opts: FaultInjectorOptions): FaultInjector {
  const abort = new AbortController();
  const tOf = (ms: number): number => Math.round(((ms - opts.startedAtMs) / 1000) * 1000) / 1000;
  const line = (tsMs: number, source: string, fields: Omit<TelemetryLine, "ts" | "t" | "source">): void => opts.emit({ ts: tsMs, t: tOf(tsMs), source, ...fields });
  const timers: NodeJS.Timeout[] = [];
  const running: Promise<void>[] = [];

  async function inject(f: ScheduledFault): Promise<void> {
    const reach = faultReach(f.kind, opts.targets);
    const t0 = Date.now();
    const base = { index: f.index, plannedAtSec: f.atSec, plannedSec: f.durationSec };
    if (!reach.ok) {
      line(t0, "fault", { ok: false, error: `not measured: ${reach.reason}`, values: base, labels: { kind: f.kind } });
      return;
    }
    try {
      if (f.kind === "db-connections") {
        const r = await terminateAppConnections(opts.targets.databaseUrl!, f.applicationName!);
        const t1 = Date.now();
        const detail = `pg_terminate_backend of ${r.terminated} connection(s) with application_name '${f.applicationName}' on database ${r.database}`;
        line(t0, "fault", { ok: true, values: { ...base, startT: tOf(t0), endT: tOf(t1), affected: r.terminated }, labels: { kind: f.kind, detail } });
      } else if (f.kind === "app-stall") {
        const r = await stallProcesses(opts.targets.pids!, f.durationSec * 1000, abort.signal);
        const detail = `SIGSTOP of pid ${r.stopped.join(", ")}, SIGCONT ${((r.endMs - r.startMs) / 1000).toFixed(2)} s later`;
        line(r.startMs, "fault", { ok: r.stopped.length > 0, ...(r.stopped.length === 0 ? { error: "not measured: no process could be stopped" } : {}), values: { ...base, startT: tOf(r.startMs), endT: tOf(r.endMs), affected: r.stopped.length }, labels: { kind: f.kind, detail } });
      } else {
        await pauseRedis(opts.targets.redisUrl!, f.durationSec * 1000);
        const detail = `CLIENT PAUSE ${Math.round(f.durationSec * 1000)} ALL`;
        line(t0, "fault", { ok: true, values: { ...base, startT: tOf(t0), endT: tOf(t0 + f.durationSec * 1000), affected: 1 }, labels: { kind: f.kind, detail } });
      }
    } catch (e) {
      line(t0, "fault", { ok: false, error: `not measured: ${FAULT_LABELS[f.kind]} could not be injected: ${errorText(e)}`, values: base, labels: { kind: f.kind } });
    }
  }

  for (const f of opts.faults) {
    const delay = Math.max(0, opts.startedAtMs + f.atSec * 1000 - Date.now());
    timers.push(setTimeout(() => running.push(inject(f)), delay));
  }

  const readinessUrl = new URL(opts.targets.readinessPath ?? "/health/ready", opts.targets.baseUrl).toString();
  const poll = async (): Promise<void> => {
    const every = opts.readinessIntervalMs ?? READINESS_POLL_MS;
    while (!abort.signal.aborted) {
      const t0 = Date.now();
      let status = 0;
      let reason: string | undefined;
      try {
        const res = await fetch(readinessUrl, { signal: AbortSignal.timeout(READINESS_TIMEOUT_MS) });
        status = res.status;
        const text = await res.text();
        if (status !== 200) {
          try {
            reason = ((JSON.parse(text) as { reasons?: string[] }).reasons ?? []).join("; ") || text.slice(0, 200);
          } catch {
            reason = text.slice(0, 200);
          }
        }
      } catch (e) {
        if (abort.signal.aborted) break;
        reason = (e as Error).name === "TimeoutError" ? `no answer within ${READINESS_TIMEOUT_MS} ms` : errorText(e);
      }
      // Stamped when the answer came (or the poll gave up): "ready again at t" means it answered then.
      const t1 = Date.now();
      line(t1, "readiness", { ok: status === 200, values: { status, latencyMs: t1 - t0 }, ...(reason ? { labels: { reason } } : {}) });
      await sleep(realClock, t0 + every - Date.now(), abort.signal);
    }
  };
  const polling = poll();

  return {
    async stop() {
      for (const t of timers) clearTimeout(t);
      abort.abort();
      await Promise.allSettled([...running, polling]);
      resumeAll();
    },
  };
}
