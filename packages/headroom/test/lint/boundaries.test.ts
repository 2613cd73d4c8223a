// The lint run's own test: the rules in eslint.config.js keep the layers of docs/architecture/layers.md.
// Each case lints text as if it were a file under test/lint/fixtures/<folder>/, where the config applies
// that folder's rules (layerRule); nothing is written to disk, so `npm run lint` and `tsc` never see
// the deliberate violations.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ESLint } from "eslint";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const SRC = join(ROOT, "packages/headroom/src");
const FIXTURES = "packages/headroom/test/lint/fixtures";

let eslint: ESLint;
let layers: Record<string, string[]>;

before(async () => {
  eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, "eslint.config.js") });
  // The table itself, so a change to it is tested as written (a dynamic import: the config is plain JavaScript).
  const config = (await import(pathToFileURL(join(ROOT, "eslint.config.js")).href)) as { LAYERS: Record<string, string[]> };
  layers = config.LAYERS;
});

/** The messages ESLint gives for `text` as the file `name` under fixtures/<folder>/. */
async function lint(folder: string, name: string, text: string): Promise<ESLint.LintResult["messages"]> {
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, FIXTURES, folder, name) });
  return result.messages;
}

const brief = (messages: ESLint.LintResult["messages"]) => messages.map((m) => `${m.line}: ${m.ruleId} ${m.message}`).join("\n");

test("a backward import (analysis/ from jobs/) is a no-restricted-imports error naming both folders", async () => {
  const messages = await lint("analysis", "backward.ts", 'import { runSuite } from "../jobs/run-suite.js";\n\nexport const suite = runSuite;\n');
  assert.equal(messages.length, 1, brief(messages));
  assert.equal(messages[0].ruleId, "no-restricted-imports");
  assert.equal(messages[0].severity, 2);
  assert.match(messages[0].message, /analysis\/ may import core, plan, metrics, store, telemetry/);
  assert.match(messages[0].message, /jobs\/ is not among them/);
});

test("a backward import two levels up (report/markdown/ from jobs/) is caught too", async () => {
  const messages = await lint("report/markdown", "deep.ts", 'import { runSuite } from "../../jobs/run-suite.js";\n\nexport const suite = runSuite;\n');
  assert.equal(messages.length, 1, brief(messages));
  assert.equal(messages[0].ruleId, "no-restricted-imports");
  assert.match(messages[0].message, /^.*report\/ may import .*; jobs\/ is not among them$/);
});

test("an allowed forward import (report/ from analysis/) gives no message", async () => {
  const messages = await lint("report", "forward.ts", 'import type { PhaseRow } from "../analysis/types.js";\n\nexport type Model = PhaseRow[];\n');
  assert.deepEqual(messages, []);
});

test("importing @muejam/backend is a no-restricted-imports error, even in cli/", async () => {
  for (const folder of ["analysis", "jobs", "cli"]) {
    const messages = await lint(folder, "backend.ts", 'import { startPlatform } from "@muejam/backend";\n\nexport const start = startPlatform;\n');
    // Both the named path and the "@muejam/*" pattern refuse it: one or two messages, all on that import.
    assert.ok(messages.length >= 1, `${folder}: no message`);
    for (const m of messages) {
      assert.equal(m.ruleId, "no-restricted-imports", `${folder}:\n${brief(messages)}`);
      assert.equal(m.line, 1);
      assert.match(m.message, /^'@muejam\/backend' import is restricted .*the core never imports the MueJam API/);
    }
  }
});

test("a deep path into apps/backend is refused as well", async () => {
  const messages = await lint("targets", "deep-backend.ts", 'import { build } from "../../../../apps/backend/src/app.js";\n\nexport const b = build;\n');
  assert.equal(messages.length, 1, brief(messages));
  assert.equal(messages[0].ruleId, "no-restricted-imports");
  assert.match(messages[0].message, /the core never imports the MueJam API/);
});

test("importing the package entry instead of the module is refused", async () => {
  const messages = await lint("planning", "entry.ts", 'import { analyzeRun } from "../index.js";\n\nexport const a = analyzeRun;\n');
  assert.equal(messages.length, 1, brief(messages));
  assert.equal(messages[0].ruleId, "no-restricted-imports");
  assert.match(messages[0].message, /import the module, not the package entry/);
});

test("console.log outside cli/ is a no-console error; inside cli/ it is allowed", async () => {
  const text = 'export function shout(): void {\n  console.log("hello");\n}\n';
  const outside = await lint("analysis", "print.ts", text);
  assert.equal(outside.length, 1, brief(outside));
  assert.equal(outside[0].ruleId, "no-console");
  assert.equal(outside[0].line, 2);
  assert.deepEqual(await lint("cli", "print.ts", text), []);
});

/** `n` lines of declarations, each ending with a newline (what `wc -l` counts). */
const linesOfCode = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};\n`).join("");

test("a file of 301 lines is a max-lines error; 300 lines pass", async () => {
  const long = await lint("metrics", "long.ts", linesOfCode(301));
  assert.equal(long.length, 1, brief(long));
  assert.equal(long[0].ruleId, "max-lines");
  assert.match(long[0].message, /too many lines \(301\)\. Maximum allowed is 300/);
  assert.deepEqual(await lint("metrics", "long.ts", linesOfCode(300)), []);
});

test("a function of 81 lines is a max-lines-per-function error; 80 lines pass", async () => {
  // header, `let`, n additions, `return`, closing brace: n + 4 lines
  const fn = (n: number) => `export function long(): number {\n  let total = 0;\n${"  total += 1;\n".repeat(n)}  return total;\n}\n`;
  const messages = await lint("core", "long-function.ts", fn(77));
  assert.equal(messages.length, 1, brief(messages));
  assert.equal(messages[0].ruleId, "max-lines-per-function");
  assert.match(messages[0].message, /too many lines \(81\)\. Maximum allowed is 80/);
  assert.deepEqual(await lint("core", "long-function.ts", fn(76)), []);
});

test("a line of code wider than 160 characters is a max-len error; a long string is exempt", async () => {
  const wide = `export const sums = [${Array.from({ length: 40 }, (_, i) => i).join(", ")}];\n`;
  assert.ok(wide.length > 161);
  const messages = await lint("plan", "wide.ts", wide);
  assert.equal(messages.length, 1, brief(messages));
  assert.equal(messages[0].ruleId, "max-len");
  assert.deepEqual(await lint("plan", "wide.ts", `export const text = "${"x".repeat(200)}";\n`), []);
});

test("every folder of the layer table may import exactly the folders listed for it", async () => {
  const folders = Object.keys(layers);
  for (const folder of folders) {
    const others = folders.filter((f) => f !== folder);
    const text = others.map((f, i) => `import "../${f}/module-${i}.js";\n`).join("");
    const messages = await lint(folder, "table.ts", text);
    const refused = messages.map((m) => {
      assert.equal(m.ruleId, "no-restricted-imports", brief([m]));
      assert.match(m.message, new RegExp(`^.*${folder}/ may import .*; ${others[m.line - 1]}/ is not among them$`));
      return others[m.line - 1];
    });
    assert.deepEqual(refused, others.filter((f) => !layers[folder].includes(f)), `${folder}/`);
  }
});

/** The fenced block of `lang` in a Markdown text, as lines. */
function fenced(markdown: string, lang: string): string[] {
  const block = markdown.split(`\n\`\`\`${lang}\n`)[1];
  assert.ok(block, `no \`\`\`${lang} block`);
  return block.slice(0, block.indexOf("\n```")).split("\n");
}

test("docs/architecture/layers.md draws the layer table as it is in eslint.config.js", () => {
  const page = readFileSync(join(ROOT, "docs/architecture/layers.md"), "utf8");
  const table = fenced(page, "text").map((row) => row.split(/\s+/));
  const asWritten = Object.fromEntries(table.map(([folder, ...deps]) => [folder.replace("/", ""), deps[0] === "(nothing" ? [] : deps.map((d) => d.replace("/", ""))]));
  assert.deepEqual(asWritten, layers);
  // The diagram: `cli --> lib` (every folder) and `lib --> core` (everyone uses core) stand for the rest.
  const drawn: Record<string, string[]> = { core: [], cli: Object.keys(layers).filter((f) => f !== "cli") };
  for (const edge of fenced(page, "mermaid").map((line) => /^\s*(\w+) --> (\w+(?: & \w+)*)$/.exec(line)).filter((m) => m !== null)) {
    if (edge[1] !== "cli" && edge[1] !== "lib") drawn[edge[1]] = ["core", ...edge[2].split(" & ")];
  }
  for (const folder of Object.keys(layers)) drawn[folder] ??= ["core"];
  const sorted = (byFolder: Record<string, string[]>) => Object.fromEntries(Object.entries(byFolder).map(([f, deps]) => [f, [...deps].sort()]).sort());
  assert.deepEqual(sorted(drawn), sorted(layers));
});

/** Every .ts file under `dir`, as paths relative to the repository root. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [relative(ROOT, path)] : [];
  });
}

/** Lines as `wc -l` counts them: newline characters. */
const lineCount = (text: string) => text.split("\n").length - 1;

test("no source file of packages/headroom/src has more than 300 lines", () => {
  const long = sourceFiles(SRC)
    .map((file) => ({ file, lines: lineCount(readFileSync(join(ROOT, file), "utf8")) }))
    .filter(({ lines }) => lines > 300);
  assert.deepEqual(long.map(({ file, lines }) => `${file} (${lines})`), []);
});

test("no source file of packages/headroom/src names @muejam/backend", () => {
  const naming = sourceFiles(SRC).filter((file) => readFileSync(join(ROOT, file), "utf8").includes("@muejam/backend"));
  assert.deepEqual(naming, []);
});
