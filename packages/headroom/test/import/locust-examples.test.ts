// Converted locustfiles type-check: this suite's fixtures and Locust's own examples (shipped by
// Debian's python3-locust, when installed) convert into scenario files that type-check together
// (one compiler run for all), and every TODO comment in a file is a line of its summary.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { convertLocustModule } from "../../src/import/locust-scenario.js";
import { parsePythonFile } from "../../src/import/python-ast.js";

const EXAMPLES = "/usr/share/doc/python3-locust/examples";
// Debian's interpreter directly: a version manager's python3 shim costs a second a call.
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const tmp = mkdtempSync(join(tmpdir(), "headroom-locust-examples-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("converted locustfiles (ours and Locust's examples) type-check; each TODO in a file is in its summary", async (t) => {
  const ours = ["shop_locustfile.py", "odd_locustfile.py"].map((f) => new URL(`./fixtures/${f}`, import.meta.url).pathname);
  const examples = [EXAMPLES, join(EXAMPLES, "custom_shape")].filter((d) => existsSync(d)).flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".py")).map((f) => join(d, f)));
  if (examples.length === 0) t.diagnostic("Locust's examples are not installed (apt-get install -y python3-locust): only this suite's fixtures are checked");
  const files = [...ours, ...examples];
  const outputs: string[] = [];
  let converted = 0;
  for (const file of files) {
    const parsed = await parsePythonFile(file, PYTHON);
    const c = convertLocustModule(parsed.module, file);
    const out = join(tmp, `${file.replace(/[^a-z0-9]+/gi, "_")}.scenario.ts`);
    writeFileSync(out, c.source);
    outputs.push(out);
    if (c.todos.length === 0) converted++;
    for (const m of c.source.matchAll(/TODO\(line (\d+)\)/g)) assert.ok(c.todos.some((t) => t.line === Number(m[1])), `${file}: TODO(line ${m[1]}) is not in the summary`);
  }
  // The shop fixture and Locust's basic examples convert whole.
  assert.ok(converted >= (examples.length > 0 ? 5 : 1), `${converted} files converted without a TODO`);
  const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
  const program = ts.createProgram(outputs, {
    strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ["node"],
    typeRoots: [dirname(dirname(createRequire(import.meta.url).resolve("@types/node/package.json")))],
    allowImportingTsExtensions: true, paths: { headroom: [new URL("../../src/plan/scenario-entry.ts", import.meta.url).pathname] },
  });
  const diags = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
  assert.deepEqual(diags, []);
});
