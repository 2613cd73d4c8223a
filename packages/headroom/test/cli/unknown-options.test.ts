// An unknown option or command is one headroom error of two lines: what was given and where, then
// the suggestion and the --help to read.
import assert from "node:assert/strict";
import { test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";

test("unknown options and commands: error[...] then hint: did you mean ...? see headroom <cmd> --help", async () => {
  const cases: [string[], string][] = [
    [["run", "--url", "http://127.0.0.1:9/", "--connetions", "5"], 'error[HR_UNKNOWN_FLAG]: headroom run has no option "--connetions"\n  hint: did you mean --connections? see headroom run --help for its options\n'],
    [["--verbose", "scale", "simulate", "--polcy", "step"], 'error[HR_UNKNOWN_FLAG]: headroom scale simulate has no option "--polcy"\n  hint: did you mean --policy? see headroom scale simulate --help for its options\n'],
    [["report", "runs/x", "--zzzz"], 'error[HR_UNKNOWN_FLAG]: headroom report has no option "--zzzz"\n  hint: see headroom report --help for its options\n'],
    [["--verbos"], 'error[HR_UNKNOWN_FLAG]: headroom has no option "--verbos"\n  hint: did you mean --verbose? see headroom --help for its options\n'],
    [["serch", "--url", "http://127.0.0.1:9/"], 'error[HR_BAD_ARGUMENT]: "serch" is not a command of headroom\n  hint: did you mean search? see headroom --help for the commands\n'],
    [["scale", "simulat"], 'error[HR_BAD_ARGUMENT]: "simulat" is not a command of headroom scale\n  hint: did you mean simulate? see headroom scale --help for the commands\n'],
  ];
  for (const [args, expected] of cases) {
    const io = memoryIo();
    assert.equal(await main(args, io), EXIT.USAGE, args.join(" "));
    assert.equal(io.err(), expected, args.join(" "));
    assert.equal(io.out(), "");
  }
});
