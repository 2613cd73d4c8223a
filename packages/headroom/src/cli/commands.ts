// Every command of the CLI, one module each. A module exports `register(program, ctx)`.
import type { Command } from "commander";
import type { CommandContext } from "./main.js";

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export const COMMANDS: RegisterCommand[] = [];
