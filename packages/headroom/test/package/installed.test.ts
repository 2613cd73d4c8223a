// The package as a team gets it: packed (the build runs in prepack), installed into a fresh
// project outside this repository (so nothing resolves from the repository's node_modules), then
// used there: a scenario importing "headroom" runs against a local server, `plan --target
// --suite` runs a short profile against a local stand-in (nothing of the MueJam API is there to
// load), and `init` scaffolds a scenario that runs. The same script builds the Docker image.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
const REPO = fileURLToPath(new URL("../../../..", import.meta.url));
const SCRIPT = join(PACKAGE_DIR, "scripts", "pack-install.sh");

/** The environment without what `npm test` adds (npm_config_*, npm_package_*): npm here must act on the temporary project only. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|NODE_OPTIONS$)/i.test(k)));
}

const SCENARIO = `import { constant, scenario, task, userClass, type Profile } from "headroom";
export const profiles = {
  short: { name: "short", loadLevel: "normal", executor: "closed", users: 3, spawnRate: 3, durationSec: 2 },
} satisfies Record<string, Profile>;
export default scenario({
  name: "installed",
  classes: [userClass({ name: "Visitor", weight: 1, wait: constant(0.05), tasks: [task("home", 1, async (user) => { await user.get("/home"); })] })],
});
`;

let project = "";
let server: Server;
let base = "";
let hits = 0;

before(async () => {
  project = mkdtempSync(join(tmpdir(), "headroom-installed-"));
  assert.ok(!project.startsWith(REPO), "the project is outside the repository");
  const r = spawnSync("sh", [SCRIPT, project], { env: cleanEnv(), encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, `pack-install failed:\n${r.stdout}\n${r.stderr}`);
  server = createServer((_req, res) => {
    hits += 1;
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Runs the installed bin in the project (asynchronously: the local server answers in this process). */
function headroom(args: string[], cwd = project): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(project, "node_modules", "headroom", "bin", "headroom.js"), ...args], { cwd, env: cleanEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("the installed package holds the build only, and starts from it", async (t) => {
  const installed = join(project, "node_modules", "headroom");
  assert.ok(existsSync(join(installed, "dist", "index.js")) && existsSync(join(installed, "dist", "index.d.ts")));
  assert.ok(!existsSync(join(installed, "src")), "no TypeScript sources shipped");
  assert.ok(!existsSync(join(project, "node_modules", "typescript")), "TypeScript is an optional peer: not installed");
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { version: string };
  const v = await headroom(["--version"]);
  assert.equal(v.stdout.trim(), pkg.version);
  const du = spawnSync("du", ["-sk", installed, join(project, "node_modules")], { encoding: "utf8" });
  t.diagnostic(`installed size (KiB): ${du.stdout.trim().replace(/\s+/g, " ")}`);
});

test("a scenario importing headroom runs against a local server (type check skipped with a note: no TypeScript)", async () => {
  writeFileSync(join(project, "site.scenario.ts"), SCENARIO);
  hits = 0;
  const r = await headroom(["run", "site.scenario.ts", "--profile", "short", "--host", base, "--workers", "1", "--out", "run1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /not type-checked: TypeScript is not installed/);
  assert.ok(hits > 10, `the server saw ${hits} requests`);
  const summary = JSON.parse(readFileSync(join(project, "run1", "summary.json"), "utf8")) as { requests: { total: number; failed: number } };
  assert.ok(summary.requests.total > 10 && summary.requests.failed === 0, JSON.stringify(summary.requests));
});

test("plan --target --suite runs against a stand-in, with nothing of this repository", async () => {
  assert.ok(!existsSync(join(project, "node_modules", "@muejam")));
  hits = 0;
  const r = await headroom(["plan", "--target", base, "--suite", "site.scenario.ts", "--full", "--no-search", "--warmup", "0", "--out", "plan1"]);
  assert.ok(r.code === 0 || r.code === 99, `exit ${r.code}: ${r.stderr}`);
  assert.ok(hits > 10, `the stand-in saw ${hits} requests`);
  for (const f of ["capacity-plan.md", "summary.json", "report.html"]) assert.ok(existsSync(join(project, "plan1", f)), f);
  const doc = readFileSync(join(project, "plan1", "capacity-plan.md"), "utf8");
  assert.match(doc, new RegExp(base.replace(/[.]/g, "\\.")));
  assert.match(doc, /Test Tool\*\*: headroom .*the suite `site\.scenario\.ts`/, "the document names the user's suite, not the MueJam one");
});

test("init scaffolds a project whose scenario runs as init says, and plan takes its settings from headroom.config.json", async () => {
  const dir = join(project, "team");
  const init = await headroom(["init", "--dir", "team", "--target", base]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /npx headroom run load\/app\.scenario\.ts --profile smoke/);
  hits = 0;
  // No --host: the scaffolded scenario names the target as its host.
  const r = await headroom(["run", "load/app.scenario.ts", "--profile", "smoke", "--duration", "2s", "--users", "3", "--workers", "1", "--out", "smoke"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(hits > 0, "the scaffolded scenario sent requests");
  assert.ok(readdirSync(join(dir, "smoke")).includes("summary.json"));
  const dry = await headroom(["plan", "--dry-run"], dir);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /--target\s+http:\/\/127\.0\.0\.1:\d+\s+\(config .*headroom\.config\.json\)/);
  assert.match(dry.stdout, /--suite\s+load\/app\.scenario\.ts\s+\(config/);
  assert.match(dry.stdout, /smoke\s+normal/);
});

test("with TypeScript installed (the optional peer): the workflow's type check passes on init's scenario, and run stops on a type error", async () => {
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--save-dev", "typescript@6.0.3"], { cwd: project, env: cleanEnv(), encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const dir = join(project, "team");
  const workflow = readFileSync(join(dir, ".github", "workflows", "headroom.yml"), "utf8");
  const args = /run: npx tsc (.+)$/m.exec(workflow)?.[1]?.split(" ");
  assert.ok(args, "the workflow type-checks the scenario");
  const tsc = spawnSync(process.execPath, [join(project, "node_modules", "typescript", "bin", "tsc"), ...args], { cwd: dir, env: cleanEnv(), encoding: "utf8" });
  assert.equal(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`);
  writeFileSync(join(project, "bad.scenario.ts"), SCENARIO.replace('user.get("/home")', "user.get(42)"));
  const bad = await headroom(["run", "bad.scenario.ts", "--profile", "short", "--host", base]);
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(bad.stderr, /bad\.scenario\.ts:\d+:\d+: Argument of type 'number' is not assignable to parameter of type 'string'/);
});
