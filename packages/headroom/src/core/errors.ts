// One table of stable error codes. Every error names the bad value, the expected form and the
// fix (the hint); each maps to a documented exit code (see docs/exit-codes.md).

export const EXIT = {
  OK: 0,
  /** An unexpected failure inside headroom (a bug): run again with --verbose and report it. */
  INTERNAL: 1,
  /** Bad command line: unknown flag, bad value, missing argument. */
  USAGE: 2,
  /** A scenario, plan, config or run directory that cannot be used (type error, bad schema, throws on load). */
  CONFIG: 3,
  /** The target or a service could not be reached or started (refused, DNS, database down). */
  UNREACHABLE: 4,
  /** The run stopped on an error in the scenario itself (for example onStart threw for every user). */
  SCENARIO_FAILED: 5,
  /** The run did not finish (killed, interrupted or failed before its end): its verdict is INCOMPLETE, never PASS. */
  INCOMPLETE: 98,
  /** The run completed but one or more targets (SLOs) failed. */
  TARGETS_FAILED: 99,
  /** `headroom compare` found a regression beyond the bound. */
  REGRESSION: 100,
  /** Interrupted (Ctrl-C / SIGTERM); the data gathered so far was kept. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ErrorSpec {
  exitCode: ExitCode;
  /** A template: the message, with the details filled in by the caller. */
  title: string;
}

export const ERRORS = {
  HR_UNKNOWN_FLAG: { exitCode: EXIT.USAGE, title: "unknown option" },
  HR_BAD_ARGUMENT: { exitCode: EXIT.USAGE, title: "invalid argument" },
  HR_BAD_DURATION: { exitCode: EXIT.USAGE, title: "invalid duration" },
  HR_BAD_NUMBER: { exitCode: EXIT.USAGE, title: "invalid number" },
  HR_BAD_URL: { exitCode: EXIT.USAGE, title: "invalid URL" },
  HR_BAD_HEADER: { exitCode: EXIT.USAGE, title: "invalid header" },
  HR_BAD_SLO: { exitCode: EXIT.USAGE, title: "invalid SLO expression" },
  HR_MISSING_ARGUMENT: { exitCode: EXIT.USAGE, title: "missing argument" },
  HR_CONFLICTING_FLAGS: { exitCode: EXIT.USAGE, title: "conflicting options" },
  HR_SCENARIO_NOT_FOUND: { exitCode: EXIT.CONFIG, title: "scenario file not found" },
  HR_SCENARIO_INVALID: { exitCode: EXIT.CONFIG, title: "scenario is invalid" },
  HR_SCENARIO_LOAD: { exitCode: EXIT.CONFIG, title: "scenario failed to load" },
  HR_CONFIG_INVALID: { exitCode: EXIT.CONFIG, title: "configuration is invalid" },
  HR_RUN_NOT_FOUND: { exitCode: EXIT.CONFIG, title: "run directory not found" },
  HR_RUN_INVALID: { exitCode: EXIT.CONFIG, title: "run directory is unreadable" },
  HR_INPUT_INVALID: { exitCode: EXIT.CONFIG, title: "input file is invalid" },
  HR_FILE_ACCESS: { exitCode: EXIT.CONFIG, title: "file cannot be read or written" },
  HR_TARGET_MODULE: { exitCode: EXIT.CONFIG, title: "target module cannot be used" },
  HR_OUT_NOT_EMPTY: { exitCode: EXIT.USAGE, title: "output folder already holds a run" },
  HR_TARGET_UNREACHABLE: { exitCode: EXIT.UNREACHABLE, title: "target unreachable" },
  HR_SERVICE_START: { exitCode: EXIT.UNREACHABLE, title: "service failed to start" },
  HR_PYTHON_MISSING: { exitCode: EXIT.UNREACHABLE, title: "python3 not found (needed to read a locustfile)" },
  HR_SCENARIO_FAILED: { exitCode: EXIT.SCENARIO_FAILED, title: "scenario failed while running" },
  HR_RUN_INCOMPLETE: { exitCode: EXIT.INCOMPLETE, title: "run incomplete" },
  HR_TARGETS_FAILED: { exitCode: EXIT.TARGETS_FAILED, title: "targets failed" },
  HR_REGRESSION: { exitCode: EXIT.REGRESSION, title: "regression detected" },
  HR_INTERRUPTED: { exitCode: EXIT.INTERRUPTED, title: "interrupted" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * The only error type headroom throws on purpose. `message` names the bad value and the
 * expected form; `hint` says how to fix it. The CLI prints both, without a stack unless --verbose.
 */
export class HeadroomError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly exitCode: ExitCode;

  constructor(code: ErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "HeadroomError";
    this.code = code;
    this.hint = hint;
    this.exitCode = ERRORS[code].exitCode;
  }
}

export function isHeadroomError(e: unknown): e is HeadroomError {
  return e instanceof HeadroomError;
}

/** "error[HR_BAD_DURATION]: ...\n  hint: ..." */
export function formatError(e: HeadroomError): string {
  return `error[${e.code}]: ${e.message}\n  hint: ${e.hint}`;
}
