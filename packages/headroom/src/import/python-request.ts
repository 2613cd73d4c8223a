// Requests of a locustfile: `self.client.get(url, name=..., headers=..., json=..., params=...)`
// and friends as `await u.get(path, { name, headers, json, query })`.
import { child, nodes, str, type PyNode } from "./python-ast.js";
import { expr, fail, isSelf, type TranslateContext } from "./python-expr.js";

const CLIENT_METHODS = new Set(["get", "post", "put", "patch", "delete", "head", "options"]);
const REQUEST_KWARGS = new Set(["name", "headers", "json", "params", "data", "catch_response", "timeout"]);

/** `self.client` (or `self.user.client` in a TaskSet). */
export function isClient(n: PyNode | undefined, ctx: TranslateContext): boolean {
  if (n?._ !== "Attribute" || str(n, "attr") !== "client") return false;
  const owner = child(n, "value");
  return isSelf(owner, ctx) || (ctx.inTaskSet && owner?._ === "Attribute" && str(owner, "attr") === "user" && isSelf(child(owner, "value"), ctx));
}

/** A request: `self.client.get(...)`, `self.client.request("GET", ...)`. */
export function clientCall(n: PyNode | undefined, ctx: TranslateContext): { method: string; args: PyNode[]; kwargs: Map<string, PyNode> } | undefined {
  if (n?._ !== "Call") return undefined;
  const fn = child(n, "func");
  if (fn?._ !== "Attribute" || !isClient(child(fn, "value"), ctx)) return undefined;
  const attr = str(fn, "attr")!;
  const kwargs = new Map<string, PyNode>();
  for (const k of nodes(n.keywords)) {
    if (str(k, "arg") === undefined) fail("**kwargs in a request");
    kwargs.set(str(k, "arg")!, child(k, "value")!);
  }
  const args = nodes(n.args);
  if (CLIENT_METHODS.has(attr)) return { method: attr.toUpperCase(), args, kwargs };
  if (attr === "request") {
    const m = args[0];
    if (m?._ !== "Constant" || typeof m.value !== "string") fail("client.request with a method that is not a string literal");
    return { method: (m!.value as string).toUpperCase(), args: args.slice(1), kwargs };
  }
  return undefined;
}

/** The options object of a request, and the kwargs it had to leave out. */
export function requestOptions(call: { kwargs: Map<string, PyNode> }, ctx: TranslateContext, line: number): string[] {
  const opts: string[] = [];
  const headers = call.kwargs.get("headers");
  // A dict as data= is a form, as requests sends it.
  const form = call.kwargs.get("data")?._ === "Dict";
  if (headers || form) opts.push(`headers: ${form ? `{ "content-type": "application/x-www-form-urlencoded"${headers ? `, ...${expr(headers, ctx)}` : ""} }` : expr(headers!, ctx)}`);
  for (const [k, v] of call.kwargs) {
    if (k === "name") opts.push(`name: ${expr(v, ctx)}`);
    else if (k === "json") opts.push(`json: ${expr(v, ctx)}`);
    else if (k === "params") opts.push(`query: ${expr(v, ctx)}`);
    else if (k === "data") opts.push(form ? `body: new URLSearchParams(${expr(v, ctx)}).toString()` : `body: String(${expr(v, ctx)})`);
    else if (k === "timeout") opts.push(`timeoutMs: (${expr(v, ctx)}) * 1000`);
    else if (!REQUEST_KWARGS.has(k)) ctx.todos.push({ line, what: `request option ${k}= has no headroom equivalent and was left out` });
  }
  return opts;
}

export function requestExpr(
  call: { method: string; args: PyNode[]; kwargs: Map<string, PyNode> },
  ctx: TranslateContext,
  line: number,
  extra: string[] = [],
): string {
  if (call.args.length === 0) fail("a request without a URL");
  if (call.args.length > 1) fail("a request with positional arguments after the URL");
  const opts = [...requestOptions(call, ctx, line), ...extra];
  const fn = ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(call.method) ? `u.${call.method.toLowerCase()}(` : `u.request(${JSON.stringify(call.method)}, `;
  return `await ${fn}${expr(call.args[0]!, ctx)}${opts.length ? `, { ${opts.join(", ")} }` : ""})`;
}

