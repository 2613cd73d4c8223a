// The flag parsers shared by run and search, through the command line where the order of checks matters.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseNumber, parseThink } from "../../src/cli/flags.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT, HeadroomError } from "../../src/core/errors.js";

test("--think: one duration is constant, MIN-MAX is between; MIN > MAX is refused, not swapped", async () => {
  assert.deepEqual(parseThink("2s"), { kind: "constant", sec: 2 });
  assert.deepEqual(parseThink("500ms-1.5s"), { kind: "between", minSec: 0.5, maxSec: 1.5 });
  assert.deepEqual(parseThink("1s-1s"), { kind: "between", minSec: 1, maxSec: 1 });
  assert.throws(
    () => parseThink("5s-1s"),
    (e: unknown) => e instanceof HeadroomError && e.code === "HR_BAD_DURATION" && /"5s-1s" has its minimum 5s above its maximum 1s; expected .*MIN <= MAX/.test(e.message) && e.hint === "put the shorter pause first: --think 1s-5s",
  );
  assert.throws(() => parseThink("1s-2s-3s"), (e: unknown) => e instanceof HeadroomError && e.code === "HR_BAD_DURATION" && /has 3 parts/.test(e.message));

  // run and search refuse it as a usage error before anything is sent (port 9 would be unreachable: exit 4).
  for (const args of [
    ["run", "--url", "http://127.0.0.1:9/", "--users", "2", "--think", "5s-1s", "--duration", "1s"],
    ["search", "--url", "http://127.0.0.1:9/", "--think", "5s-1s"],
  ]) {
    const io = memoryIo();
    assert.equal(await main(args, io), EXIT.USAGE, `${args[0]}: ${io.err()}`);
    assert.match(io.err(), /^error\[HR_BAD_DURATION\]: --think "5s-1s" has its minimum 5s above its maximum 1s/);
    assert.match(io.err(), /hint: put the shorter pause first: --think 1s-5s/);
  }
});

test("parseNumber: the bound, whole numbers and the example in the hint", () => {
  assert.equal(parseNumber("1.5", "--growth", { min: 1.1 }), 1.5);
  assert.equal(parseNumber("0", "--seed", { integer: true }), 0);
  for (const [text, opts, message] of [
    ["1.05", { min: 1.1 }, /^--x "1\.05" is not a number >= 1\.1$/],
    ["2.5", { integer: true, min: 1 }, /^--x "2\.5" is not a whole number >= 1$/],
    ["", {}, /^--x "" is not a number >= 0$/],
    ["ten", { example: "250" }, /^--x "ten" is not a number >= 0$/],
  ] as const) {
    assert.throws(
      () => parseNumber(text, "--x", opts),
      (e: unknown) => e instanceof HeadroomError && e.code === "HR_BAD_NUMBER" && message.test(e.message) && e.hint.includes("--x"),
    );
  }
  assert.throws(() => parseNumber("x", "--peak-rps", { example: "1200" }), (e: unknown) => e instanceof HeadroomError && e.hint.endsWith("--peak-rps 1200"));
});
