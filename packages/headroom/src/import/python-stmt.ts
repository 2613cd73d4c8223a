// Python statements of a locustfile's methods as TypeScript lines. A statement that cannot be
// translated faithfully becomes `// TODO(line N): why` followed by its Python source, and is
// recorded for the summary: nothing is dropped silently. Locals are hoisted to the top of the
// function (Python scopes them to the function, not the block), so a name assigned inside an `if`
// and read after it still type-checks.
import { child, firstLine, nodes, str, type PyNode } from "./python-ast.js";
import { Untranslatable, expr, testExpr, type TranslateContext } from "./python-expr.js";
import { clientCall, requestExpr } from "./python-request.js";

const SCOPE_BREAKS = new Set(["FunctionDef", "AsyncFunctionDef", "ClassDef", "Lambda", "ListComp", "DictComp", "SetComp", "GeneratorExp"]);

/** Names a function body assigns (hoisted), and those that hold a response. */
export function assignedNames(body: PyNode[], ctx: TranslateContext): { names: string[]; responses: Set<string> } {
  const names = new Set<string>();
  const responses = new Set<string>();
  const addTarget = (t: PyNode | undefined, isResponse = false): void => {
    if (!t) return;
    if (t._ === "Name") {
      names.add(str(t, "id")!);
      if (isResponse) responses.add(str(t, "id")!);
    } else if (t._ === "Tuple" || t._ === "List") nodes(t.elts).forEach((e) => addTarget(e));
  };
  const walk = (n: PyNode): void => {
    if (SCOPE_BREAKS.has(n._)) return;
    if (n._ === "Assign") {
      let isResponse = false;
      try {
        isResponse = clientCall(child(n, "value"), ctx) !== undefined;
      } catch {
        /* an untranslatable request: reported where it is translated */
      }
      nodes(n.targets).forEach((t) => addTarget(t, isResponse));
    }
    if (n._ === "AugAssign" || n._ === "AnnAssign" || n._ === "For") addTarget(child(n, "target"));
    if (n._ === "With") for (const item of nodes(n.items)) addTarget(child(item, "optional_vars"), true);
    for (const v of Object.values(n)) {
      if (Array.isArray(v)) nodes(v).forEach(walk);
      else if (typeof v === "object" && v !== null && typeof (v as PyNode)._ === "string") walk(v as PyNode);
    }
  };
  body.forEach(walk);
  for (const r of responses) if (!names.has(r)) responses.delete(r);
  return { names: [...names], responses };
}

function todo(n: PyNode, why: string, ctx: TranslateContext, indent: string): string[] {
  const line = n.line ?? 0;
  ctx.todos.push({ line, what: `${why}: ${firstLine(n)}` });
  const src = (n.src ?? "").split("\n").slice(0, 12);
  return [`${indent}// TODO(line ${line}): ${why}`, ...src.map((l) => `${indent}//   ${l}`)];
}

/** Translates a body; each statement that fails becomes a TODO. */
export function body(stmts: PyNode[], ctx: TranslateContext, indent: string): string[] {
  const out: string[] = [];
  for (const s of stmts) {
    try {
      out.push(...stmt(s, ctx, indent));
    } catch (e) {
      if (!(e instanceof Untranslatable)) throw e;
      out.push(...todo(s, `no translation for ${e.message}`, ctx, indent));
    }
  }
  return out;
}

function block(header: string, inner: string[], indent: string): string[] {
  return [`${indent}${header} {`, ...inner, `${indent}}`];
}

function ifStmt(n: PyNode, ctx: TranslateContext, indent: string, prefix = "if"): string[] {
  const out = [`${indent}${prefix} (${testExpr(child(n, "test")!, ctx)}) {`, ...body(nodes(n.body), ctx, indent + "  ")];
  const orelse = nodes(n.orelse);
  if (orelse.length === 1 && orelse[0]!._ === "If") {
    const [first, ...rest] = ifStmt(orelse[0]!, ctx, indent, "} else if");
    return [...out, first!.trimStart().startsWith("}") ? `${indent}${first!.trimStart()}` : first!, ...rest];
  }
  if (orelse.length > 0) out.push(`${indent}} else {`, ...body(orelse, ctx, indent + "  "));
  out.push(`${indent}}`);
  return out;
}

function forStmt(n: PyNode, ctx: TranslateContext, indent: string): string[] {
  const target = child(n, "target")!;
  if (target._ !== "Name") throw new Untranslatable("a for loop over several names");
  if (nodes(n.orelse).length > 0) throw new Untranslatable("for ... else");
  const v = str(target, "id")!;
  const iter = child(n, "iter")!;
  const inner = body(nodes(n.body), ctx, indent + "  ");
  if (iter._ === "Call" && child(iter, "func")?._ === "Name" && str(child(iter, "func")!, "id") === "range") {
    const args = nodes(iter.args).map((a) => expr(a, ctx));
    if (args.length > 2) throw new Untranslatable("range() with a step");
    const [lo, hi] = args.length === 1 ? ["0", args[0]] : args;
    return block(`for (${v} = ${lo}; ${v} < ${hi}; ${v}++)`, inner, indent);
  }
  return block(`for (${v} of ${expr(iter, ctx)})`, inner, indent);
}

function withStmt(n: PyNode, ctx: TranslateContext, indent: string): string[] {
  const items = nodes(n.items);
  if (items.length !== 1) throw new Untranslatable("a with statement over several contexts");
  const req = clientCall(child(items[0]!, "context_expr"), ctx);
  if (!req) throw new Untranslatable("a with statement that is not a request");
  const asVar = child(items[0]!, "optional_vars");
  if (asVar && asVar._ !== "Name") throw new Untranslatable("with ... as (several names)");
  const v = asVar ? str(asVar, "id")! : "_response";
  const inner = nodes(n.body);
  const catchResponse = req.kwargs.get("catch_response");
  req.kwargs.delete("catch_response");
  const nestedRequest = JSON.stringify(inner).includes('"attr": "client"') || JSON.stringify(inner).includes('"attr":"client"');
  if (catchResponse?._ === "Constant" && catchResponse.value === true && !nestedRequest) {
    // Locust decides success inside the block; headroom decides it in the request's check, which
    // runs when the response arrives. The block's statements all run there (they are synchronous).
    const saved = ctx.checkVar;
    ctx.checkVar = v;
    const check = body(inner, ctx, indent + "    ");
    ctx.checkVar = saved;
    const fallthrough = `${indent}    return (${v}.status >= 200 && ${v}.status < 400) || \`HTTP \${${v}.status}\`;`;
    const opts = ["accept: () => true", `check: (${v}) => {\n${[...check, fallthrough].join("\n")}\n${indent}  }`];
    return [`${indent}${asVar ? `${v} = ` : ""}${requestExpr(req, ctx, n.line ?? 0, opts)};`];
  }
  if (catchResponse) ctx.notes.push({ line: n.line ?? 0, what: "catch_response block that sends more requests: success()/failure() in it are TODOs, the request counts by its status" });
  ctx.responses.add(v);
  return [`${indent}${asVar ? `${v} = ` : ""}${requestExpr(req, ctx, n.line ?? 0)};`, ...body(inner, ctx, indent)];
}

function exprStmt(n: PyNode, ctx: TranslateContext, indent: string): string[] {
  const value = child(n, "value")!;
  if (value._ === "Constant" && typeof value.value === "string") return [`${indent}// ${value.value.split("\n")[0]!.trim()}`];
  if (value._ === "Call") {
    const fn = child(value, "func");
    const owner = fn && child(fn, "value");
    const attr = fn && str(fn, "attr");
    if (owner?._ === "Name" && ctx.checkVar === str(owner, "id") && (attr === "success" || attr === "failure")) {
      if (attr === "success") return [`${indent}return true;`];
      const args = nodes(value.args);
      return [`${indent}return String(${args[0] ? expr(args[0], ctx) : '"failure()"'});`];
    }
    if (owner?._ === "Name" && ctx.selfName === str(owner, "id") && attr === "interrupt") {
      ctx.todos.push({ line: n.line ?? 0, what: "self.interrupt(): headroom flattens TaskSets into the user's tasks, so there is no TaskSet to leave; the user goes on picking from all its tasks" });
      return [`${indent}// TODO(line ${n.line}): self.interrupt() has no equivalent (TaskSets are flattened into the user's tasks)`];
    }
  }
  return [`${indent}${expr(value, ctx)};`];
}

function raiseStmt(n: PyNode, ctx: TranslateContext, indent: string): string[] {
  const exc = child(n, "exc");
  const name = exc?._ === "Call" ? str(child(exc, "func")!, "id") : exc?._ === "Name" ? str(exc, "id") : undefined;
  if (name === "RescheduleTask") return [`${indent}u.skip("RescheduleTask");`];
  if (name === "StopUser") throw new Untranslatable("raise StopUser (headroom users run until the test ends)");
  const arg = exc?._ === "Call" ? nodes(exc.args)[0] : undefined;
  return [`${indent}throw new Error(${arg ? `String(${expr(arg, ctx)})` : JSON.stringify(name ?? "error")});`];
}

function tryStmt(n: PyNode, ctx: TranslateContext, indent: string): string[] {
  const handlers = nodes(n.handlers);
  if (handlers.length > 1) throw new Untranslatable("try with several except clauses");
  if (nodes(n.orelse).length > 0) throw new Untranslatable("try ... else");
  const out = [`${indent}try {`, ...body(nodes(n.body), ctx, indent + "  ")];
  const h = handlers[0];
  if (h) {
    if (child(h, "type")) ctx.notes.push({ line: h.line ?? 0, what: `except ${firstLine(h).replace(/^except\s*/, "").replace(/:$/, "")} catches every error in TypeScript` });
    const name = str(h, "name");
    out.push(`${indent}} catch (${name ?? "_e"}) {`, ...body(nodes(h.body), ctx, indent + "  "));
  }
  const fin = nodes(n.finalbody);
  if (fin.length > 0) out.push(`${indent}} finally {`, ...body(fin, ctx, indent + "  "));
  out.push(`${indent}}`);
  return out;
}

function assignTarget(t: PyNode, ctx: TranslateContext): string {
  if (t._ === "Name") return str(t, "id")!;
  if (t._ === "Attribute" || t._ === "Subscript") return expr(t, ctx);
  throw new Untranslatable("an assignment to several names");
}

function stmt(n: PyNode, ctx: TranslateContext, indent: string): string[] {
  switch (n._) {
    case "Expr":
      return exprStmt(n, ctx, indent);
    case "Assign": {
      const targets = nodes(n.targets);
      const value = expr(child(n, "value")!, ctx);
      return [`${indent}${targets.map((t) => assignTarget(t, ctx)).join(" = ")} = ${value};`];
    }
    case "AnnAssign":
      return child(n, "value") ? [`${indent}${assignTarget(child(n, "target")!, ctx)} = ${expr(child(n, "value")!, ctx)};`] : [];
    case "AugAssign": {
      const op = ({ Add: "+=", Sub: "-=", Mult: "*=", Div: "/=" } as Record<string, string>)[child(n, "op")!._];
      if (!op) throw new Untranslatable(`the operator ${child(n, "op")!._}=`);
      return [`${indent}${assignTarget(child(n, "target")!, ctx)} ${op} ${expr(child(n, "value")!, ctx)};`];
    }
    case "If":
      return ifStmt(n, ctx, indent);
    case "For":
      return forStmt(n, ctx, indent);
    case "While":
      if (nodes(n.orelse).length > 0) throw new Untranslatable("while ... else");
      return block(`while (${testExpr(child(n, "test")!, ctx)})`, body(nodes(n.body), ctx, indent + "  "), indent);
    case "With":
      return withStmt(n, ctx, indent);
    case "Try":
      return tryStmt(n, ctx, indent);
    case "Raise":
      return raiseStmt(n, ctx, indent);
    case "Assert": {
      const msg = child(n, "msg");
      return [`${indent}if (!(${testExpr(child(n, "test")!, ctx)})) throw new Error(${msg ? `String(${expr(msg, ctx)})` : '"assertion failed"'});`];
    }
    case "Return":
      return [`${indent}return${child(n, "value") ? ` ${expr(child(n, "value")!, ctx)}` : ""};`];
    case "Pass":
      return [];
    case "Break":
      return [`${indent}break;`];
    case "Continue":
      return [`${indent}continue;`];
    case "Import":
    case "ImportFrom":
      return [`${indent}// ${firstLine(n)} (imports are at the top of the TypeScript file)`];
    default:
      throw new Untranslatable(`a ${n._} statement`);
  }
}
