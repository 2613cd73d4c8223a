// Number, duration and byte formatting shared by the Markdown, HTML and text renderers, so the
// same figure reads the same in every document.

/** Up to `digits` significant digits, without exponent notation or trailing zeros. */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 10 ** digits) return Math.round(v).toLocaleString("en-US");
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return String(Number(v.toFixed(Math.min(decimals, 6))));
}

/** Compact axis labels: 950, 1.2k, 34k, 1.5M. */
export function formatCompact(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${formatNumber(v / 1e9, 3)}G`;
  if (abs >= 1e6) return `${formatNumber(v / 1e6, 3)}M`;
  if (abs >= 1e4) return `${formatNumber(v / 1e3, 3)}k`;
  return formatNumber(v, 3);
}

/** Milliseconds with a precision that suits the magnitude: 0.412, 12.3, 1,204. */
export function formatMs(ms: number): string {
  if (ms >= 100) return Math.round(ms).toLocaleString("en-US");
  return formatNumber(ms, 3);
}

/** A percentage with up to 3 significant digits (0.012 %, 4.5 %, 99.9 %). */
export function formatPct(pct: number): string {
  if (pct === 0) return "0";
  if (pct >= 10) return String(Math.round(pct * 10) / 10);
  return formatNumber(pct, 2);
}

/** Integer with thousands separators. */
export function formatInt(v: number): string {
  return Math.round(v).toLocaleString("en-US");
}

/** "16,000" or, for a loosely bracketed break, "between 8,000 (met the SLO) and 16,000". */
export function formatBreakUsers(users: number, lastGood: number | undefined): string {
  return lastGood !== undefined ? `between ${formatInt(lastGood)} (met the SLO) and ${formatInt(users)}` : formatInt(users);
}

/** Seconds as m:ss or h:mm:ss (elapsed time on chart axes). */
export function formatElapsed(sec: number): string {
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Seconds as a readable duration: 45 s, 5 min, 1 h 30 min. */
export function formatDuration(sec: number): string {
  if (sec < 120) return `${formatNumber(sec, 3)} s`;
  const min = Math.round(sec / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 ** 3) return `${formatNumber(bytes / 1024 ** 3, 3)} GiB`;
  if (abs >= 1024 ** 2) return `${formatNumber(bytes / 1024 ** 2, 3)} MiB`;
  if (abs >= 1024) return `${formatNumber(bytes / 1024, 3)} KiB`;
  return `${formatInt(bytes)} B`;
}
