// The process edge: only cli/ touches process, stdout and the user's filesystem. Commands get
// this object, so tests can run the CLI in-process and read what it printed.
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM); commands wire it to an AbortController. */
  onInterrupt(handler: () => void): () => void;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      let count = 0;
      const listener = (): void => {
        count++;
        // A second Ctrl-C means "now": the data already on disk stays valid.
        if (count > 1) process.exit(130);
        handler();
      };
      process.on("SIGINT", listener);
      process.on("SIGTERM", listener);
      return () => {
        process.off("SIGINT", listener);
        process.off("SIGTERM", listener);
      };
    },
  };
}

/** An in-memory CliIo for tests. */
export function memoryIo(env: Record<string, string | undefined> = {}, cwd = process.cwd()): CliIo & { out(): string; err(): string; interrupt(): void } {
  let out = "";
  let err = "";
  const handlers = new Set<() => void>();
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env,
    cwd,
    onInterrupt(h) {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    out: () => out,
    err: () => err,
    interrupt: () => handlers.forEach((h) => h()),
  };
}
