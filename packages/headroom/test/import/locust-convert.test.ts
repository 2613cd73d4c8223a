// `headroom import locust` on what does not convert: every such construct is a TODO comment in the
// output and a line of the summary, with its line number; the output still loads. And the
// errors: a missing file, a directory, a file that is not Python, no python3.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

const ODD = new URL("./fixtures/odd_locustfile.py", import.meta.url).pathname;
let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "headroom-convert-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("constructs without a translation become TODO(line N) comments and summary lines; the rest converts and loads", async () => {
  const out = join(tmp, "odd.scenario.ts");
  const io = memoryIo({}, tmp);
  assert.equal(await main(["import", "locust", ODD, "--out", out], io), 0, io.err());
  const text = io.out();
  const src = readFileSync(out, "utf8");
  // Each of these is printed with its line and marked in the file.
  for (const [line, what] of [
    [1, /import of os/],
    [6, /module-level function on_test_start is not a task/],
    [10, /Checkout is a SequentialTaskSet/],
    [29, /Api.wait_time is a lambda: only between\/constant\/constant_pacing\/constant_throughput/],
    [33, /%-formatting of a string/],
    [34, /no translation for os \(module os has no TypeScript counterpart\)/],
    [35, /allow_redirects= has no headroom equivalent/],
    [36, /str\.format\(\)/],
  ] as const) {
    assert.match(text, new RegExp(`line ${line}: .*${what.source}`), `line ${line}`);
  }
  for (const line of [29, 33, 34, 36]) assert.match(src, new RegExp(`TODO\\(line ${line}\\)`), `TODO(line ${line}) in the file`);
  // Approximations are listed apart: fixed_count as a weight, constant_throughput as pacing.
  assert.match(text, /line 21: Mobile.fixed_count = 2: headroom splits users by weight, so it becomes weight 2/);
  assert.match(src, /wait: constantPacing\(0\.25\)/);
  assert.match(src, /host: "http:\/\/127\.0\.0\.1:9"/);
  assert.match(src, /body: new URLSearchParams\(\{ "card": "4242" \}\)\.toString\(\)/);
  // The output loads as a valid scenario (its type check is in locust-examples.test.ts, one compiler run for all).
  const io2 = memoryIo({}, tmp);
  assert.equal(await main(["run", out, "--dry-run", "--no-typecheck", "--users", "2", "--duration", "1s"], io2), 0, io2.err());
  assert.match(io2.out(), /class Mobile: weight 2, one task every 0\.25 s/);
});

test("errors: missing file, directory, not Python (exit 3); no python3 (exit 4); --out exists (exit 2)", async () => {
  writeFileSync(join(tmp, "broken.py"), "class X(:\n  pass\n");
  const cases: [string[], Record<string, string>, number, RegExp][] = [
    [["nope.py"], {}, 3, /error\[HR_INPUT_INVALID\]: locustfile ".*nope\.py" does not exist/],
    [["."], {}, 3, /is a directory, not a locustfile/],
    [["broken.py"], {}, 3, /is not valid Python: line 1: .*\n {2}hint: give a locustfile that `python3 -m py_compile FILE` accepts/],
    [[ODD], { HEADROOM_PYTHON: "/nonexistent/python3" }, 4, /error\[HR_PYTHON_MISSING\]: "\/nonexistent\/python3" was not found on PATH.*\n {2}hint: install Python 3\.8 or later/],
  ];
  for (const [args, env, code, re] of cases) {
    const io = memoryIo(env, tmp);
    assert.equal(await main(["import", "locust", ...args, "--out", join(tmp, "x.scenario.ts")], io), code, args.join(" "));
    assert.match(io.err(), re);
  }
  writeFileSync(join(tmp, "exists.scenario.ts"), "");
  const io = memoryIo({}, tmp);
  assert.equal(await main(["import", "locust", ODD, "--out", join(tmp, "exists.scenario.ts")], io), 2);
  assert.match(io.err(), /already exists\n {2}hint: choose another path, or pass --force/);
});
