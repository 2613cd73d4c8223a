// The CLI's help: commands are imported only when they run, yet `headroom --help` lists them all
// exactly as the loaded commands would.
import assert from "node:assert/strict";
import type { Command } from "commander";
import { test } from "node:test";
import { COMMANDS } from "../../src/cli/commands.js";
import { memoryIo } from "../../src/cli/io.js";
import { buildProgram, main, type CommandContext } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";

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

/** Words of a shell command line: spaces split, "..." and '...' quote. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const pathOf = (cmd: Command): string[] => (cmd.parent ? [...pathOf(cmd.parent), cmd.name()] : []);

function allCommands(cmd: Command): Command[] {
  return cmd.commands.filter((c) => c.name() !== "help").flatMap((c) => [c, ...allCommands(c)]);
}

test("every command's --help has Examples: with real invocations that parse and reach that command", async () => {
  const commands = allCommands(await buildProgram(context()));
  assert.ok(commands.length >= 13, commands.map((c) => c.name()).join(", "));
  for (const cmd of commands) {
    const path = pathOf(cmd);
    const io = memoryIo();
    assert.equal(await main([...path, "--help"], io), EXIT.OK);
    const block = /\nExamples:\n((?: {2}.*\n?)+)/.exec(io.out());
    assert.ok(block, `headroom ${path.join(" ")} --help has no Examples: section`);
    const examples = block[1]!.split("\n").filter((l) => l.trim() !== "");
    assert.ok(examples.length >= 2, `headroom ${path.join(" ")}: ${examples.length} example(s)`);
    for (const example of examples) {
      // A comment may follow the command after two or more spaces.
      const line = example.trim().split(/ {2,}/)[0]!;
      const argv = words(line);
      assert.deepEqual(argv.slice(0, 2), ["npx", "headroom"], example);
      // A fresh program whose commands record that they ran instead of running.
      const program = await buildProgram(context());
      let ran: string[] | undefined;
      for (const c of allCommands(program)) if (c.commands.length === 0) c.action((...args: unknown[]) => void (ran = pathOf(args[args.length - 1] as Command)));
      await program.parseAsync(argv.slice(2), { from: "user" }).catch((e: Error) => assert.fail(`"${line}" does not parse: ${e.message}`));
      const expected = path.length === 1 && cmd.commands.length > 0 ? argv.slice(2, 4) : path;
      assert.deepEqual(ran, expected, `"${line}" ran ${ran?.join(" ")}`);
    }
  }
});
