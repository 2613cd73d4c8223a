// What scenario files use from "headroom", as a small entry for type-checking them: the full
// index pulls in every part of headroom (hundreds of files, ~200 MB for the compiler), this one
// a handful. A scenario importing anything else is checked against the full index instead.
export * from "./scenario-api.js";
export * from "./wait.js";
export { parseDurationMs, formatDurationMs } from "./duration.js";
export type { Profile, ClassOverride, ExecutorKind } from "./profile.js";
export type { LoadLevel, StageSpec, ErrorClass, PlanDescription } from "../core/types.js";
