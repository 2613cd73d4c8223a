// Parsers of command-line values shared by the commands: each names the flag, the bad value and
// the expected form.
import { HeadroomError } from "../errors.js";

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
