// OpenAPI 3.x / Swagger 2.0 (JSON or YAML) → the operations a scenario requests: each path and
// method, with path and query parameters filled from the document's examples (or a value of the
// parameter's type), JSON bodies from the request's example or built from its schema.
import { HeadroomError } from "../core/errors.js";
import { MAX_OPERATIONS, type ApiAuth, type LearnedApi, type Operation } from "./operations.js";

type Json = Record<string, unknown>;
const METHODS = ["get", "post", "put", "patch", "delete"];

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Follows a local "$ref": "#/components/..." (up to a few hops). */
function deref(doc: Json, v: unknown, depth = 0): unknown {
  if (!isObject(v) || typeof v.$ref !== "string" || depth > 8) return v;
  const parts = v.$ref.replace(/^#\//, "").split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let at: unknown = doc;
  for (const p of parts) at = isObject(at) ? at[p] : undefined;
  return deref(doc, at, depth + 1);
}

/** An example value for a schema: its example, default or first enum value, else one of its type. */
export function exampleFromSchema(doc: Json, schema: unknown, depth = 0): unknown {
  const s = deref(doc, schema);
  if (!isObject(s) || depth > 4) return null;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const all = [s.allOf, s.oneOf, s.anyOf].find(Array.isArray) as unknown[] | undefined;
  if (all && all.length > 0) return exampleFromSchema(doc, all[0], depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "integer":
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 1;
    case "boolean":
      return true;
    case "array":
      return [exampleFromSchema(doc, s.items, depth + 1)];
    case "object":
    case undefined: {
      if (!isObject(s.properties)) return type === "object" ? {} : "example";
      const required = Array.isArray(s.required) ? (s.required as string[]) : Object.keys(s.properties);
      const properties = s.properties as Json;
      return Object.fromEntries(required.filter((k) => k in properties).map((k) => [k, exampleFromSchema(doc, properties[k], depth + 1)]));
    }
    default:
      return s.format === "email" ? "user@example.com" : s.format === "uuid" ? "00000000-0000-4000-8000-000000000001" : s.format === "date-time" ? "2026-01-01T00:00:00Z" : "example";
  }
}

function paramExample(doc: Json, p: Json): unknown {
  if (p.example !== undefined) return p.example;
  if (isObject(p.examples)) {
    const first = deref(doc, Object.values(p.examples)[0]);
    if (isObject(first) && first.value !== undefined) return first.value;
  }
  return exampleFromSchema(doc, p.schema ?? { type: p.type ?? "string" });
}

function bodyExample(doc: Json, op: Json): unknown {
  const body = deref(doc, op.requestBody);
  if (isObject(body) && isObject(body.content)) {
    const media = deref(doc, (body.content as Json)["application/json"] ?? Object.values(body.content)[0]);
    if (!isObject(media)) return undefined;
    if (media.example !== undefined) return media.example;
    if (isObject(media.examples)) {
      const first = deref(doc, Object.values(media.examples)[0]);
      if (isObject(first) && first.value !== undefined) return first.value;
    }
    return exampleFromSchema(doc, media.schema);
  }
  // Swagger 2.0: an "in": "body" parameter.
  const param = (Array.isArray(op.parameters) ? op.parameters : []).map((p) => deref(doc, p)).find((p) => isObject(p) && p.in === "body") as Json | undefined;
  return param ? exampleFromSchema(doc, param.schema) : undefined;
}

function serverOf(doc: Json): string | undefined {
  if (Array.isArray(doc.servers) && isObject(doc.servers[0]) && typeof doc.servers[0].url === "string") return doc.servers[0].url;
  if (typeof doc.host === "string") return `${Array.isArray(doc.schemes) && doc.schemes.includes("https") ? "https" : "http"}://${doc.host}${typeof doc.basePath === "string" ? doc.basePath : ""}`;
  return undefined;
}

/** A server URL, or undefined when it is not one (OpenAPI server variables such as "{scheme}://..."). */
function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function authOf(doc: Json): ApiAuth | undefined {
  const schemes = isObject(doc.components) ? (doc.components as Json).securitySchemes : doc.securityDefinitions;
  if (!isObject(schemes)) return undefined;
  for (const raw of Object.values(schemes)) {
    const s = deref(doc, raw);
    if (!isObject(s)) continue;
    if ((s.type === "http" && String(s.scheme).toLowerCase() === "bearer") || s.type === "oauth2" || s.type === "openIdConnect") return { kind: "bearer" };
    if (s.type === "apiKey" && s.in === "header" && typeof s.name === "string") return { kind: "header", header: s.name };
  }
  return undefined;
}

/** The operations of an OpenAPI document (already parsed from JSON or YAML). */
export function operationsFromOpenApi(doc: Json, source: string): LearnedApi {
  if (!isObject(doc.paths)) {
    throw new HeadroomError("HR_CONFIG_INVALID", `${source} has no "paths"; expected an OpenAPI 3 or Swagger 2 document`, "pass the API's OpenAPI document (openapi.json or openapi.yaml) to --from, or a HAR recording");
  }
  const server = serverOf(doc);
  // A relative server URL ("/api/v1") is a prefix of every path.
  const serverUrl = server && !server.startsWith("/") ? parseUrl(server) : undefined;
  const prefix = (server?.startsWith("/") ? server : (serverUrl?.pathname ?? "")).replace(/\/+$/, "");
  const all: Operation[] = [];
  let deprecated = 0;
  for (const [template, rawItem] of Object.entries(doc.paths)) {
    const item = deref(doc, rawItem);
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = deref(doc, item[method]);
      if (!isObject(op)) continue;
      if (op.deprecated === true) {
        deprecated += 1;
        continue;
      }
      const declared = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(op.parameters) ? op.parameters : [])];
      const params = declared.map((p) => deref(doc, p)).filter(isObject);
      let path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const p = params.find((x) => x.in === "path" && x.name === name);
        return encodeURIComponent(String(p ? paramExample(doc, p) : 1));
      });
      const query = params.filter((p) => p.in === "query" && p.required === true).map((p) => `${encodeURIComponent(String(p.name))}=${encodeURIComponent(String(paramExample(doc, p)))}`);
      if (query.length > 0) path += `?${query.join("&")}`;
      const operation: Operation = { method: method.toUpperCase(), path: prefix + path, name: prefix + template, weight: method === "get" ? 10 : 1 };
      if (method !== "get" && method !== "delete") {
        const json = bodyExample(doc, op);
        if (json !== undefined) operation.json = json;
      }
      all.push(operation);
    }
  }
  const notes: string[] = [];
  if (deprecated > 0) notes.push(`${deprecated} deprecated operation${deprecated > 1 ? "s" : ""} left out`);
  if (all.length > MAX_OPERATIONS) notes.push(`${all.length} operations in the document: the first ${MAX_OPERATIONS} were written (edit the scenario to pick the ones your users call most)`);
  if (all.length === 0) notes.push("the document lists no operations: the scenario requests / only");
  const info = isObject(doc.info) ? doc.info : {};
  const auth = authOf(doc);
  return {
    source,
    ...(typeof info.title === "string" ? { title: info.title } : {}),
    ...(serverUrl ? { server: serverUrl.origin } : {}),
    operations: all.slice(0, MAX_OPERATIONS),
    ...(auth ? { auth } : {}),
    notes,
  };
}
