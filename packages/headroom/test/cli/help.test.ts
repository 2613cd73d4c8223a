// The CLI's help: commands are imported only when they run, yet `headroom --help` lists them all
// exactly as the loaded commands would.
import assert from "node:assert/strict";
import { test } from "node:test";
import { COMMANDS } from "../../src/cli/commands.js";
import { memoryIo } from "../../src/cli/io.js";
import { buildProgram, main, type CommandContext } from "../../src/cli/main.js";
import { EXIT } from "../../src/errors.js";

const context = (): CommandContext => ({ io: memoryIo(), argv: [], setExitCode: () => {} });

test("headroom --help lists every command, from the table, as the loaded commands print themselves", async () => {
  const io = memoryIo();
  assert.equal(await main(["--help"], io), EXIT.OK);
  const loaded = await buildProgram(context());
  assert.equal(io.out(), loaded.helpInformation());
  assert.deepEqual(
    loaded.commands.map((c) => c.name()),
    COMMANDS.map((c) => c.name),
  );
  for (const name of ["plan", "run", "report", "compare", "scale", "alerts", "analyze", "search", "fit", "telemetry"]) assert.match(io.out(), new RegExp(`\\n  ${name} `));
});

test("only the command being run is loaded; help run and run --help show its options", async () => {
  const program = await buildProgram(context(), ["--verbose", "run", "--url", "http://127.0.0.1:9/"]);
  const by = (name: string) => program.commands.find((c) => c.name() === name)!;
  assert.ok(by("run").options.some((o) => o.long === "--connections"));
  assert.equal(by("search").options.length, 0, "search was loaded although run was asked for");
  assert.equal(by("scale").commands.length, 0);
  for (const args of [["help", "run"], ["run", "--help"]]) {
    const io = memoryIo();
    assert.equal(await main(args, io), EXIT.OK);
    assert.match(io.out(), /^Usage: headroom run \[options\] \[scenario\]/);
    assert.match(io.out(), /--connections <n>/);
  }
  const io = memoryIo();
  assert.equal(await main(["scale", "--help"], io), EXIT.OK);
  assert.match(io.out(), /\n {2}simulate \[options\] \[config\]/);
});
