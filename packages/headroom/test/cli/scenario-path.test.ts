// A scenario path that is not a scenario file: a directory, another kind of file, nothing at all.
// Each is refused before the type check with the path as typed, what was expected and the fix.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";

const dir = mkdtempSync(join(tmpdir(), "headroom-scenario-path-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("run and search: a directory, a .md file or a missing file as the scenario is exit 3 naming the path and the fix", async () => {
  mkdirSync(join(dir, "suite"));
  writeFileSync(join(dir, "suite", "shop.scenario.ts"), "export {};\n");
  writeFileSync(join(dir, "suite", "helpers.ts"), "export {};\n");
  mkdirSync(join(dir, "empty"));
  writeFileSync(join(dir, "notes.md"), "# notes\n");
  const cases: [string, RegExp][] = [
    ["suite", /^error\[HR_SCENARIO_NOT_FOUND\]: "suite" is a directory; expected a \.ts or \.js scenario file\n {2}hint: pass the scenario file itself: suite\/shop\.scenario\.ts\n$/],
    ["empty", /^error\[HR_SCENARIO_NOT_FOUND\]: "empty" is a directory; expected a \.ts or \.js scenario file\n {2}hint: pass the scenario file itself, e\.g\. apps\/backend\/tests\/load_tests\/muejam\.scenario\.ts for the MueJam suite\n$/],
    ["notes.md", /^error\[HR_SCENARIO_INVALID\]: "notes\.md" is not a scenario file: expected a \.ts or \.js file \(found "\.md"\)\n {2}hint: pass a TypeScript or JavaScript file that exports scenario/],
    ["gone.scenario.ts", /^error\[HR_SCENARIO_NOT_FOUND\]: scenario file "gone\.scenario\.ts" does not exist \(looked at .*gone\.scenario\.ts\); expected a \.ts or \.js scenario file\n {2}hint: check the path/],
  ];
  for (const [path, expected] of cases) {
    for (const args of [["run", path, "--users", "1", "--duration", "1s", "--host", "http://127.0.0.1:9"], ["search", path, "--host", "http://127.0.0.1:9"]]) {
      const io = memoryIo({}, dir);
      assert.equal(await main(args, io), EXIT.CONFIG, `${args.join(" ")}: ${io.err()}`);
      assert.match(io.err(), expected, args.join(" "));
    }
  }
});
