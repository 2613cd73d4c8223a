// Reads a Python file with Python's own parser: `python3` runs a small script that dumps the
// module's `ast` as JSON (node type in "_", fields as ast names them, "line" and the statement's
// source text in "src"). Parsing Python ourselves would be a second, wrong parser; every Locust
// user has python3.
import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { HeadroomError } from "../core/errors.js";

/** One node of Python's ast, as dumped: `_` is its type (ClassDef, Call, ...). */
export interface PyNode {
  _: string;
  line?: number;
  /** The statement's source text (statements only). */
  src?: string;
  [field: string]: unknown;
}

const DUMPER = String.raw`
import ast, json, sys
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    src = f.read()
try:
    tree = ast.parse(src, filename=path)
except SyntaxError as e:
    print(json.dumps({"syntaxError": {"line": e.lineno, "msg": e.msg, "text": (e.text or "").strip()}}))
    sys.exit(0)
def conv(n):
    if isinstance(n, ast.AST):
        d = {"_": type(n).__name__}
        for name, value in ast.iter_fields(n):
            if name in ("ctx", "type_comment", "kind", "type_ignores"):
                continue
            d[name] = conv(value)
        if hasattr(n, "lineno"):
            d["line"] = n.lineno
        if isinstance(n, ast.stmt):
            d["src"] = ast.get_source_segment(src, n)
        return d
    if isinstance(n, list):
        return [conv(x) for x in n]
    if n is None or isinstance(n, (str, bool, int)):
        return n
    if isinstance(n, float):
        return n if n == n and abs(n) != float("inf") else repr(n)
    return {"_": "Unsupported", "repr": repr(n)}
print(json.dumps({"module": conv(tree), "python": sys.version.split()[0]}))
`;

export interface ParsedPython {
  module: PyNode;
  python: string;
}

/** Parses `path` with `python` (default python3). Errors: missing file, python absent, not Python. */
export async function parsePythonFile(path: string, python = "python3"): Promise<ParsedPython> {
  if (!existsSync(path)) throw new HeadroomError("HR_INPUT_INVALID", `locustfile "${path}" does not exist`, "give the path of your locustfile, e.g. headroom import locust locustfile.py --out suite.scenario.ts");
  if (statSync(path).isDirectory()) throw new HeadroomError("HR_INPUT_INVALID", `"${path}" is a directory, not a locustfile`, "give the .py file itself, e.g. headroom import locust loadtests/locustfile.py --out suite.scenario.ts");
  const out = await new Promise<string>((resolveOut, reject) => {
    execFile(python, ["-c", DUMPER, path], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          reject(new HeadroomError("HR_PYTHON_MISSING", `"${python}" was not found on PATH; headroom reads locustfiles with Python's own ast module`, "install Python 3.8 or later (apt-get install python3), or set HEADROOM_PYTHON to the interpreter's path"));
        } else {
          const why = stderr.trim().split("\n").slice(-1)[0] ?? err.message;
          reject(new HeadroomError("HR_INPUT_INVALID", `python could not read "${path}": ${why}`, "check that the file is a readable, UTF-8 Python source file"));
        }
        return;
      }
      resolveOut(stdout);
    });
  });
  const parsed = JSON.parse(out) as ParsedPython & { syntaxError?: { line: number; msg: string; text: string } };
  if (parsed.syntaxError) {
    const e = parsed.syntaxError;
    throw new HeadroomError("HR_INPUT_INVALID", `"${path}" is not valid Python: line ${e.line}: ${e.msg}${e.text ? ` (${e.text})` : ""}`, "give a locustfile that `python3 -m py_compile FILE` accepts");
  }
  return parsed;
}

// Small typed accessors over dumped nodes.
export const isNode = (v: unknown): v is PyNode => typeof v === "object" && v !== null && typeof (v as PyNode)._ === "string";
export const nodes = (v: unknown): PyNode[] => (Array.isArray(v) ? v.filter(isNode) : []);
export const child = (n: PyNode, field: string): PyNode | undefined => (isNode(n[field]) ? (n[field] as PyNode) : undefined);
export const str = (n: PyNode, field: string): string | undefined => (typeof n[field] === "string" ? (n[field] as string) : undefined);
/** The first line of a statement's source, for TODO comments. */
export const firstLine = (n: PyNode): string => (n.src ?? n._).split("\n")[0]!.trim();
/** `Name` → its id; `a.b.C` → "C" (how bases and decorators are written). */
export function lastName(n: PyNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n._ === "Name") return str(n, "id");
  if (n._ === "Attribute") return str(n, "attr");
  return undefined;
}
