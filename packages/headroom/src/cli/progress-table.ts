// The end-of-run text summary: one row per endpoint (requests, failures, avg, p50, p95, p99,
// max, RPS), the totals, and what went wrong (status codes, error classes, dropped, generator).
import type { RunSummary } from "../core/types.js";

function table(rows: string[][], rightAlignFrom = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c >= rightAlignFrom ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ")).join("\n");
}

const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));

export function formatSummaryTable(s: RunSummary): string {
  const head = ["endpoint", "requests", "failed", "avg ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "rps"];
  const row = (name: string, requests: number, failed: number, l: RunSummary["latencyMs"], rps: number): string[] => [
    name,
    requests.toLocaleString("en-US"),
    failed > 0 ? `${failed.toLocaleString("en-US")} (${((failed / Math.max(1, requests)) * 100).toFixed(1)}%)` : "0",
    ms(l.mean),
    ms(l.p50),
    ms(l.p95),
    ms(l.p99),
    ms(l.max),
    rps.toFixed(1),
  ];
  const rows = [head, ...s.endpoints.map((e) => row(e.method === "GET" || e.name.includes("[") ? e.name : `${e.name} [${e.method}]`, e.requests, e.failed, e.latencyMs, e.ratePerSec))];
  if (s.endpoints.length !== 1) rows.push(row("total", s.requests.total, s.requests.failed, s.latencyMs, s.requests.ratePerSec));
  const out = [table(rows)];
  const facts: string[] = [];
  facts.push(`status: ${Object.entries(s.status).map(([k, v]) => `${k}=${v}`).join(" ") || "none"}`);
  const errors = Object.entries(s.errors).filter(([, v]) => v > 0);
  if (errors.length > 0) facts.push(`errors: ${errors.map(([k, v]) => `${k}=${v}`).join(" ")}`);
  if (s.dropped > 0) facts.push(`dropped: ${s.dropped} arrivals found no free capacity (raise --max-in-flight, or the target is too slow for the rate)`);
  const classes = Object.entries(s.classes);
  if (classes.length > 0) facts.push(`classes: ${classes.map(([k, c]) => `${k} ${c.requests} req, ${c.failed} failed, ${c.rateLimitedPct}% 429`).join("; ")}`);
  facts.push(`generator: ${s.generator.cpuPct}% CPU, event-loop lag p99 ${s.generator.eventLoopLagMsP99} ms, peak RSS ${Math.round(s.generator.peakRssBytes / 1048576)} MB`);
  if (s.generator.limited && s.generator.reason) facts.push(`WARNING: ${s.generator.reason}`);
  facts.push(`${s.runStatus} in ${s.durationSec} s; run directory: ${s.runDir}`);
  out.push(facts.join("\n"));
  return out.join("\n\n") + "\n";
}
