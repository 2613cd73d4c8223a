// Builds the published form of headroom: dist/ holds the JavaScript and declaration files tsc
// emits from src/, the two plain-JavaScript module files (worker bootstrap, resolve hooks) and the
// default infrastructure model the `scale` commands and `plan` read. Run by `npm run build` and by
// `npm pack` (prepack); the repository itself runs the sources under tsx and needs no build.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const src = join(root, "src");
const dist = join(root, "dist");

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
for (const file of walk(src).filter((f) => f.endsWith(".mjs"))) {
  const to = join(dist, relative(src, file));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(file, to);
}
// The defaults that live at the repository root (config/), shipped inside the package.
mkdirSync(join(dist, "config"), { recursive: true });
copyFileSync(join(root, "..", "..", "config", "infrastructure.default.json"), join(dist, "config", "infrastructure.default.json"));
process.stdout.write(`built ${relative(process.cwd(), dist) || "."}\n`);
