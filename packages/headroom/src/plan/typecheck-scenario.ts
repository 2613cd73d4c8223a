// Type-checks a scenario file before it runs (tsx only strips types), so a scenario with a type
// error fails with the file, line and message instead of misbehaving under load. The compiler
// runs in a short-lived worker thread, so its few hundred MB are returned before the load starts;
// without TypeScript installed the check is skipped. A check that passed is cached (in the OS temp
// directory) until one of the files it read changes.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { HeadroomError } from "../core/errors.js";
import { checkScenarioFile } from "./load-scenario.js";
import { HEADROOM_INDEX_PATH, SCENARIO_ENTRY_PATH } from "./resolve-headroom.js";

/** Where headroom's own @types live, so a scenario outside the repository still sees node's types. */
function typeRoots(): string[] | undefined {
  try {
    return [dirname(dirname(createRequire(import.meta.url).resolve("@types/node/package.json")))];
  } catch {
    return undefined;
  }
}

// CommonJS, evaluated in the worker: find typescript next to the scenario (or next to headroom),
// check the one file, send back its own diagnostics.
const CHECKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
let ts;
for (const base of workerData.bases) { try { ts = createRequire(base)("typescript"); break; } catch {} }
if (!ts) { parentPort.postMessage({ checked: false, errors: [], total: 0 }); return; }
const file = workerData.file;
function check(headroomEntry) {
const program = ts.createProgram([file], {
  strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: workerData.typeRoots ? ["node"] : [], esModuleInterop: true, resolveJsonModule: true, allowImportingTsExtensions: true,
  paths: { headroom: [headroomEntry] },
  ...(workerData.typeRoots ? { typeRoots: workerData.typeRoots } : {}),
});
const source = program.getSourceFile(file);
const diags = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].filter((d) => d.file && source && d.file.fileName === source.fileName);
const errors = diags.slice(0, 10).map((d) => {
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start || 0);
  return file + ":" + (line + 1) + ":" + (character + 1) + ": " + ts.flattenDiagnosticMessageText(d.messageText, "\\n    ");
});
const files = program.getSourceFiles().map((f) => f.fileName).filter((f) => !/[\\/]node_modules[\\/](typescript|@types)[\\/]/.test(f));
// TS2305/TS2614: an export the small entry lacks; only then is the full index worth its cost.
const missingExport = diags.some((d) => (d.code === 2305 || d.code === 2614) && /headroom/.test(ts.flattenDiagnosticMessageText(d.messageText, " ")));
return { checked: true, errors, total: diags.length, files, version: ts.version, missingExport };
}
let result = check(workerData.scenarioEntry);
if (result.missingExport) result = check(workerData.headroomIndex);
parentPort.postMessage(result);
`;

interface CheckResult {
  checked: boolean;
  errors: string[];
  total: number;
  files?: string[];
  version?: string;
}

/** A passed check, remembered with the size and mtime of every file it read. */
interface CacheEntry {
  version: string;
  files: [path: string, size: number, mtimeMs: number][];
}

function cachePath(file: string): string {
  return join(tmpdir(), "headroom-typecheck", `${createHash("sha1").update(file).digest("hex")}.json`);
}

function fingerprint(path: string): [string, number, number] | undefined {
  try {
    const st = statSync(path);
    return [path, st.size, st.mtimeMs];
  } catch {
    return undefined;
  }
}

/** Whether the last passed check of `file` still holds: no file it read has changed since. */
function stillChecked(file: string): boolean {
  try {
    const entry = JSON.parse(readFileSync(cachePath(file), "utf8")) as CacheEntry;
    return entry.files.length > 0 && entry.files.every(([p, size, mtime]) => {
      const now = fingerprint(p);
      return now !== undefined && now[1] === size && now[2] === mtime;
    });
  } catch {
    return false;
  }
}

function remember(file: string, result: CheckResult): void {
  if (!result.files || !result.version) return;
  try {
    const files = result.files.map(fingerprint).filter((f): f is [string, number, number] => f !== undefined);
    mkdirSync(dirname(cachePath(file)), { recursive: true });
    writeFileSync(cachePath(file), JSON.stringify({ version: result.version, files } satisfies CacheEntry));
  } catch {
    /* a cache we cannot write only costs the next run a check */
  }
}

/** What the CLI says when no TypeScript was found (it is an optional peer dependency of the package). */
export const TYPECHECK_SKIPPED_NOTE = "note: the scenario was not type-checked: TypeScript is not installed (npm install --save-dev typescript to check scenarios before they run)\n";

/**
 * Throws HR_SCENARIO_INVALID listing the type errors in the file itself (at most 10). A check
 * that passed is remembered, and skipped while none of the files it read has changed.
 */
export async function typecheckScenario(file: string): Promise<{ checked: boolean; cached?: boolean }> {
  checkScenarioFile(file);
  if (stillChecked(file)) return { checked: true, cached: true };
  const result = await new Promise<CheckResult>((resolve, reject) => {
    const w = new Worker(`(() => {${CHECKER}})()`, { eval: true, workerData: { file, bases: [file, fileURLToPath(import.meta.url)], headroomIndex: HEADROOM_INDEX_PATH, scenarioEntry: SCENARIO_ENTRY_PATH, typeRoots: typeRoots() } });
    w.once("message", (m: CheckResult) => {
      resolve(m);
      void w.terminate();
    });
    w.once("error", reject);
  });
  if (result.total === 0) {
    if (result.checked) remember(file, result);
    return { checked: result.checked };
  }
  throw new HeadroomError(
    "HR_SCENARIO_INVALID",
    `the scenario has ${result.total} type error${result.total > 1 ? "s" : ""}:\n  ${result.errors.join("\n  ")}`,
    "fix the errors above (your editor shows them too), or pass --no-typecheck to run anyway",
  );
}
