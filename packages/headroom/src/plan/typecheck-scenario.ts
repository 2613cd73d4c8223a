// Type-checks a scenario file before it runs (tsx only strips types), so a scenario with a type
// error fails with the file, line and message instead of misbehaving under load. The compiler
// runs in a short-lived worker thread, so its few hundred MB are returned before the load starts;
// without TypeScript installed the check is skipped.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import { HeadroomError } from "../errors.js";
import { HEADROOM_INDEX_PATH } from "./resolve-headroom.js";

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
const program = ts.createProgram([file], {
  strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ["node"], esModuleInterop: true, resolveJsonModule: true, allowImportingTsExtensions: true,
  paths: { headroom: [workerData.headroomIndex] },
  ...(workerData.typeRoots ? { typeRoots: workerData.typeRoots } : {}),
});
const source = program.getSourceFile(file);
const diags = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].filter((d) => d.file && source && d.file.fileName === source.fileName);
const errors = diags.slice(0, 10).map((d) => {
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start || 0);
  return file + ":" + (line + 1) + ":" + (character + 1) + ": " + ts.flattenDiagnosticMessageText(d.messageText, "\\n    ");
});
parentPort.postMessage({ checked: true, errors, total: diags.length });
`;

/** Throws HR_SCENARIO_INVALID listing the type errors in the file itself (at most 10). */
export async function typecheckScenario(file: string): Promise<{ checked: boolean }> {
  const result = await new Promise<{ checked: boolean; errors: string[]; total: number }>((resolve, reject) => {
    const w = new Worker(`(() => {${CHECKER}})()`, { eval: true, workerData: { file, bases: [file, new URL(import.meta.url).pathname], headroomIndex: HEADROOM_INDEX_PATH, typeRoots: typeRoots() } });
    w.once("message", (m: { checked: boolean; errors: string[]; total: number }) => {
      resolve(m);
      void w.terminate();
    });
    w.once("error", reject);
  });
  if (result.total === 0) return { checked: result.checked };
  throw new HeadroomError(
    "HR_SCENARIO_INVALID",
    `the scenario has ${result.total} type error${result.total > 1 ? "s" : ""}:\n  ${result.errors.join("\n  ")}`,
    "fix the errors above (your editor shows them too), or pass --no-typecheck to run anyway",
  );
}
