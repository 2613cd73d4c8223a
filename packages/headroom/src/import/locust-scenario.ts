// A locustfile as a headroom scenario file: each user class becomes a userClass (weight, wait,
// weighted tasks, onStart/onStop, per-user state from its self.X attributes), each method a typed
// async function of the virtual user. Everything it cannot convert is a `// TODO(line N)` comment in
// the output and a line of the returned summary.
import { basename } from "node:path";
import { child, firstLine, lastName, nodes, str, type PyNode } from "./python-ast.js";
import { MODULES, Untranslatable, expr, type Todo, type TranslateContext } from "./python-expr.js";
import { assignedNames, body } from "./python-stmt.js";
import { collectClasses, flattenTasks, onlyInterrupts, reachedTaskSets, roundWeight, taskDecoratorWeight, type PyClass } from "./locust-model.js";

export interface ConvertedLocustfile {
  source: string;
  classes: { name: string; weight: number; tasks: number }[];
  /** Constructs left as TODO comments, by line. */
  todos: Todo[];
  /** Approximations that are converted but differ from Locust (by line). */
  notes: Todo[];
}

const KNOWN_MODULES = new Set(["locust", "random", "json", "time", "uuid", "gevent"]);
const SPECIAL_ATTRS = new Set(["weight", "fixed_count", "wait_time", "host", "tasks", "abstract"]);
const RUNTIME: Record<string, string> = {
  truthy: "/** Python's truthiness: empty lists, dicts and strings are false. */\nfunction truthy(v: unknown): boolean {\n  if (Array.isArray(v) || typeof v === \"string\") return v.length > 0;\n  if (v !== null && typeof v === \"object\") return Object.keys(v).length > 0;\n  return Boolean(v);\n}",
  pyIn: "/** Python's `in`: membership in a list or string, a key of a dict. */\nfunction pyIn(item: unknown, container: unknown): boolean {\n  if (Array.isArray(container)) return container.includes(item);\n  if (typeof container === \"string\") return container.includes(String(item));\n  return container !== null && typeof container === \"object\" && String(item) in container;\n}",
  sleepSec: "function sleepSec(sec: number): Promise<void> {\n  return new Promise((resolve) => setTimeout(resolve, sec * 1000));\n}",
};

interface Shared {
  todos: Todo[];
  notes: Todo[];
  needs: Set<string>;
  foreign: Set<string>;
  aliases: Map<string, string>;
  known: Set<string>;
}

function newContext(shared: Shared, opts: Partial<TranslateContext>): TranslateContext {
  return { inTaskSet: false, stateFields: new Set(), helpers: new Map(), locals: new Set(), responses: new Set(), hasUser: true, ...shared, ...opts };
}

/** `between(1, 5)` and friends as headroom's wait, or undefined (with a TODO) when it is something else. */
function waitOf(cls: PyClass, todos: Todo[]): { code: string; fn: string } {
  const w = cls.attrs.get("wait_time");
  if (!w) return { code: "constant(0)", fn: "constant" };
  const name = w._ === "Call" ? lastName(child(w, "func")) : undefined;
  const args = w._ === "Call" ? nodes(w.args).map((a) => a.value) : [];
  if (args.every((a) => typeof a === "number")) {
    const [a, b] = args as number[];
    if (name === "between" && args.length === 2) return { code: `between(${a}, ${b})`, fn: "between" };
    if (name === "constant" && args.length === 1) return { code: `constant(${a})`, fn: "constant" };
    if (name === "constant_pacing" && args.length === 1) return { code: `constantPacing(${a})`, fn: "constantPacing" };
    // constant_throughput(r) is constant_pacing(1 / r): r tasks per second per user.
    if (name === "constant_throughput" && args.length === 1 && a! > 0) return { code: `constantPacing(${roundWeight(1 / a!)})`, fn: "constantPacing" };
  }
  todos.push({ line: w.line ?? cls.node.line ?? 0, what: `${cls.name}.wait_time is a ${w._ === "Lambda" ? "lambda" : w._ === "Call" ? `call of ${lastName(child(w, "func")) ?? "a function"}` : w._}: only between/constant/constant_pacing/constant_throughput with number arguments convert; no wait used` });
  return { code: `constant(0) /* TODO(line ${w.line ?? 0}): wait_time ${firstLine(w)} */`, fn: "constant" };
}

function params(fn: PyNode, ctx: TranslateContext): { self: string | undefined; rest: string[]; sig: string[] } {
  const a = child(fn, "args")!;
  const args = nodes(a.args);
  if (child(a, "vararg") || child(a, "kwarg") || nodes(a.kwonlyargs).length > 0) throw new Untranslatable("*args, **kwargs or keyword-only parameters");
  const names = args.map((x) => str(x, "arg")!);
  // Defaults belong to the last parameters.
  const defaults = nodes(a.defaults);
  const sig = names.slice(1).map((n, i) => {
    const d = defaults[i + 1 - (names.length - defaults.length)];
    if (!d) return `${n}: any`;
    try {
      return `${n}: any = ${expr(d, ctx)}`;
    } catch {
      return `${n}?: any`;
    }
  });
  return { self: names[0], rest: names.slice(1), sig };
}

/** One Python function as `async function NAME(u: VU, ...)`, with its locals hoisted. */
function userFunction(tsName: string, vu: string, fn: PyNode, ctx: TranslateContext): string {
  let p: { self: string | undefined; rest: string[]; sig: string[] };
  try {
    p = params(fn, ctx);
  } catch (e) {
    ctx.todos.push({ line: fn.line ?? 0, what: `${str(fn, "name")}: ${(e as Error).message}; its body is left out` });
    return `// TODO(line ${fn.line}): ${str(fn, "name")} takes ${(e as Error).message}\nasync function ${tsName}(_u: ${vu}, ..._args: any[]): Promise<any> {}\n`;
  }
  ctx.selfName = p.self;
  const { names, responses } = assignedNames(nodes(fn.body), ctx);
  ctx.locals = new Set([...names, ...p.rest]);
  ctx.responses = new Set(responses);
  const lines = body(nodes(fn.body), ctx, "  ");
  const decls = names.filter((n) => !p.rest.includes(n)).map((n) => (responses.has(n) ? `  let ${n}!: HttpResponse;` : `  let ${n}: any;`));
  const sig = ["u: " + vu, ...p.sig].join(", ");
  return `/** ${str(fn, "name")} (line ${fn.line}) */\nasync function ${tsName}(${sig}): Promise<any> {\n${[...decls, ...lines].join("\n")}\n}\n`;
}

/** Records what an import brings: translated modules, their functions by name, or foreign names. */
function imports(s: PyNode, shared: Shared): void {
  if (s._ === "Import") {
    for (const a of nodes(s.names)) {
      const mod = str(a, "name")!;
      const as = str(a, "asname") ?? mod.split(".")[0]!;
      if (!KNOWN_MODULES.has(mod)) {
        shared.todos.push({ line: s.line ?? 0, what: `import of ${mod}: no TypeScript equivalent; its uses are TODOs` });
        shared.foreign.add(as);
      }
    }
    return;
  }
  const mod = str(s, "module") ?? "";
  const locust = mod === "locust" || mod.startsWith("locust.");
  if (!locust && !KNOWN_MODULES.has(mod)) shared.todos.push({ line: s.line ?? 0, what: `import of ${mod}: no TypeScript equivalent; its uses are TODOs` });
  for (const a of nodes(s.names)) {
    const name = str(a, "asname") ?? str(a, "name")!;
    if (MODULES.has(mod)) shared.aliases.set(name, `${mod}.${str(a, "name")}`);
    else if (!locust) shared.foreign.add(name);
  }
}

function moduleLevel(module: PyNode, classes: Map<string, PyClass>, shared: Shared): { consts: string[]; functions: Map<string, PyNode> } {
  const consts: string[] = [];
  const functions = new Map<string, PyNode>();
  const ctx = newContext(shared, { hasUser: false });
  for (const s of nodes(module.body)) {
    if (s._ === "ClassDef" || (s._ === "Expr" && typeof child(s, "value")?.value === "string")) continue;
    if (s._ === "FunctionDef") functions.set(str(s, "name")!, s);
    else if (s._ === "Import" || s._ === "ImportFrom") imports(s, shared);
    else if (s._ === "Assign" && nodes(s.targets).length === 1 && nodes(s.targets)[0]!._ === "Name") {
      const name = str(nodes(s.targets)[0]!, "id")!;
      shared.known.add(name);
      try {
        const value = child(s, "value")!;
        // An empty list or dict says nothing of what it will hold.
        const type = value._ === "List" && nodes(value.elts).length === 0 ? ": any[]" : value._ === "Dict" && nodes(value.values).length === 0 ? ": Record<string, any>" : "";
        consts.push(`const ${name}${type} = ${expr(value, ctx)};`);
      } catch (e) {
        shared.todos.push({ line: s.line ?? 0, what: `no translation for ${(e as Error).message}: ${firstLine(s)}` });
        consts.push(`// TODO(line ${s.line}): ${firstLine(s)}\nconst ${name}: any = undefined;`);
      }
    } else if (s._ === "If" && /__name__/.test(s.src ?? "")) shared.notes.push({ line: s.line ?? 0, what: "the `if __name__ == \"__main__\"` block is not part of a scenario; left out" });
    else {
      shared.todos.push({ line: s.line ?? 0, what: `module-level ${s._}: ${firstLine(s)}` });
      consts.push(`// TODO(line ${s.line}): ${firstLine(s)}`);
    }
  }
  void classes;
  return { consts, functions };
}

function userClassCode(
  user: PyClass,
  classes: Map<string, PyClass>,
  functions: Map<string, PyNode>,
  shared: Shared,
  usedWaits: Set<string>,
): { code: string; weight: number; tasks: number } {
  const id = user.name;
  const vu = `${id}VU`;
  const tasks = flattenTasks(user, classes, functions, shared.todos);
  const stateFields = new Set<string>();
  const fnCode: string[] = [];
  const owners = [user, ...reachedTaskSets(tasks)];
  // Each owner's methods become functions; `self.m()` inside an owner calls its own.
  for (const owner of owners) {
    const prefix = owner === user ? id : `${id}_${owner.name}`;
    const helpers = new Map([...owner.methods.keys()].map((m) => [m, `${prefix}_${m}`]));
    for (const [m, fn] of owner.methods) {
      // A TaskSet task that only interrupts is folded into the weights (locust-model.ts).
      if (owner.kind === "taskset" && taskDecoratorWeight(fn) !== undefined && onlyInterrupts(fn)) {
        shared.notes.push({ line: fn.line ?? 0, what: `${owner.name}.${m} only calls self.interrupt(): it sends nothing and is folded into the weights (each task of ${owner.name} weighs its TaskSet's weight x its own / the interrupting tasks' weight)` });
        continue;
      }
      const ctx = newContext(shared, { inTaskSet: owner.kind === "taskset", helpers, stateFields });
      fnCode.push(userFunction(`${prefix}_${m}`, vu, fn, ctx));
    }
  }
  for (const t of tasks.filter((t) => t.owner === undefined)) fnCode.push(userFunction(`${id}_${str(t.fn, "name")}`, vu, t.fn, newContext(shared, { stateFields })));
  const fnName = (t: (typeof tasks)[number]): string => (t.owner === undefined || t.owner === user ? `${id}_${str(t.fn, "name")}` : `${id}_${t.owner.name}_${str(t.fn, "name")}`);
  const hook = (which: "on_start" | "on_stop"): string[] => owners.filter((o) => o.methods.has(which)).map((o) => `await ${o === user ? id : `${id}_${o.name}`}_${which}(u);`);
  for (const ts of owners.slice(1)) {
    if (ts.methods.has("on_start")) shared.notes.push({ line: ts.methods.get("on_start")!.line ?? 0, what: `${ts.name}.on_start runs once, in ${id}'s onStart (TaskSets are flattened)` });
    if (ts.attrs.has("wait_time")) shared.todos.push({ line: ts.attrs.get("wait_time")!.line ?? 0, what: `${ts.name}.wait_time: headroom has one wait per user class; ${id}'s is used` });
  }
  // Class-level attributes other than Locust's own are per-user state with that initial value.
  const init: string[] = [];
  const ctx0 = newContext(shared, { hasUser: false });
  for (const owner of owners) {
    for (const [k, v] of owner.attrs) {
      if (SPECIAL_ATTRS.has(k) || stateFields.has(k) === false) continue;
      try {
        init.push(`${k}: ${expr(v, ctx0)}`);
      } catch {
        shared.todos.push({ line: v.line ?? 0, what: `${owner.name}.${k}: initial value not converted; starts undefined` });
      }
    }
  }
  for (const f of stateFields) if (!init.some((i) => i.startsWith(`${f}:`))) init.push(`${f}: undefined`);
  const wait = waitOf(user, shared.todos);
  usedWaits.add(wait.fn);
  let weight = typeof user.attrs.get("weight")?.value === "number" ? (user.attrs.get("weight")!.value as number) : 1;
  const fixed = user.attrs.get("fixed_count")?.value;
  if (typeof fixed === "number") {
    shared.notes.push({ line: user.attrs.get("fixed_count")!.line ?? user.node.line ?? 0, what: `${id}.fixed_count = ${fixed}: headroom splits users by weight, so it becomes weight ${fixed} (exactly ${fixed} users only when the other weights add up to the rest)` });
    weight = fixed;
  }
  const host = user.attrs.get("host");
  const fields = [...stateFields].map((f) => `  ${f}: any;\n`).join("");
  const stateType = `interface ${id}State {${fields ? `\n${fields}` : ""}}\ntype ${vu} = VirtualUser<${id}State>;\n`;
  const starts = hook("on_start");
  const stops = hook("on_stop");
  const cls = [
    `const ${id} = userClass<${id}State>({`,
    `  name: ${JSON.stringify(id)},`,
    `  weight: ${weight},`,
    `  wait: ${wait.code},`,
    `  state: () => (${init.length ? `{ ${init.join(", ")} }` : "{}"}),`,
    ...(starts.length ? [`  async onStart(u) {\n    ${starts.join("\n    ")}\n  },`] : []),
    ...(stops.length ? [`  async onStop(u) {\n    ${stops.join("\n    ")}\n  },`] : []),
    `  tasks: [`,
    ...tasks.map((t) => `    task(${JSON.stringify(t.name)}, ${roundWeight(t.weight)}, (u) => ${fnName(t)}(u)),`),
    `  ],`,
    `});`,
  ];
  if (tasks.length === 0) shared.todos.push({ line: user.node.line ?? 0, what: `${id} has no tasks: headroom refuses a class without tasks; add one` });
  const hostNote = host && typeof host.value !== "string" ? `// TODO(line ${host.line}): host ${firstLine(host)} is not a string literal\n` : "";
  return { code: `// ---- ${id} (line ${user.node.line})\n${hostNote}${stateType}\n${fnCode.join("\n")}\n${cls.join("\n")}\n`, weight, tasks: tasks.length };
}

/** Converts a parsed locustfile (its dumped ast) into the text of a headroom scenario file. */
export function convertLocustModule(module: PyNode, file: string, outName = "THIS_FILE"): ConvertedLocustfile {
  const shared: Shared = { todos: [], notes: [], needs: new Set(), foreign: new Set(), aliases: new Map(), known: new Set() };
  const classes = collectClasses(module);
  const { consts, functions } = moduleLevel(module, classes, shared);
  const users = [...classes.values()].filter((c) => c.kind === "user" && !c.abstract);
  const usedWaits = new Set<string>();
  const parts = users.map((u) => ({ user: u, ...userClassCode(u, classes, functions, shared, usedWaits) }));
  const hosts = [...new Set(users.map((u) => u.attrs.get("host")?.value).filter((h): h is string => typeof h === "string"))];
  if (hosts.length > 1) shared.todos.push({ line: 0, what: `user classes name different hosts (${hosts.join(", ")}); headroom runs one target: ${hosts[0]} is used` });
  for (const c of classes.values()) if (c.kind === "other") shared.todos.push({ line: c.node.line ?? 0, what: `class ${c.name} is neither a User nor a TaskSet; left out` });
  if (users.length === 0) shared.todos.push({ line: 0, what: "no HttpUser or FastHttpUser class found: the scenario has no classes" });
  const moduleFns = [...functions.entries()].filter(([name]) => !parts.some((p) => p.code.includes(`_${name}(u)`)));
  for (const [, fn] of moduleFns) shared.todos.push({ line: fn.line ?? 0, what: `module-level function ${str(fn, "name")} is not a task; left out (inline it where it is used)` });
  const waits = [...usedWaits].sort();
  const header = [
    `// Converted from ${basename(file)} by \`headroom import locust\`.${shared.todos.length ? ` ${shared.todos.length} construct(s) did not convert:` : ""}`,
    shared.todos.length ? "// each is a TODO comment below, with the Python it replaces. Run it with:" : "// Run it with:",
    `//   npx headroom run ${outName} --users 50 --spawn-rate 10 --duration 1m${hosts[0] ? "" : " --host http://127.0.0.1:8000"}`,
    `import { ${[...waits, "scenario", "task", "userClass", "type HttpResponse", "type VirtualUser"].join(", ")} } from "headroom";`,
    "",
  ];
  const runtime = [...shared.needs].sort().map((n) => RUNTIME[n]!);
  const name = basename(file).replace(/\.py$/, "");
  const footer = `export default scenario({\n  name: ${JSON.stringify(name)},\n${hosts[0] ? `  host: ${JSON.stringify(hosts[0])},\n` : ""}  classes: [${users.map((u) => u.name).join(", ")}],\n});\n`;
  const source = [...header, ...consts, consts.length ? "" : undefined, ...runtime.map((r) => r + "\n"), ...parts.map((p) => p.code), footer].filter((l) => l !== undefined).join("\n");
  const byLine = (a: Todo, b: Todo): number => a.line - b.line;
  const classList = parts.map((p) => ({ name: p.user.name, weight: p.weight, tasks: p.tasks }));
  return { source, classes: classList, todos: shared.todos.sort(byLine), notes: shared.notes.sort(byLine) };
}
