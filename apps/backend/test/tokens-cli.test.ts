// `npm run tokens`: a bad command line is refused before any database is touched, naming the
// option, listing the valid ones, with exit code 2.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const CLI = fileURLToPath(new URL("../src/cli/tokens.ts", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", timeout: 60_000, env: { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" } });

test("tokens CLI: an unknown option, a missing value or a stray argument is exit 2 with the valid options", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^tokens: error: Unknown option '--bogus'; the options are --count N, --ttl-hours H, --out FILE, --help\n {2}hint: npm run -s tokens -w apps\/backend -- --count 1000 > tokens\.json/],
    [["--count"], /^tokens: error: Option '--count <value>' argument missing; the options are --count N/],
    [["1000"], /^tokens: error: Unexpected argument '1000'.*; the options are --count N/],
    [["--count", "0"], /^tokens: error: --count is "0"; expected a whole number of at least 1\n {2}hint: for example --count 1000/],
  ];
  for (const [args, expected] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, expected);
    assert.equal(r.stdout, "", "nothing on stdout, which is the tokens file");
  }
  const help = run("--help");
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: npm run -s tokens -w apps\/backend -- \[--count N\] \[--ttl-hours H\] \[--out FILE\]/);
});
