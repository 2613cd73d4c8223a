// Every command of the CLI, one module each. A module exports `register(program, ctx)`.
import type { Command } from "commander";
import type { CommandContext } from "./main.js";
import { register as registerReport } from "./report.js";
import { register as registerCompare } from "./compare.js";
import { register as registerRun } from "./run.js";
import { register as registerScale } from "./scale.js";
import { register as registerAlerts } from "./alerts.js";

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export const COMMANDS: RegisterCommand[] = [registerReport, registerCompare, registerRun, registerScale, registerAlerts];
