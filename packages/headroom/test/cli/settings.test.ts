// Settings from HEADROOM_* variables and headroom.config.json: precedence flags > environment >
// file > defaults for every command's flags, shown by --dry-run with secrets redacted, and bad
// files named with the fix.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { envVarName, redact } from "../../src/cli/settings.js";

const SUITE = `import { constant, scenario, task, userClass } from "headroom";
export const profiles = { one: { name: "one", executor: "closed" as const, users: 2, spawnRate: 2, durationSec: 20 } };
export default scenario({ name: "s", classes: [userClass({ name: "U", weight: 1, wait: constant(1), tasks: [task("home", 1, async (u) => { await u.get("/"); })] })] });
`;

function project(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "headroom-settings-"));
  writeFileSync(join(dir, "a.scenario.ts"), SUITE);
  writeFileSync(join(dir, "b.scenario.ts"), SUITE);
  if (config !== undefined) writeFileSync(join(dir, "headroom.config.json"), JSON.stringify(config));
  return dir;
}

test("environment variable names follow the flag", () => {
  assert.equal(envVarName("target"), "HEADROOM_TARGET");
  assert.equal(envVarName("searchBudget"), "HEADROOM_SEARCH_BUDGET");
});

test("redact hides URL passwords, secret query parameters, secret headers and secret flags", () => {
  assert.equal(redact("--postgres", "postgres://app:s3cret@db:5432/app"), "postgres://app:***@db:5432/app");
  assert.equal(redact("--metrics", "https://m.example.com/metrics?token=abc&x=1"), "https://m.example.com/metrics?token=***&x=1");
  assert.equal(redact("--header", "Authorization: Bearer abc"), "Authorization: ***");
  assert.equal(redact("--tokens", "tokens.json"), "*** (hidden)");
  assert.equal(redact("--var", ["token=abc", "tier=gold", "api_key=k"]), "token=***, tier=gold, api_key=***");
  assert.equal(redact("--target", "http://127.0.0.1:3000"), "http://127.0.0.1:3000");
});

test("flags > environment > config file > defaults, shown by plan --dry-run without secrets", async () => {
  const cwd = project({ target: "http://127.0.0.1:9001", redis: "redis://:hunter2@127.0.0.1:6379", plan: { suite: "a.scenario.ts", workers: 3 } });
  const io = memoryIo({ HEADROOM_TARGET: "http://127.0.0.1:9002", HEADROOM_POSTGRES: "postgres://u:pgpass@127.0.0.1/db" }, cwd);
  const code = await main(["plan", "--suite", "b.scenario.ts", "--dry-run"], io);
  assert.equal(code, 0, io.err());
  const out = io.out();
  assert.match(out, /--target\s+http:\/\/127\.0\.0\.1:9002\s+\(HEADROOM_TARGET\)/, "env beats the file");
  assert.match(out, /--suite\s+b\.scenario\.ts\s+\(flag\)/, "the flag beats the file");
  assert.match(out, /--workers\s+3\s+\(config .*headroom\.config\.json\)/, "the file beats the default");
  assert.match(out, /--redis\s+redis:\/\/:\*\*\*@127\.0\.0\.1:6379/);
  assert.doesNotMatch(out, /hunter2|pgpass/, "no secret printed");
  assert.doesNotMatch(out, /--instances/, "defaults are not listed as settings");
});

test("--config names the file; a repeatable flag on the command line replaces the file's list", async () => {
  const cwd = project();
  writeFileSync(join(cwd, "team.json"), JSON.stringify({ plan: { suite: "a.scenario.ts", target: "http://127.0.0.1:9003", var: ["a=1", "b=2"] } }));
  const io = memoryIo({}, cwd);
  assert.equal(await main(["plan", "--config", "team.json", "--var", "c=3", "--dry-run"], io), 0, io.err());
  assert.match(io.out(), /--var\s+c=3\s+\(flag\)/);
  const io2 = memoryIo({}, cwd);
  assert.equal(await main(["plan", "--config", "team.json", "--dry-run"], io2), 0, io2.err());
  assert.match(io2.out(), /--var\s+a=1, b=2\s+\(config/);
});

test("a bad config file or value is a config error naming the key and the fix", async () => {
  const cwd = project({ plan: { suite: "a.scenario.ts", taget: "http://x" } });
  const io = memoryIo({}, cwd);
  assert.equal(await main(["plan", "--dry-run"], io), 3);
  assert.match(io.err(), /HR_CONFIG_INVALID.*"plan" has no option "taget"/);
  const io2 = memoryIo({ HEADROOM_FULL: "perhaps" }, project({}));
  assert.equal(await main(["plan", "--suite", "a.scenario.ts", "--target", "http://127.0.0.1:9", "--dry-run"], io2), 3);
  assert.match(io2.err(), /HEADROOM_FULL sets --full to "perhaps"; expected true or false/);
  const bad = project();
  writeFileSync(join(bad, "headroom.config.json"), "{ nope");
  const io3 = memoryIo({}, bad);
  assert.equal(await main(["run", "--dry-run"], io3), 3);
  assert.match(io3.err(), /headroom\.config\.json" is not valid JSON/);
});

test("headroom.config.ts: its default export is read like the JSON file", async () => {
  const cwd = project();
  writeFileSync(join(cwd, "headroom.config.ts"), `const target: string = "http://127.0.0.1:9004";\nexport default { target, plan: { suite: "a.scenario.ts" } };\n`);
  const io = memoryIo({}, cwd);
  assert.equal(await main(["plan", "--dry-run"], io), 0, io.err());
  assert.match(io.out(), /--target\s+http:\/\/127\.0\.0\.1:9004\s+\(config .*headroom\.config\.ts\)/);
});
