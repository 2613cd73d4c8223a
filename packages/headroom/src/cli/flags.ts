// Parsers of command-line values shared by the commands: each names the flag, the bad value and
// the expected form.
import { HeadroomError } from "../core/errors.js";
import { parseDurationMs } from "../plan/duration.js";
import { between, constant, type WaitSpec } from "../plan/wait.js";

/** Commander reducer for repeatable options (acc is undefined when the option has no default). */
export const collect = (v: string, acc: string[] | undefined): string[] => [...(acc ?? []), v];

export function parseCount(text: string, flag: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new HeadroomError("HR_BAD_NUMBER", `${flag} "${text}" is not a whole number >= ${min}`, `give ${flag} a whole number, e.g. ${flag} ${Math.max(min, 50)}`);
  }
  return n;
}

export function parsePositive(text: string, flag: string, example: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new HeadroomError("HR_BAD_NUMBER", `${flag} "${text}" is not a positive number`, `give ${flag} a number greater than 0, e.g. ${flag} ${example}`);
  }
  return n;
}

/** A number >= `min` (default 0), whole when `integer`; the hint shows `example`. */
export function parseNumber(text: string, flag: string, opts: { min?: number; integer?: boolean; example?: string } = {}): number {
  const n = Number(text);
  const min = opts.min ?? 0;
  if (text.trim() === "" || !Number.isFinite(n) || n < min || (opts.integer && !Number.isInteger(n))) {
    const kind = opts.integer ? "whole number" : "number";
    throw new HeadroomError("HR_BAD_NUMBER", `${flag} "${text}" is not a ${kind} >= ${min}`, `give ${flag} a ${kind}, e.g. ${flag} ${opts.example ?? Math.max(min, opts.integer ? 10 : 2)}`);
  }
  return n;
}

/** "k=v" → [k, v]. */
export function parseVar(text: string): [string, string] {
  const i = text.indexOf("=");
  if (i <= 0) throw new HeadroomError("HR_BAD_ARGUMENT", `--var "${text}" is not of the form key=value`, "write variables as --var tokens=./tokens.json");
  return [text.slice(0, i), text.slice(i + 1)];
}

export function parseHttpUrl(text: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new HeadroomError("HR_BAD_URL", `${flag} "${text}" is not a URL`, `give the full URL with its scheme, e.g. ${flag} http://127.0.0.1:3000`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new HeadroomError("HR_BAD_URL", `${flag} "${text}" has scheme "${u.protocol}"; expected http: or https:`, `e.g. ${flag} http://127.0.0.1:3000`);
  }
  return text.replace(/\/+$/, "");
}

/** Think time: "2s" (the same pause every time) or "1s-5s" (uniform between, the shorter first). */
export function parseThink(text: string): WaitSpec {
  const parts = text.split(/-(?=\d)/);
  const form = 'expected one duration (2s) or MIN-MAX with MIN <= MAX (1s-5s)';
  if (parts.length > 2) throw new HeadroomError("HR_BAD_DURATION", `--think "${text}" has ${parts.length} parts; ${form}`, "write --think 2s or --think 1s-5s");
  const lo = parseDurationMs(parts[0]!, "--think") / 1000;
  if (parts.length === 1) return constant(lo);
  const hi = parseDurationMs(parts[1]!, "--think") / 1000;
  if (lo > hi) throw new HeadroomError("HR_BAD_DURATION", `--think "${text}" has its minimum ${parts[0]} above its maximum ${parts[1]}; ${form}`, `put the shorter pause first: --think ${parts[1]}-${parts[0]}`);
  return between(lo, hi);
}
