// headroom's command line: builds the commander program from one module per command and turns
// every failure into a message with a hint and a documented exit code (docs/exit-codes.md).
import { Command, CommanderError, Help } from "commander";
import { EXIT, HeadroomError, formatError, isHeadroomError } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import { COMMANDS, requestedCommand, type CommandEntry } from "./commands.js";
import { processIo, type CliIo } from "./io.js";
import { installSettings } from "./settings.js";

export interface CommandContext {
  io: CliIo;
  /** The command line as given (for documents that record how they were produced). */
  argv: string[];
  /** Set by a command's action: the exit code to return. */
  setExitCode(code: number): void;
}

/**
 * The program with every command listed. Given the command line, only the command it runs is
 * imported (the others are listed from COMMANDS); without, all are (for tests and docs).
 */
export async function buildProgram(ctx: CommandContext, argv?: readonly string[]): Promise<Command> {
  const program = new Command("headroom")
    .description("Capacity planning and load testing: run load profiles, sample the platform, find the breaking point, write the capacity plan.")
    .version(VERSION, "-V, --version")
    .option("--verbose", "print stack traces and debug detail on errors")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      outputError: () => {
        /* printed by main() with a hint */
      },
    });
  installSettings(program, ctx);
  const only = argv === undefined ? undefined : (requestedCommand(argv) ?? null);
  const listed = new Map<Command, CommandEntry>();
  for (const entry of COMMANDS) {
    if (only === undefined || only === entry.name) (await entry.load()).register(program, ctx);
    else listed.set(program.command(entry.name).description(entry.summary), entry);
  }
  // After the commands exist, so that only the top-level list uses it (subcommands copy settings when made).
  if (listed.size > 0) {
    program.configureHelp({
      subcommandTerm(this: Help, cmd: Command): string {
        return listed.get(cmd)?.term ?? Help.prototype.subcommandTerm.call(this, cmd);
      },
    });
  }
  return program;
}

/** "headroom scale simulate": the command the arguments reached (for hints naming its --help). */
export function commandPath(program: Command, argv: readonly string[]): string {
  const names = [program.name()];
  let cmd = program;
  for (const token of argv) {
    if (token.startsWith("-")) continue;
    const sub = cmd.commands.find((c) => c.name() === token || c.aliases().includes(token));
    if (!sub) break;
    names.push(sub.name());
    cmd = sub;
    if (cmd.commands.length === 0) break;
  }
  return names.join(" ");
}

/**
 * An unknown option or command as one headroom error: commander's own message puts its
 * "(Did you mean ...?)" on a line of its own; here the suggestion goes into the hint.
 */
function unknownError(e: CommanderError, program: Command, argv: readonly string[]): HeadroomError {
  const given = /'([^']*)'/.exec(e.message)?.[1] ?? "";
  const suggestion = /\(Did you mean (.+?)\?\)/.exec(e.message)?.[1];
  const cmd = commandPath(program, argv);
  const didYouMean = suggestion ? `did you mean ${suggestion}? ` : "";
  if (e.code === "commander.unknownCommand") return new HeadroomError("HR_BAD_ARGUMENT", `"${given}" is not a command of ${cmd}`, `${didYouMean}see ${cmd} --help for the commands`);
  return new HeadroomError("HR_UNKNOWN_FLAG", `${cmd} has no option "${given}"`, `${didYouMean}see ${cmd} --help for its options`);
}

function hintFor(e: CommanderError): string {
  switch (e.code) {
    case "commander.missingArgument":
    case "commander.optionMissingArgument":
    case "commander.missingMandatoryOptionValue":
      return "give the missing value; `headroom <command> --help` shows the expected form";
    default:
      return "run `headroom --help` for usage";
  }
}

const FS_CAUSES: Record<string, string> = {
  ENOENT: "it, or a directory on the way, does not exist",
  ENOTDIR: "a part of the path is a file, not a directory",
  EISDIR: "it is a directory, not a file",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EEXIST: "a file of that name is in the way",
};

/**
 * A file the user named (--out, an input) that the system refused: the user's to fix, not a bug in
 * headroom, so it gets a message naming the path instead of HR_INTERNAL.
 */
export function fileAccessError(e: unknown): HeadroomError | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!err || typeof err.code !== "string" || typeof err.path !== "string" || !(err.code in FS_CAUSES)) return undefined;
  const verb = err.syscall === "mkdir" ? "create the directory" : err.syscall === "write" ? "write" : "open";
  return new HeadroomError(
    "HR_FILE_ACCESS",
    `cannot ${verb} "${err.path}": ${FS_CAUSES[err.code]} (${err.code})`,
    "check the path you gave (--out, a file argument): its parent directory must exist and be writable; create it or choose another path",
    { cause: err },
  );
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.OK;
  const ctx: CommandContext = { io, argv, setExitCode: (c) => (exitCode = c) };
  const program = await buildProgram(ctx, argv);
  const verbose = argv.includes("--verbose");
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return EXIT.OK;
      const unknown = e.code === "commander.unknownOption" || e.code === "commander.unknownCommand";
      const err = unknown ? unknownError(e, program, argv) : new HeadroomError("HR_BAD_ARGUMENT", e.message.replace(/^error: /, ""), hintFor(e));
      io.stderr.write(formatError(err) + "\n");
      return EXIT.USAGE;
    }
    if (isHeadroomError(e)) {
      io.stderr.write(formatError(e) + "\n");
      if (verbose && e.cause instanceof Error && e.cause.stack) io.stderr.write(e.cause.stack + "\n");
      return e.exitCode;
    }
    const fsError = fileAccessError(e);
    if (fsError) {
      io.stderr.write(formatError(fsError) + "\n");
      if (verbose && (e as Error).stack) io.stderr.write((e as Error).stack + "\n");
      return fsError.exitCode;
    }
    const err = e as Error;
    io.stderr.write(`error[HR_INTERNAL]: ${err?.message ?? String(e)}\n  hint: this is a bug in headroom; run again with --verbose and report the stack trace\n`);
    if (verbose && err?.stack) io.stderr.write(err.stack + "\n");
    return EXIT.INTERNAL;
  }
}
