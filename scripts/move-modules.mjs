#!/usr/bin/env node
// Moves TypeScript modules and rewrites every relative import of them, so a reorganisation of the
// folders is one mechanical, reviewable commit. Usage:
//   node scripts/move-modules.mjs MOVES_FILE
// MOVES_FILE holds one "FROM TO" pair per line (paths from the repository root; a folder moves
// every file under it). Every .ts/.mjs/.js file of the repository (outside node_modules and dist)
// has its relative specifiers in `from "…"`, `import("…")`, `import "…"` and
// `new URL("…", import.meta.url)` rewritten to the new places, and the moved files have their
// own specifiers rewritten from where they now live. Files move with `git mv`.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");
const movesFile = process.argv[2];
if (!movesFile) {
  console.error("usage: node scripts/move-modules.mjs MOVES_FILE  (one 'FROM TO' pair per line, paths from the repository root)");
  process.exit(2);
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Absolute old path → absolute new path, one entry per file. */
const moves = new Map();
for (const raw of readFileSync(movesFile, "utf8").split("\n")) {
  const line = raw.replace(/#.*/, "").trim();
  if (!line) continue;
  const [from, to] = line.split(/\s+/);
  const a = resolve(ROOT, from);
  const b = resolve(ROOT, to);
  if (!existsSync(a)) throw new Error(`${from} does not exist`);
  if (statSync(a).isDirectory()) for (const f of walk(a)) moves.set(f, join(b, relative(a, f)));
  else moves.set(a, b);
}
for (const to of moves.values()) if (existsSync(to) && !moves.has(to)) throw new Error(`${relative(ROOT, to)} already exists`);

const where = (file) => moves.get(file) ?? file;
const SPEC = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)(["'])(\.{1,2}\/[^"']+)\2/g;

function rewrite(file, text) {
  const oldDir = dirname(file);
  const newDir = dirname(where(file));
  return text.replace(SPEC, (all, lead, q, spec) => {
    const target = resolve(oldDir, spec);
    const asTs = target.replace(/\.js$/, ".ts");
    const real = moves.has(target) || existsSync(target) ? target : asTs;
    const moved = where(real);
    if (moved === real && newDir === oldDir) return all;
    let next = relative(newDir, real === asTs && real !== target ? moved.replace(/\.ts$/, ".js") : moved);
    if (!next.startsWith(".")) next = `./${next}`;
    return `${lead}${q}${next}${q}`;
  });
}

const files = walk(ROOT).filter((f) => /\.(ts|mts|mjs|js)$/.test(f));
let changed = 0;
const contents = new Map();
for (const f of files) {
  const text = readFileSync(f, "utf8");
  const next = rewrite(f, text);
  if (next !== text || moves.has(f)) contents.set(f, next);
}
for (const [from, to] of moves) {
  execFileSync("mkdir", ["-p", dirname(to)]);
  execFileSync("git", ["mv", from, to], { cwd: ROOT });
}
for (const [f, text] of contents) {
  writeFileSync(where(f), text);
  changed++;
}
console.log(`moved ${moves.size} files; rewrote imports in ${changed} files`);
