// The platform benchmark's result model and its Markdown table (pure; bench/platform.ts measures).

export interface PlatformCaseResult {
  id: string;
  label: string;
  request: string;
  connections: number;
  durationSec: number;
  requests: number;
  ratePerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  /** CPU of the API process(es) over the case, in percent of one core. */
  apiCpuPct: number;
  /** CPU of the PostgreSQL processes over the case (percent of one core); null when not on this host. */
  dbCpuPct: number | null;
  /** Cache hits / (hits + misses) the API counted during the case; null on an uncached route. */
  cacheHitPct: number | null;
  /** Database queries per request the API counted during the case. */
  queriesPerRequest: number;
}

export interface PlatformBenchReport {
  date: string;
  command: string;
  host: string;
  setup: string;
  cases: PlatformCaseResult[];
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

export function renderPlatformMarkdown(r: PlatformBenchReport): string {
  const rows = r.cases.map((c) =>
    `| ${c.label} | \`${c.request}\` | ${Math.round(c.ratePerSec).toLocaleString("en-US")} | ${fmt(c.latencyP50Ms)} | ${fmt(c.latencyP99Ms)} | ${fmt(c.latencyMaxMs, 0)} | ${c.non2xx + c.errors} | ${fmt(c.apiCpuPct, 0)} % | ${c.dbCpuPct === null ? "-" : `${fmt(c.dbCpuPct, 0)} %`} | ${c.cacheHitPct === null ? "-" : `${fmt(c.cacheHitPct, 1)} %`} | ${fmt(c.queriesPerRequest, 2)} |`,
  );
  return [
    `Measured ${r.date} with \`${r.command}\` on ${r.host}.`,
    "",
    r.setup,
    "",
    "| case | request | req/s | p50 ms | p99 ms | max ms | non-2xx + errors | API CPU | PostgreSQL CPU | cache hits | queries/req |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

/** Replaces the text between `<!-- start -->` and `<!-- end -->` markers; throws if they are missing. */
export function replaceBetween(doc: string, start: string, end: string, content: string): string {
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`markers ${start} ... ${end} not found`);
  return doc.slice(0, a + start.length) + "\n" + content + "\n" + doc.slice(b);
}

/** Sums the samples of a Prometheus counter or histogram-sum series whose line starts with `series`. */
export function promSum(text: string, series: string): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(series)) total += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
  }
  return total;
}
