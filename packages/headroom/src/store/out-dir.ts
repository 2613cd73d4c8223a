// An --out folder that already holds files belongs to an earlier run: writing a new run there
// would mix the two (appended intervals once doubled a rebuilt summary's rate). It is refused
// unless the user says --force; then the run's files are rewritten from empty (createRunStore).
import { readdirSync, statSync } from "node:fs";
import { HeadroomError } from "../core/errors.js";

/** Throws HR_OUT_NOT_EMPTY when `dir` exists with entries and `force` is not set. */
export function checkOutDir(dir: string, force: boolean | undefined, flag = "--out"): void {
  if (force) return;
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      throw new HeadroomError("HR_OUT_NOT_EMPTY", `${flag} "${dir}" is a file; expected a new or empty folder`, `choose a folder path for ${flag}`);
    }
    entries = readdirSync(dir).sort();
  } catch (e) {
    if (e instanceof HeadroomError) throw e;
    return; // absent: it will be created
  }
  if (entries.length === 0) return;
  const shown = entries.slice(0, 4).join(", ") + (entries.length > 4 ? `, ... (${entries.length} entries)` : "");
  throw new HeadroomError(
    "HR_OUT_NOT_EMPTY",
    `${flag} "${dir}" is not empty (${shown}): a new run there would mix with the earlier one`,
    `choose a new folder for ${flag}, or add --force to overwrite the earlier run's files`,
  );
}
