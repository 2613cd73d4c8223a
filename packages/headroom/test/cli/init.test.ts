// `headroom init`: the scaffolded scenario type-checks and runs, from an OpenAPI document (YAML),
// a HAR recording, or as the commented example; the config and workflow are written; nothing is
// overwritten without --force.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { loadScenario } from "../../src/plan/load-scenario.js";
import { typecheckScenario } from "../../src/plan/typecheck-scenario.js";
import { operationsFromHar, pathTemplate } from "../../src/import/har.js";
import { operationsFromOpenApi } from "../../src/import/openapi.js";

const OPENAPI_YAML = `openapi: 3.0.3
info: { title: Pet Store, version: "1" }
servers: [{ url: "https://pets.example.com/v1" }]
components:
  securitySchemes: { bearerAuth: { type: http, scheme: bearer } }
  schemas:
    NewPet:
      type: object
      required: [name, age]
      properties: { name: { type: string, example: Rex }, age: { type: integer }, tag: { type: string } }
paths:
  /pets:
    get:
      parameters: [{ name: limit, in: query, required: true, schema: { type: integer, example: 20 } }]
    post:
      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/NewPet" } } } }
  /pets/{petId}:
    parameters: [{ name: petId, in: path, required: true, schema: { type: string }, example: p-7 }]
    get: {}
    delete: {}
  /old:
    get: { deprecated: true }
`;

const HAR = {
  log: {
    entries: [
      { request: { method: "GET", url: "https://shop.example.com/api/items/12?x=1", headers: [{ name: "Cookie", value: "sid=secret-cookie" }, { name: "Accept", value: "application/json" }] } },
      { request: { method: "GET", url: "https://shop.example.com/api/items/99", headers: [{ name: "Authorization", value: "Bearer secret-token" }] } },
      { request: { method: "POST", url: "https://shop.example.com/api/cart", headers: [], postData: { mimeType: "application/json", text: '{"item":12}' } } },
      { request: { method: "GET", url: "https://shop.example.com/static/app.js", headers: [] } },
      { request: { method: "GET", url: "https://analytics.example.net/collect", headers: [] } },
    ],
  },
};

let server: Server;
let base = "";
const seen: string[] = [];
before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader("content-type", "application/json");
    res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

function dir(): string {
  return mkdtempSync(join(tmpdir(), "headroom-init-"));
}

test("OpenAPI: each operation with example parameters, bodies from schemas, the server's path prefix and bearer auth", () => {
  const api = operationsFromOpenApi({ openapi: "3.0.3", info: { title: "Pet Store" }, servers: [{ url: "https://pets.example.com/v1" }], components: { securitySchemes: { b: { type: "http", scheme: "bearer" } }, schemas: { NewPet: { type: "object", required: ["name"], properties: { name: { type: "string", example: "Rex" } } } } }, paths: { "/pets/{id}": { get: { parameters: [{ name: "id", in: "path", schema: { type: "integer" } }] }, put: { requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/NewPet" } } } } } } } }, "doc");
  assert.equal(api.server, "https://pets.example.com");
  assert.deepEqual(api.auth, { kind: "bearer" });
  assert.deepEqual(api.operations.map((o) => [o.method, o.path, o.name, o.weight]), [["GET", "/v1/pets/1", "/v1/pets/{id}", 10], ["PUT", "/v1/pets/1", "/v1/pets/{id}", 1]]);
  assert.deepEqual(api.operations[1]!.json, { name: "Rex" });
});

test("HAR: one origin's API calls grouped by path template and weighted by count; static files, other origins and credentials left out", () => {
  assert.equal(pathTemplate("/api/items/12/reviews/5f3c2a9b8d7e6f5a4b3c"), "/api/items/[id]/reviews/[id]");
  const api = operationsFromHar(HAR, "rec.har");
  assert.equal(api.server, "https://shop.example.com");
  assert.deepEqual(api.operations.map((o) => [o.method, o.name, o.weight]), [["GET", "/api/items/[id]", 2], ["POST", "/api/cart", 1]]);
  assert.deepEqual(api.operations[1]!.json, { item: 12 });
  assert.deepEqual(api.auth, { kind: "bearer" });
  assert.doesNotMatch(JSON.stringify(api), /secret-cookie|secret-token/);
});

test("init --from openapi.yaml writes a scenario that type-checks and runs against the platform", async () => {
  const cwd = dir();
  writeFileSync(join(cwd, "openapi.yaml"), OPENAPI_YAML);
  const io = memoryIo({}, cwd);
  assert.equal(await main(["init", "--from", "openapi.yaml", "--target", base], io), 0, io.err());
  for (const f of ["load/app.scenario.ts", "load/targets.json", "headroom.config.json", ".github/workflows/headroom.yml"]) assert.ok(existsSync(join(cwd, f)), f);
  assert.match(io.out(), /next: .*\n {2}npx headroom run load\/app\.scenario\.ts --profile smoke/);
  const file = join(cwd, "load/app.scenario.ts");
  assert.deepEqual(await typecheckScenario(file), { checked: true });
  const s = await loadScenario(file);
  assert.deepEqual(Object.keys(s.profiles ?? {}), ["smoke", "baseline", "peak"]);
  assert.deepEqual(s.classes[0]!.tasks.map((t) => t.name), ["GET /v1/pets", "POST /v1/pets", "GET /v1/pets/{petId}", "DELETE /v1/pets/{petId}"]);
  // The scenario names the target as its host: run needs no --host; plan gets --target from the config.
  assert.equal(s.host, base);
  const config = JSON.parse(readFileSync(join(cwd, "headroom.config.json"), "utf8")) as { target: string; plan: { suite: string } };
  assert.deepEqual([config.target, config.plan.suite], [base, "load/app.scenario.ts"]);
  seen.length = 0;
  const run = memoryIo({}, cwd);
  assert.equal(await main(["run", "load/app.scenario.ts", "--users", "4", "--duration", "2s", "--workers", "1", "--var", "token=t0k", "--seed", "1", "--out", "run1"], run), 0, run.err());
  assert.ok(seen.some((r) => r.startsWith("GET /v1/pets/p-7")), seen.join(", "));
  assert.ok(seen.some((r) => r === "GET /v1/pets?limit=20"), seen.join(", "));
  assert.ok(readdirSync(join(cwd, "run1")).includes("summary.json"));
  const workflow = readFileSync(join(cwd, ".github/workflows/headroom.yml"), "utf8");
  assert.match(workflow, /cron: "0 3 \* \* 1"/);
  assert.match(workflow, /npx headroom compare "headroom-last\/\$name" "headroom-plan\/\$name"/);
});

test("init without --from writes the commented example; a second init refuses to overwrite without --force", async () => {
  const cwd = dir();
  const io = memoryIo({}, cwd);
  assert.equal(await main(["init", "--no-workflow"], io), 0, io.err());
  assert.ok(!existsSync(join(cwd, ".github")));
  const file = join(cwd, "load/app.scenario.ts");
  assert.match(readFileSync(file, "utf8"), /\/\/ task\("view item"/);
  assert.deepEqual(await typecheckScenario(file), { checked: true });
  const again = memoryIo({}, cwd);
  assert.equal(await main(["init"], again), 2);
  assert.match(again.err(), /would overwrite load\/app\.scenario\.ts, load\/targets\.json, headroom\.config\.json/);
  assert.equal(await main(["init", "--force"], memoryIo({}, cwd)), 0);
});

test("init --from a HAR recording writes a scenario that type-checks", async () => {
  const cwd = dir();
  writeFileSync(join(cwd, "rec.har"), JSON.stringify(HAR));
  const io = memoryIo({}, cwd);
  assert.equal(await main(["init", "--from", "rec.har"], io), 0, io.err());
  assert.match(io.out(), /static file request left out/);
  const file = join(cwd, "load/app.scenario.ts");
  assert.doesNotMatch(readFileSync(file, "utf8"), /secret/);
  assert.deepEqual(await typecheckScenario(file), { checked: true });
  assert.equal(JSON.parse(readFileSync(join(cwd, "headroom.config.json"), "utf8")).target, "https://shop.example.com");
});
