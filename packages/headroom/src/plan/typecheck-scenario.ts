// Type-checks a scenario file before it runs (tsx only strips types), so a scenario with a type
// error fails with the file, line and message instead of misbehaving under load. Uses the
// TypeScript compiler when it is installed; without it the check is skipped.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { HeadroomError } from "../errors.js";

type Ts = typeof import("typescript");

function loadTypescript(from: string): Ts | undefined {
  for (const base of [from, import.meta.url]) {
    try {
      return createRequire(base)("typescript") as Ts;
    } catch {
      /* try the next place */
    }
  }
  return undefined;
}

/** Throws HR_SCENARIO_INVALID listing the type errors in the file itself (at most 10). */
export async function typecheckScenario(file: string): Promise<{ checked: boolean }> {
  const ts = loadTypescript(`${dirname(file)}/`);
  if (!ts) return { checked: false };
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    esModuleInterop: true,
    resolveJsonModule: true,
    allowImportingTsExtensions: true,
  });
  const source = program.getSourceFile(file);
  const diags = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].filter((d) => d.file?.fileName === source?.fileName);
  if (diags.length === 0) return { checked: true };
  const lines = diags.slice(0, 10).map((d) => {
    const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${file}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n    ")}`;
  });
  throw new HeadroomError(
    "HR_SCENARIO_INVALID",
    `the scenario has ${diags.length} type error${diags.length > 1 ? "s" : ""}:\n  ${lines.join("\n  ")}`,
    "fix the errors above (your editor shows them too), or pass --no-typecheck to run anyway",
  );
}
