// mkdir -p that fails once instead of looping. Node 20's mkdirSync(path, { recursive: true })
// never returns under /proc (mkdir says ENOENT, the parent exists, so it tries again, forever):
// here each directory on the way is created at most once, and a second refusal is thrown as is.
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

export function makeDirectory(path: string): void {
  const abs = resolve(path);
  try {
    mkdirSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && statSync(abs).isDirectory()) return;
    if (code !== "ENOENT" || dirname(abs) === abs) throw e;
    makeDirectory(dirname(abs));
    try {
      mkdirSync(abs);
    } catch (again) {
      // Created by someone else meanwhile is fine; anything else (ENOENT again under /proc) is the answer.
      if ((again as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(abs).isDirectory()) throw again;
    }
  }
}
