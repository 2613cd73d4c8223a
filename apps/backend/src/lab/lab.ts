// Lab faults: deliberate defects, enabled only in lab mode, each producing the real symptom a
// diagnosis must recognise (see apps/backend/README.md, "Lab faults"). `tiny-pool`, `cache-off`,
// `n-plus-one` and `slow-query` act where the pool, cache and queries are built; `leak` and
// `cpu-burn` act here, once per API request.
import { createHash } from "node:crypto";
import type { LabFault, LabTuning } from "../config.js";

export interface Lab {
  has(fault: LabFault): boolean;
  /** Runs the per-request faults (leak, cpu-burn). */
  onRequest(): void;
  leakedBytes(): number;
  cpuBurnedSeconds(): number;
}

export function createLab(faults: ReadonlySet<LabFault>, tuning: LabTuning, now: () => number = () => performance.now()): Lab {
  // Retained on purpose: the leak fault grows this for the life of the process.
  const retained: Buffer[] = [];
  let leaked = 0;
  let burnedMs = 0;
  const leak = faults.has("leak");
  const burn = faults.has("cpu-burn");
  return {
    has: (fault) => faults.has(fault),
    onRequest() {
      if (leak && leaked + tuning.leakBytesPerRequest <= tuning.leakMaxBytes) {
        // alloc (not allocUnsafe) writes every page, so the memory is resident, not just reserved.
        retained.push(Buffer.alloc(tuning.leakBytesPerRequest, leaked & 0xff));
        leaked += tuning.leakBytesPerRequest;
      }
      if (burn) {
        // Real hashing work, synchronous, on the event loop: shows as CPU and event-loop lag.
        const start = now();
        let digest = Buffer.alloc(32);
        do {
          for (let i = 0; i < 50; i++) digest = createHash("sha256").update(digest).digest();
        } while (now() - start < tuning.cpuBurnMs);
        burnedMs += now() - start;
      }
    },
    leakedBytes: () => leaked,
    cpuBurnedSeconds: () => burnedMs / 1000,
  };
}
