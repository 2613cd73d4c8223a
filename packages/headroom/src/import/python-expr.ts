// Python expressions of a locustfile as TypeScript: literals, names, f-strings, arithmetic,
// comparisons, the `random`/`json`/`time`/`uuid` calls locustfiles use, `self.client` requests and
// the response's attributes. What has no faithful translation throws Untranslatable, and the
// statement holding it becomes a TODO comment.
import { child, isNode, lastName, nodes, str, type PyNode } from "./python-ast.js";
import { clientCall, isClient, requestExpr } from "./python-request.js";

export class Untranslatable extends Error {}

export interface Todo {
  line: number;
  what: string;
}

/** What the translation of one function needs to know, and what it collects. */
export interface TranslateContext {
  /** The Python name of the user (`self`, or the parameter of a module-level task function). */
  selfName?: string;
  /** `self.user` of a TaskSet is the user too. */
  inTaskSet: boolean;
  /** self.X attributes read or written (the user's state). */
  stateFields: Set<string>;
  /** Python method name → the TypeScript helper that implements it. */
  helpers: Map<string, string>;
  /** Local names already declared in this function. */
  locals: Set<string>;
  /** Local names holding a response. */
  responses: Set<string>;
  /** Inside a catch_response check: the response's name. */
  checkVar?: string;
  todos: Todo[];
  notes: Todo[];
  /** False in module-level functions: no virtual user, so random comes from Math.random. */
  hasUser: boolean;
  /** Runtime helpers the output needs (truthy, pyIn, sleepSec). */
  needs: Set<string>;
  /** Names of imported modules with no TypeScript counterpart (os, requests...). */
  foreign: Set<string>;
  /** `from random import choice`: "choice" → "random.choice". */
  aliases: Map<string, string>;
  /** Module-level names the output defines (constants). */
  known: Set<string>;
}

/** The modules whose calls are translated (random, json, time, uuid, gevent.sleep). */
export const MODULES = new Set(["random", "json", "time", "uuid", "gevent"]);
const BINOPS: Record<string, string> = { Add: "+", Sub: "-", Mult: "*", Div: "/", Mod: "%", Pow: "**" };
const CMPOPS: Record<string, string> = { Eq: "===", NotEq: "!==", Lt: "<", LtE: "<=", Gt: ">", GtE: ">=" };

export const fail = (why: string): never => {
  throw new Untranslatable(why);
};

export function isSelf(n: PyNode | undefined, ctx: TranslateContext): boolean {
  return n?._ === "Name" && ctx.selfName !== undefined && str(n, "id") === ctx.selfName;
}

function constant(n: PyNode): string {
  const v = n.value;
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return fail(`the constant ${isNode(v) ? String(v.repr) : String(v)}`);
}

/** The expression as a condition, with Python's truthiness (an empty list or dict is false). */
export function testExpr(n: PyNode, ctx: TranslateContext): string {
  if (n._ === "Compare") return expr(n, ctx);
  if (n._ === "Constant" && typeof n.value === "boolean") return String(n.value);
  if (n._ === "BoolOp") return `(${nodes(n.values).map((v) => testExpr(v, ctx)).join(str(child(n, "op")!, "_") === "And" ? " && " : " || ")})`;
  if (n._ === "UnaryOp" && child(n, "op")?._ === "Not") return `!${testExpr(child(n, "operand")!, ctx)}`;
  ctx.needs.add("truthy");
  return `truthy(${expr(n, ctx)})`;
}

function responseAttr(n: PyNode, attr: string, ctx: TranslateContext): string | undefined {
  const owner = child(n, "value")!;
  const name = owner._ === "Name" ? str(owner, "id")! : undefined;
  if (!name || !(ctx.responses.has(name) || ctx.checkVar === name)) return undefined;
  if (attr === "status_code") return `${name}.status`;
  if (attr === "text" || attr === "content") return `${name}.text`;
  if (attr === "ok") return `${name}.ok`;
  if (attr === "headers") return `${name}.headers`;
  if (attr === "url") return fail("response.url");
  return undefined;
}

function attribute(n: PyNode, ctx: TranslateContext): string {
  const attr = str(n, "attr")!;
  const owner = child(n, "value")!;
  if (isClient(n, ctx)) return fail("self.client used other than to send a request");
  if (isSelf(owner, ctx)) {
    if (attr === "user" && ctx.inTaskSet) return "u";
    if (attr === "environment" || attr === "parent" || attr === "host") return fail(`self.${attr}`);
    ctx.stateFields.add(attr);
    return `u.state.${attr}`;
  }
  if (ctx.inTaskSet && owner._ === "Attribute" && str(owner, "attr") === "user" && isSelf(child(owner, "value"), ctx)) {
    ctx.stateFields.add(attr);
    return `u.state.${attr}`;
  }
  if (isClient(owner, ctx) && attr === "headers") return "u.headers";
  if (isClient(owner, ctx) && attr === "cookies") return "u.cookies";
  return responseAttr(n, attr, ctx) ?? `${expr(owner, ctx)}.${attr}`;
}

function call(n: PyNode, ctx: TranslateContext): string {
  const fn = child(n, "func")!;
  const args = nodes(n.args);
  const a = (): string[] => args.map((x) => expr(x, ctx));
  if (nodes(n.keywords).length > 0 && !clientCall(n, ctx)) fail("keyword arguments to a call that is not a request");
  const req = clientCall(n, ctx);
  if (req) {
    if (req.kwargs.has("catch_response")) fail("catch_response=True outside a `with` block");
    return requestExpr(req, ctx, n.line ?? 0);
  }
  if (fn._ === "Name") {
    const id = str(fn, "id")!;
    const builtins: Record<string, (xs: string[]) => string> = {
      len: ([x]) => `${x}.length`,
      str: ([x]) => `String(${x})`,
      int: ([x]) => `Math.trunc(Number(${x}))`,
      float: ([x]) => `Number(${x})`,
      print: (xs) => `console.log(${xs.join(", ")})`,
      min: (xs) => `Math.min(${xs.join(", ")})`,
      max: (xs) => `Math.max(${xs.join(", ")})`,
      abs: ([x]) => `Math.abs(${x})`,
      list: ([x]) => `[...${x}]`,
      range: (xs) => (xs.length === 1 ? `Array.from({ length: ${xs[0]} }, (_, i) => i)` : xs.length === 2 ? `Array.from({ length: ${xs[1]} - ${xs[0]} }, (_, i) => ${xs[0]} + i)` : fail("range() with a step")),
    };
    if (builtins[id]) return builtins[id]!(a());
    if (ctx.foreign.has(id)) return fail(`${id}() (imported from a module with no TypeScript counterpart)`);
    if (!ctx.aliases.has(id)) {
      if (ctx.known.has(id) || ctx.locals.has(id)) return `${id}(${a().join(", ")})`;
      return fail(`${id}() (a Python builtin or a function this file does not convert)`);
    }
  }
  // `random.choice(...)`, or `choice(...)` after `from random import choice`.
  const alias = fn._ === "Name" ? ctx.aliases.get(str(fn, "id")!) : undefined;
  if (fn._ !== "Attribute" && !alias) return fail("a call of a computed function");
  const attr = alias ? alias.split(".")[1]! : str(fn, "attr")!;
  const owner = alias ? fn : child(fn, "value")!;
  const mod = alias ? alias.split(".")[0] : owner._ === "Name" ? str(owner, "id") : undefined;
  const [x, y] = a();
  if (mod === "random") {
    // Inside a user, the run's seeded generator (--seed makes it reproducible).
    const rnd = ctx.hasUser ? "u.random()" : "Math.random()";
    if (attr === "choice") return ctx.hasUser ? `u.pick(${x})` : `${x}[Math.floor(Math.random() * ${x}.length)]`;
    if (attr === "random") return rnd;
    if (attr === "randint") return `(${x} + Math.floor(${rnd} * (${y} - ${x} + 1)))`;
    if (attr === "uniform") return `(${x} + ${rnd} * (${y} - ${x}))`;
    return fail(`random.${attr}`);
  }
  if (mod === "json" && attr === "dumps") return `JSON.stringify(${x})`;
  if (mod === "json" && attr === "loads") return `JSON.parse(${x})`;
  if (mod === "time" && attr === "time") return "(Date.now() / 1000)";
  if ((mod === "time" || mod === "gevent") && attr === "sleep") {
    ctx.needs.add("sleepSec");
    return `await sleepSec(${x})`;
  }
  if (mod === "uuid" && attr === "uuid4") return "crypto.randomUUID()";
  if (alias || (mod !== undefined && MODULES.has(mod) && !ctx.locals.has(mod))) return fail(`${mod}.${attr}()`);
  if (isSelf(owner, ctx) && ctx.helpers.has(attr)) return `await ${ctx.helpers.get(attr)}(${["u", ...a()].join(", ")})`;
  if (isSelf(owner, ctx)) return fail(`self.${attr}()`);
  // Methods of values: responses, lists, dicts, strings.
  const name = owner._ === "Name" ? str(owner, "id") : undefined;
  const isResponse = name !== undefined && (ctx.responses.has(name) || ctx.checkVar === name);
  if (isResponse && attr === "json") return `${name}.json<any>()`;
  if (isResponse && (attr === "success" || attr === "failure")) return fail(`${name}.${attr}() outside a catch_response block`);
  if (isResponse) return fail(`response.${attr}()`);
  if (isClient(owner, ctx)) return fail(`self.client.${attr}()`);
  if (isClient(child(owner, "value"), ctx) && str(owner, "attr") === "headers" && attr === "update") return `Object.assign(u.headers, ${x})`;
  const target = expr(owner, ctx);
  if (attr === "append") return `${target}.push(${x})`;
  if (attr === "get") return y === undefined ? `${target}[${x}]` : `(${target}[${x}] ?? ${y})`;
  if (attr === "join" && owner._ === "Constant") return `${x}.join(${target})`;
  if (attr === "format") return fail("str.format()");
  if (attr === "upper" || attr === "lower") return `${target}.to${attr === "upper" ? "Upper" : "Lower"}Case()`;
  if (attr === "strip") return `${target}.trim()`;
  if (attr === "startswith" || attr === "endswith") return `${target}.${attr === "startswith" ? "startsWith" : "endsWith"}(${x})`;
  if (attr === "keys") return `Object.keys(${target})`;
  if (attr === "values") return `Object.values(${target})`;
  if (attr === "pop" && args.length === 0) return `${target}.pop()`;
  return fail(`the method call .${attr}()`);
}

function subscript(n: PyNode, ctx: TranslateContext): string {
  const target = expr(child(n, "value")!, ctx);
  const idx = child(n, "slice")!;
  if (idx._ === "Slice") {
    const lo = child(idx, "lower");
    const hi = child(idx, "upper");
    if (child(idx, "step")) fail("a slice with a step");
    return `${target}.slice(${lo ? expr(lo, ctx) : "0"}${hi ? `, ${expr(hi, ctx)}` : ""})`;
  }
  if (idx._ === "UnaryOp" && child(idx, "op")?._ === "USub") return `${target}.at(${expr(idx, ctx)})`;
  return `${target}[${expr(idx, ctx)}]`;
}

function joinedStr(n: PyNode, ctx: TranslateContext): string {
  let out = "`";
  for (const part of nodes(n.values)) {
    if (part._ === "Constant") out += String(part.value).replace(/[`\\]/g, (c) => `\\${c}`).replace(/\$\{/g, "\\${");
    else if (part._ === "FormattedValue") {
      if (child(part, "format_spec")) fail("an f-string format spec");
      out += `\${${expr(child(part, "value")!, ctx)}}`;
    } else fail("an f-string part");
  }
  return out + "`";
}

function compare(n: PyNode, ctx: TranslateContext): string {
  const ops = nodes(n.ops);
  const rights = nodes(n.comparators);
  let left = child(n, "left")!;
  const parts: string[] = [];
  ops.forEach((op, i) => {
    const right = rights[i]!;
    const l = expr(left, ctx);
    const r = expr(right, ctx);
    if (CMPOPS[op._]) parts.push(`${l} ${CMPOPS[op._]} ${r}`);
    else if (op._ === "Is" || op._ === "IsNot") parts.push(right._ === "Constant" && right.value === null ? `${l} ${op._ === "Is" ? "==" : "!="} null` : `${l} ${op._ === "Is" ? "===" : "!=="} ${r}`);
    else if (op._ === "In" || op._ === "NotIn") {
      ctx.needs.add("pyIn");
      parts.push(`${op._ === "NotIn" ? "!" : ""}pyIn(${l}, ${r})`);
    } else fail(`the comparison ${op._}`);
    left = right;
  });
  return parts.length === 1 ? parts[0]! : `(${parts.join(" && ")})`;
}

/** `[elt for x in xs if cond]` as `xs.filter((x) => cond).map((x) => elt)`. */
function listComp(n: PyNode, ctx: TranslateContext): string {
  const gens = nodes(n.generators);
  const g = gens[0];
  const target = g && child(g, "target");
  if (gens.length !== 1 || target?._ !== "Name" || nodes(g!.ifs).length > 1) return fail("a list comprehension with several loops or conditions");
  const v = str(target, "id")!;
  const inner = { ...ctx, locals: new Set([...ctx.locals, v]) };
  const cond = nodes(g!.ifs)[0];
  return `[...${expr(child(g!, "iter")!, ctx)}]${cond ? `.filter((${v}: any) => ${testExpr(cond, inner)})` : ""}.map((${v}: any) => ${expr(child(n, "elt")!, inner)})`;
}

/** A Python expression as TypeScript; throws Untranslatable. */
export function expr(n: PyNode, ctx: TranslateContext): string {
  switch (n._) {
    case "Constant":
      return constant(n);
    case "Name": {
      const id = str(n, "id")!;
      if (ctx.selfName !== undefined && id === ctx.selfName) return fail(`${id} used as a value`);
      if (ctx.foreign.has(id)) return fail(`${id} (module ${id} has no TypeScript counterpart)`);
      return id;
    }
    case "Attribute":
      return attribute(n, ctx);
    case "Call":
      return call(n, ctx);
    case "Subscript":
      return subscript(n, ctx);
    case "JoinedStr":
      return joinedStr(n, ctx);
    case "List":
    case "Tuple":
      return `[${nodes(n.elts).map((e) => (e._ === "Starred" ? `...${expr(child(e, "value")!, ctx)}` : expr(e, ctx))).join(", ")}]`;
    case "Dict": {
      const keys = Array.isArray(n.keys) ? (n.keys as (PyNode | null)[]) : [];
      const values = nodes(n.values);
      return `{ ${keys.map((k, i) => (k === null ? `...${expr(values[i]!, ctx)}` : k._ === "Constant" && typeof k.value === "string" ? `${JSON.stringify(k.value)}: ${expr(values[i]!, ctx)}` : `[${expr(k, ctx)}]: ${expr(values[i]!, ctx)}`)).join(", ")} }`;
    }
    case "BinOp": {
      const op = child(n, "op")!._;
      const l = expr(child(n, "left")!, ctx);
      const r = expr(child(n, "right")!, ctx);
      if (op === "FloorDiv") return `Math.floor(${l} / ${r})`;
      if (op === "Mod" && child(n, "left")!._ === "Constant" && typeof child(n, "left")!.value === "string") return fail("%-formatting of a string");
      if (!BINOPS[op]) return fail(`the operator ${op}`);
      return `(${l} ${BINOPS[op]} ${r})`;
    }
    case "UnaryOp": {
      const op = child(n, "op")!._;
      if (op === "Not") return `!${testExpr(child(n, "operand")!, ctx)}`;
      if (op === "USub") return `-${expr(child(n, "operand")!, ctx)}`;
      return fail(`the unary operator ${op}`);
    }
    case "BoolOp":
      return `(${nodes(n.values).map((v) => expr(v, ctx)).join(child(n, "op")!._ === "And" ? " && " : " || ")})`;
    case "Compare":
      return compare(n, ctx);
    case "ListComp":
      return listComp(n, ctx);
    case "IfExp":
      return `(${testExpr(child(n, "test")!, ctx)} ? ${expr(child(n, "body")!, ctx)} : ${expr(child(n, "orelse")!, ctx)})`;
    default:
      return fail(`${n._} (${lastName(n) ?? "expression"})`);
  }
}
