// Summarises a V8 .cpuprofile (as written by `node --cpu-prof`) into self time per function and
// per package, so a missed throughput target comes with where the generator's CPU went. Pure.

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTimeRow {
  /** "functionName (file:line)" */
  name: string;
  /** The package or area the code belongs to (undici, headroom, node:internal, (gc) ...). */
  area: string;
  selfMs: number;
  selfPct: number;
}

export interface CpuProfileSummary {
  totalMs: number;
  functions: SelfTimeRow[];
  areas: Array<{ area: string; selfMs: number; selfPct: number }>;
}

/** The area a script URL belongs to: a package under node_modules, headroom's own tree, node internals. */
export function areaOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return url.startsWith("node:internal") ? "node:internal" : url;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const hr = /packages\/headroom\/src\/([^/]+)\//.exec(url);
  if (hr) return `headroom/${hr[1]}`;
  return url.replace(/^file:\/\//, "");
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const src = url.indexOf("packages/headroom/");
  if (src >= 0) return url.slice(src + "packages/headroom/".length);
  return url.replace(/^file:\/\//, "");
}

/** Self time per node id: each sample owns the time until the next one (V8's own convention). */
function selfTimeByNodeUs(p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  if (samples.length > 0 && deltas.length === samples.length) {
    for (let i = 0; i < samples.length; i++) {
      const next = i + 1 < deltas.length ? deltas[i + 1]! : 0;
      self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + Math.max(0, next));
    }
    return self;
  }
  // No sample list: spread the profile's span over hit counts.
  const hits = p.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
  const perHitUs = hits > 0 ? (p.endTime - p.startTime) / hits : 0;
  for (const n of p.nodes) self.set(n.id, (n.hitCount ?? 0) * perHitUs);
  return self;
}

export function summarizeCpuProfile(p: CpuProfile, top = 15, excludeIdle = true): CpuProfileSummary {
  const selfUs = selfTimeByNodeUs(p);
  const byFn = new Map<string, { area: string; us: number }>();
  const byArea = new Map<string, number>();
  let totalUs = 0;
  for (const n of p.nodes) {
    const us = selfUs.get(n.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    if (excludeIdle && functionName === "(idle)") continue;
    const area = areaOf(url, functionName);
    const name = `${functionName || "(anonymous)"}${url ? ` (${shortUrl(url)}:${lineNumber + 1})` : ""}`;
    const cur = byFn.get(name) ?? { area, us: 0 };
    cur.us += us;
    byFn.set(name, cur);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    totalUs += us;
  }
  const pct = (us: number): number => (totalUs > 0 ? (100 * us) / totalUs : 0);
  const functions = [...byFn.entries()]
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, top)
    .map(([name, v]) => ({ name, area: v.area, selfMs: v.us / 1000, selfPct: pct(v.us) }));
  const areas = [...byArea.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, selfMs: us / 1000, selfPct: pct(us) }));
  return { totalMs: totalUs / 1000, functions, areas };
}

export function renderCpuProfileSummary(s: CpuProfileSummary, title: string, topAreas = 10): string {
  const out = [`${title}: ${s.totalMs.toFixed(0)} ms of CPU (idle excluded)`, "  by area:"];
  for (const a of s.areas.slice(0, topAreas)) out.push(`    ${a.selfPct.toFixed(1).padStart(5)} %  ${a.selfMs.toFixed(0).padStart(7)} ms  ${a.area}`);
  out.push("  top self time:");
  for (const f of s.functions) out.push(`    ${f.selfPct.toFixed(1).padStart(5)} %  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}`);
  return out.join("\n") + "\n";
}
