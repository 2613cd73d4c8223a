// Every command of the CLI, one module each. A module exports `register(program, ctx)`.
import type { Command } from "commander";
import type { CommandContext } from "./main.js";
import { register as registerPlan } from "./plan.js";
import { register as registerReport } from "./report.js";
import { register as registerCompare } from "./compare.js";
import { register as registerRun } from "./run.js";
import { register as registerScale } from "./scale.js";
import { register as registerAlerts } from "./alerts.js";
import { register as registerAnalyze } from "./analyze.js";
import { register as registerFit } from "./fit.js";
import { register as registerSearch } from "./search.js";
import { register as registerTelemetry } from "./telemetry.js";

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export const COMMANDS: RegisterCommand[] = [registerPlan, registerRun, registerReport, registerCompare, registerScale, registerAlerts, registerAnalyze, registerSearch, registerFit, registerTelemetry];
