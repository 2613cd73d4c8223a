// The closed model (Locust, k6 ramping-vus): a number of users that changes over stages at a
// spawn rate; each user loops over its work. Throughput mode is the closed model with C users,
// all started at once, and no think time. This part of the load is the users whose global index
// falls in this segment, so workers and hosts together run exactly the planned users.
import type { Clock, TimerHandle } from "../core/clock.js";
import { nextUsersChangeMs, targetUsersAt, type ClosedStage } from "./schedule.js";
import { inSegment, type SegmentPath } from "./segments.js";
import type { UserHandle, Workload } from "./workload.js";

export interface ClosedExecutor {
  start(): void;
  /** Stops starting users and asks every running user to stop. */
  stop(): void;
  /** Users running now (this segment). */
  activeUsers(): number;
  /** Settles when every started user has stopped. */
  settled(): Promise<void>;
}

export function closedExecutor(opts: { stages: readonly ClosedStage[]; segment: SegmentPath; workload: Workload; clock: Clock }): ClosedExecutor {
  const { stages, segment, workload, clock } = opts;
  /** Running users of this segment, in start order (stops take the newest first, as Locust does). */
  const running: { index: number; handle: UserHandle }[] = [];
  const all = new Set<Promise<void>>();
  /** Global users planned so far (every index below it is running, in some segment). */
  let globalUsers = 0;
  let t0 = 0;
  let timer: TimerHandle | undefined;
  let stopped = false;

  const apply = (): void => {
    if (stopped) return;
    const elapsed = clock.now() - t0;
    const target = targetUsersAt(stages, elapsed);
    for (; globalUsers < target; globalUsers++) {
      if (!inSegment(segment, globalUsers)) continue;
      const handle = workload.startUser(globalUsers);
      running.push({ index: globalUsers, handle });
      all.add(handle.done);
      void handle.done.finally(() => all.delete(handle.done));
    }
    while (globalUsers > target) {
      globalUsers--;
      if (running.length > 0 && running[running.length - 1]!.index === globalUsers) running.pop()!.handle.stop();
    }
    const next = nextUsersChangeMs(stages, elapsed);
    // At very high spawn rates, catch up in small batches rather than one timer per user.
    if (Number.isFinite(next)) timer = clock.setTimeout(apply, Math.max(next - elapsed, 5));
  };

  return {
    start() {
      t0 = clock.now();
      apply();
    },
    stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
      while (running.length > 0) running.pop()!.handle.stop();
    },
    activeUsers: () => running.length,
    settled: async () => {
      while (all.size > 0) await Promise.all([...all]);
    },
  };
}
