// Building the manifest of a new run: what ran, where, with which versions.
import { randomBytes } from "node:crypto";
import { arch, cpus, hostname, platform, release, totalmem } from "node:os";
import { STORE_VERSION, type HostInfo, type LoadLevel, type Manifest, type PlanDescription } from "../core/types.js";
import { VERSION } from "../core/version.js";

export function hostInfo(): HostInfo {
  const list = cpus();
  return { hostname: hostname(), platform: platform(), release: release(), arch: arch(), cpus: list.length, cpuModel: list[0]?.model ?? "unknown", memBytes: totalmem(), node: process.version };
}

/** A sortable, unique run id: 20250101-120000-3fa2 (UTC). */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${iso}-${randomBytes(2).toString("hex")}`;
}

export function newRunManifest(opts: { id?: string; name: string; plan: PlanDescription; target: Manifest["target"]; loadLevel?: LoadLevel; scale?: number; notes?: string[]; startedAt?: Date; untestable?: Record<string, string> }): Manifest {
  const startedAt = opts.startedAt ?? new Date();
  const m: Manifest = {
    storeVersion: STORE_VERSION,
    id: opts.id ?? newRunId(startedAt),
    name: opts.name,
    tool: { name: "headroom", version: VERSION },
    source: "headroom",
    target: opts.target,
    plan: opts.plan,
    host: hostInfo(),
    startedAt: startedAt.toISOString(),
    status: "running",
  };
  if (opts.loadLevel) m.loadLevel = opts.loadLevel;
  if (opts.scale !== undefined) m.scale = opts.scale;
  if (opts.notes) m.notes = opts.notes;
  if (opts.untestable && Object.keys(opts.untestable).length > 0) m.untestable = opts.untestable;
  return m;
}
