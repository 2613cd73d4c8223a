// Plain-text renderings of analysis results for the terminal (`headroom analyze`, `search`,
// `fit usl`). Strings only; the CLI prints them.
import { describeBound } from "./judge.js";
import { describeSlo } from "./slo.js";
import type { Bottleneck, CapacityAnalysis, RunAnalysis, SearchResult, UslFit } from "./types.js";

/** Left-aligned columns, two spaces apart; numbers right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"));
  return cells.map((r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n") + "\n";
}

const n = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? "-" : String(Math.round(v * 10 ** digits) / 10 ** digits));

function bytes(v: number | undefined): string {
  if (v === undefined) return "-";
  if (v >= 1024 ** 3) return `${n(v / 1024 ** 3, 2)} GiB`;
  if (v >= 1024 ** 2) return `${n(v / 1024 ** 2, 1)} MiB`;
  if (v >= 1024) return `${n(v / 1024, 1)} KiB`;
  return `${Math.round(v)} B`;
}

function value(v: number | undefined, unit: string): string {
  if (v === undefined) return "-";
  if (unit === "bytes") return bytes(v);
  if (unit === "bytes/s") return `${bytes(v)}/s`;
  return `${n(v, unit === "%" || unit === "ms" ? 2 : 1)}${unit === "%" ? "%" : unit ? ` ${unit}` : ""}`;
}

export function bottleneckText(list: readonly Bottleneck[]): string {
  if (list.length === 0) return "no bottleneck found: no component showed saturation (waiting clients, a hot core, a leak trend, a cache miss rate beyond target)\n";
  const out: string[] = [];
  list.forEach((b, i) => {
    out.push(`${i + 1}. ${b.rank.toUpperCase()} (${b.score}) ${b.componentLabel} [${b.component}]: ${b.symptom}`);
    for (const e of b.evidence) out.push(`     evidence: ${e.what} = ${e.value}${e.unit ? ` ${e.unit}` : ""}  (${e.source})`);
    out.push(`     limit: ${b.limit}`, `     impact: ${b.impact}`, `     recommendation: ${b.recommendation}`);
  });
  return out.join("\n") + "\n";
}

export function runAnalysisText(a: RunAnalysis): string {
  const s = a.summary;
  const parts: string[] = [];
  parts.push(
    `${a.run.name === "run" ? "run" : `run ${a.run.name}`} (${a.run.id}) judged at level "${a.run.loadLevel}": ${a.verdict}\n` +
      `  ${a.run.dir}\n  ${a.run.status}, ${a.run.durationSec} s, ${s.requests.total} requests (${s.requests.failed} failed), ${n(s.requests.ratePerSec)} req/s, peak ${s.peakUsers} users\n`,
  );
  parts.push(
    "\nVerdicts\n" +
      table(
        ["metric", "measured", "bound", "tier", "verdict", "source"],
        a.verdicts.map((v) => [v.label, v.measured === undefined ? "not measured" : value(v.measured, v.bound.unit), describeBound(v.bound), v.tier ?? "-", v.verdict, v.note && v.measured === undefined ? v.note : v.source]),
      ),
  );
  parts.push(
    "\nPhases\n" +
      table(
        ["phase", "seconds", "users", "requests", "failures", "req/s", "avg ms", "p50 ms", "p95 ms", "p99 ms"],
        a.phases.map((p) => [p.phase, `${p.startSec}-${p.endSec}`, p.maxUsers, p.requests, p.failures, p.rps, p.latencyMs.avg, p.latencyMs.p50, p.latencyMs.p95, p.latencyMs.p99]),
      ),
  );
  parts.push(
    "\nEndpoints\n" +
      table(
        ["endpoint", "method", "requests", "failures", "429", "req/s", "avg ms", "p50 ms", "p95 ms", "p99 ms"],
        a.endpoints.map((e) => {
          const l = e.latencyMs;
          return [e.name, e.method, e.requests, e.failures, e.rateLimited, e.rps, l.avg, l.p50, l.p95, l.p99];
        }),
      ),
  );
  if (a.classes.length > 0) parts.push("\nUser classes\n" + table(["class", "requests", "failures", "429", "429 %", "success %"], a.classes.map((c) => [c.name, c.requests, c.failures, c.rateLimited, c.rateLimitedPct, c.successPct])));
  parts.push(
    "\nResources\n" +
      table(
        ["component", "reading", "min", "avg", "max", "samples", "source"],
        a.resources.map((r) => [r.component, r.label, value(r.min, r.unit), value(r.avg, r.unit), value(r.max, r.unit), r.samples, r.note ?? r.source]),
      ),
  );
  parts.push("\nError rate per third\n" + table(["third", "seconds", "requests", "failures", "error %", "verdict"], a.errorThirds.map((t) => [t.index, `${t.startSec}-${t.endSec}`, t.requests, t.failures, t.errorPct, t.verdict])));
  parts.push("\nLeaks\n" + a.leaks.map((l) => `  ${l.label}: ${l.verdict.toUpperCase()} - ${l.reason}`).join("\n") + "\n");
  parts.push(`\nConnection pool: ${a.pool.verdict.toUpperCase()} - ${a.pool.reason} (${a.pool.source})\n`);
  parts.push(`Cache: ${a.cache.verdict}${a.cache.hitPct !== undefined ? ` - ${a.cache.reason}` : ` - ${a.cache.reason || "not measured"}`}\n`);
  parts.push(`Recovery after load removal: ${a.recovery.status}${a.recovery.recoverySec !== undefined ? ` in ${a.recovery.recoverySec} s` : ""} - ${a.recovery.reason}\n`);
  if (a.generator.limited) parts.push(`Generator: LIMITED - ${a.generator.reason}\n`);
  parts.push("\nBottlenecks\n" + bottleneckText(a.bottlenecks));
  if (a.notes.length > 0) parts.push("\nNotes\n" + a.notes.map((x) => `  - ${x}`).join("\n") + "\n");
  return parts.join("");
}

export function uslText(f: UslFit): string {
  const ci = (k: "alpha" | "beta" | "gamma"): string => (f.ci ? `  (95% CI ${f.ci[k][0].toPrecision(4)} .. ${f.ci[k][1].toPrecision(4)})` : "");
  const lines = [
    `USL fit over ${f.points} points: X(N) = γN / (1 + α(N−1) + βN(N−1))`,
    `  alpha (contention)  ${f.alpha.toPrecision(6)}${ci("alpha")}`,
    `  beta  (coherency)   ${f.beta.toPrecision(6)}${ci("beta")}`,
    `  gamma (X at N=1)    ${f.gamma.toPrecision(6)}${ci("gamma")}`,
    `  nMax = sqrt((1−α)/β) ${Number.isFinite(f.nMax) ? f.nMax.toFixed(1) : "none (β = 0)"}`,
    `  xMax                ${Number.isFinite(f.xMax) ? f.xMax.toFixed(2) : "unbounded (α = β = 0)"}`,
    `  R²                  ${f.rSquared.toFixed(5)}`,
  ];
  for (const w of f.warnings) lines.push(`  warning: ${w}`);
  return lines.join("\n") + "\n";
}

export function capacityText(c: CapacityAnalysis): string {
  const rows: (string | number)[][] = [
    ["Max concurrent users", c.maxUsers.value ?? "not reached", c.maxUsers.confidence, c.maxUsers.reason],
    ["Max requests/second", c.maxRps.value ?? "-", c.maxRps.confidence, c.maxRps.reason],
    ["Breaking point", `${c.breakingPoint.users ?? "-"} users / ${c.breakingPoint.rps ?? "-"} req/s: ${c.breakingPoint.limit}`, c.breakingPoint.confidence, c.breakingPoint.reason],
    ["Comfortable capacity", `${c.comfortable.users ?? "-"} users / ${c.comfortable.rps ?? "-"} req/s`, c.comfortable.confidence, c.comfortable.reason],
  ];
  if (c.knee) rows.push(["Knee (operational laws)", `${c.knee.value ?? "-"} users`, c.knee.confidence, `${c.knee.formula}; ${c.knee.reason}`]);
  let out = `Capacity (SLO ${describeSlo(c.slo)})\n` + table(["metric", "value", "confidence", "reason"], rows);
  out += "\nDegradation by load level\n" + table([c.model === "open" ? "rate" : "users", "req/s", "p95 ms", "error %", "behaviour", "verdict"], c.degradation.map((d) => [d.users ?? d.targetRate ?? 0, d.rps, d.p95Ms, d.errorPct, d.behaviour, d.verdict]));
  if (c.usl) out += "\n" + uslText(c.usl);
  return out;
}

/** The 429s of a search's steps, when the target's rate limiter answered enough of them to matter. */
function rateLimitNote(r: SearchResult): string {
  const worst = r.detail.steps.reduce<SearchResult["detail"]["steps"][number] | undefined>((w, s) => ((s.rateLimitedPct ?? 0) > (w?.rateLimitedPct ?? 0) ? s : w), undefined);
  if (!worst || (worst.rateLimitedPct ?? 0) < 1) return "";
  const load = r.model === "open" ? `${worst.targetRate} req/s` : `${worst.users} users`;
  return (
    `\n429 (rate limited): up to ${worst.rateLimitedPct}% of the responses (at ${load}) came from the target's rate limiter. ` +
    "They are not counted as errors (the limiter working is not the server breaking), but their quick answers count in req/s: " +
    "where they appear, the steps measure the limiter, not the server. To measure the server, lift the limit (the MueJam API: MUEJAM_RATE_LIMITS=off).\n"
  );
}

export function searchText(r: SearchResult): string {
  const open = r.model === "open";
  let out = "Steps\n" + table(["#", "pass", open ? "rate" : "users", "req/s", "p50 ms", "p95 ms", "error %", "429 %", "steady", "result"], r.detail.steps.map((s, i) => [i + 1, s.pass, (open ? s.targetRate : s.users) ?? 0, s.rps, s.p50Ms ?? 0, s.p95Ms, s.errorPct, s.rateLimitedPct ?? 0, s.steady === false ? "no" : "yes", s.ok ? "ok" : `BROKE: ${s.broke}`]));
  out += rateLimitNote(r);
  // No step met the SLO: there is no breaking point, only the advice the stop reason gives.
  const noneHeld = r.detail.steps.length > 0 && r.detail.steps.every((s) => !s.ok);
  if (noneHeld) out += `\nNo step met the SLO: ${r.detail.stopReason}\n`;
  else {
    out += "\n" + capacityText(r.detail.capacity);
    out += `\nRecovery after removing the overload: ${r.recoverySec === null ? "not measured" : `${r.recoverySec} s`}\n`;
    out += `Confidence: ${r.confidence} - ${r.confidenceReason}\n`;
    out += `Search: ${r.detail.stopReason}\n`;
  }
  if (r.detail.bottlenecks) out += `\nBottlenecks at ${noneHeld ? "the first step" : "the breaking point"}\n` + bottleneckText(r.detail.bottlenecks);
  return out;
}
