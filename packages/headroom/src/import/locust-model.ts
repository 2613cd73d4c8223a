// What a locustfile declares, read from its ast: user classes (HttpUser, FastHttpUser, with
// inheritance and `abstract`), TaskSets, their tasks (`@task(n)`, `tasks = [...]` / `{...: n}`,
// merged as Locust merges them) and the attributes headroom maps (weight, fixed_count, wait_time,
// host). TaskSets are flattened: a TaskSet of weight w whose tasks weigh w1..wn (sum W) gives
// the user tasks of weight w * wi / W, the same long-run mix.
import { child, firstLine, lastName, nodes, str, type PyNode } from "./python-ast.js";
import type { Todo } from "./python-expr.js";

export type ClassKind = "user" | "taskset" | "other";

export interface PyClass {
  name: string;
  node: PyNode;
  kind: ClassKind;
  parents: string[];
  /** Class-level assignments, own and inherited (own win). */
  attrs: Map<string, PyNode>;
  /** Methods, own and inherited. */
  methods: Map<string, PyNode>;
  abstract: boolean;
}

/** One flattened task of a user: a method of `owner` (the user or a TaskSet) or a module function. */
export interface FlatTask {
  name: string;
  weight: number;
  owner: PyClass | undefined;
  fn: PyNode;
}

const USER_BASES = new Set(["HttpUser", "FastHttpUser", "User", "HttpLocust", "Locust"]);
const TASKSET_BASES = new Set(["TaskSet", "SequentialTaskSet"]);

export function collectClasses(module: PyNode): Map<string, PyClass> {
  const raw = new Map<string, PyNode>();
  const visit = (stmts: PyNode[]): void => {
    for (const s of stmts) {
      if (s._ !== "ClassDef") continue;
      raw.set(str(s, "name")!, s);
      visit(nodes(s.body)); // TaskSets nested in a user class
    }
  };
  visit(nodes(module.body));
  const done = new Map<string, PyClass>();
  const resolve = (name: string, seen: Set<string>): PyClass | undefined => {
    if (done.has(name)) return done.get(name);
    const node = raw.get(name);
    if (!node || seen.has(name)) return undefined;
    seen.add(name);
    const parents = nodes(node.bases).map((b) => lastName(b) ?? "?");
    let kind: ClassKind = "other";
    const attrs = new Map<string, PyNode>();
    const methods = new Map<string, PyNode>();
    for (const p of parents) {
      if (USER_BASES.has(p)) kind = "user";
      else if (TASKSET_BASES.has(p)) kind = "taskset";
      const parent = resolve(p, seen);
      if (!parent) continue;
      if (parent.kind !== "other") kind = parent.kind;
      parent.attrs.forEach((v, k) => attrs.set(k, v));
      parent.methods.forEach((v, k) => methods.set(k, v));
    }
    let abstract = false;
    for (const s of nodes(node.body)) {
      if (s._ === "Assign" || s._ === "AnnAssign") {
        const targets = s._ === "Assign" ? nodes(s.targets) : [child(s, "target")!];
        for (const t of targets) if (t._ === "Name" && child(s, "value")) attrs.set(str(t, "id")!, child(s, "value")!);
        if (targets.some((t) => str(t, "id") === "abstract")) abstract = child(s, "value")?.value === true;
      } else if (s._ === "FunctionDef" || s._ === "AsyncFunctionDef") methods.set(str(s, "name")!, s);
    }
    const cls: PyClass = { name, node, kind, parents, attrs, methods, abstract };
    done.set(name, cls);
    return cls;
  };
  for (const name of raw.keys()) resolve(name, new Set());
  return done;
}

/** The weight of `@task`, `@task(3)` or `@task(weight=3)`; undefined when the function is no task. */
export function taskDecoratorWeight(fn: PyNode): number | undefined {
  for (const d of nodes(fn.decorator_list)) {
    if (lastName(d) === "task") return 1;
    if (d._ === "Call" && lastName(child(d, "func")) === "task") {
      const arg = nodes(d.args)[0] ?? child(nodes(d.keywords)[0] ?? { _: "" }, "value");
      return typeof arg?.value === "number" ? arg.value : 1;
    }
  }
  return undefined;
}

function positiveNumber(n: PyNode | undefined): number | undefined {
  return typeof n?.value === "number" && n.value >= 0 ? n.value : undefined;
}

/** A class's own task list: what `tasks` names and the @task methods, with weights. */
function ownTasks(cls: PyClass, classes: Map<string, PyClass>, functions: Map<string, PyNode>, todos: Todo[]): { target: PyClass | PyNode; weight: number }[] {
  const out: { target: PyClass | PyNode; weight: number }[] = [];
  const refer = (n: PyNode, weight: number): void => {
    const name = lastName(n);
    const target = name === undefined ? undefined : (classes.get(name) ?? cls.methods.get(name) ?? functions.get(name));
    if (!target) todos.push({ line: n.line ?? cls.node.line ?? 0, what: `${cls.name}.tasks names ${name ?? "an expression"}, which is neither a TaskSet, a method nor a function of this file; left out` });
    else out.push({ target, weight });
  };
  const tasksAttr = cls.attrs.get("tasks");
  if (tasksAttr?._ === "List" || tasksAttr?._ === "Tuple") nodes(tasksAttr.elts).forEach((e) => refer(e, 1));
  else if (tasksAttr?._ === "Dict") {
    const keys = tasksAttr.keys as (PyNode | null)[];
    nodes(tasksAttr.values).forEach((v, i) => {
      const w = positiveNumber(v);
      if (w === undefined) todos.push({ line: v.line ?? 0, what: `${cls.name}.tasks: weight ${firstLine(v)} is not a number; taken as 1` });
      if (keys[i]) refer(keys[i]!, w ?? 1);
    });
  } else if (tasksAttr) todos.push({ line: tasksAttr.line ?? 0, what: `${cls.name}.tasks is neither a list nor a dict; left out` });
  for (const fn of cls.methods.values()) {
    const w = taskDecoratorWeight(fn);
    if (w !== undefined) out.push({ target: fn, weight: w });
  }
  // A TaskSet declared inline with @task above its class statement.
  for (const s of nodes(cls.node.body)) {
    const w = s._ === "ClassDef" ? taskDecoratorWeight(s) : undefined;
    const inline = w !== undefined ? classes.get(str(s, "name")!) : undefined;
    if (inline) out.push({ target: inline, weight: w! });
  }
  return out;
}

/** The user's tasks with TaskSets flattened (weights multiplied through). */
export function flattenTasks(user: PyClass, classes: Map<string, PyClass>, functions: Map<string, PyNode>, todos: Todo[]): FlatTask[] {
  const flat = new Map<string, FlatTask>();
  const walk = (cls: PyClass, scale: number, prefix: string, depth: number): void => {
    const all = ownTasks(cls, classes, functions, todos);
    // A TaskSet's tasks that only interrupt() hand control back. Per visit, task i then runs
    // wi / (weight of the interrupting tasks) times on average, so that is its share per unit of
    // the TaskSet's weight; without one, Locust's user never leaves the TaskSet once entered.
    const leaving = cls.kind === "taskset" ? all.filter((t) => !("methods" in t.target) && onlyInterrupts(t.target as PyNode)) : [];
    const own = all.filter((t) => !leaving.includes(t));
    const per = leaving.length > 0 ? leaving.reduce((s, t) => s + t.weight, 0) : own.reduce((s, t) => s + t.weight, 0);
    if (cls.kind === "taskset" && leaving.length === 0 && depth > 0 && ownTasks(user, classes, functions, []).length > 1) {
      todos.push({ line: cls.node.line ?? 0, what: `${cls.name} never calls self.interrupt(): a Locust user that enters it stays in it for good; headroom mixes its tasks with the user's others by weight` });
    }
    for (const t of own) {
      const weight = cls.kind === "taskset" ? (scale * t.weight) / per : t.weight;
      if ("methods" in t.target) {
        const ts = t.target as PyClass;
        if (ts.kind !== "taskset") todos.push({ line: ts.node.line ?? 0, what: `${ts.name} is used as a task but is not a TaskSet; left out` });
        else if (depth > 8) todos.push({ line: ts.node.line ?? 0, what: `${ts.name}: TaskSets nested deeper than 8; left out` });
        else {
          if (nodes(ts.node.bases).some((b) => lastName(b) === "SequentialTaskSet")) todos.push({ line: ts.node.line ?? 0, what: `${ts.name} is a SequentialTaskSet: headroom picks its tasks by weight, not in order` });
          walk(ts, weight, `${ts.name}.`, depth + 1);
        }
        continue;
      }
      const fn = t.target as PyNode;
      const name = `${prefix}${str(fn, "name")}`;
      const isMethod = [...cls.methods.values()].includes(fn);
      const prev = flat.get(name);
      if (prev) prev.weight += weight;
      else flat.set(name, { name, weight, owner: isMethod ? cls : undefined, fn });
    }
  };
  walk(user, 1, "", 0);
  return [...flat.values()];
}

/** A task whose body is only `self.interrupt()` (the usual way out of a TaskSet). */
export function onlyInterrupts(fn: PyNode): boolean {
  const stmts = nodes(fn.body).filter((s) => s._ !== "Pass" && !(s._ === "Expr" && typeof child(s, "value")?.value === "string"));
  const call = stmts.length === 1 && stmts[0]!._ === "Expr" ? child(stmts[0]!, "value") : undefined;
  return call?._ === "Call" && lastName(child(call, "func")) === "interrupt";
}

/** Weights as small numbers: integers stay, fractions from flattening keep 4 decimals. */
export function roundWeight(w: number): number {
  return Math.round(w * 10000) / 10000;
}

/** The TaskSets a user reaches (for their on_start and wait_time). */
export function reachedTaskSets(tasks: FlatTask[]): PyClass[] {
  return [...new Set(tasks.map((t) => t.owner).filter((o): o is PyClass => o !== undefined && o.kind === "taskset"))];
}
