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

const quietOnClosedPipe = new WeakSet<NodeJS.WritableStream>();

/**
 * When the reader of the output goes away (`headroom report RUN | head -2`), the next write fails
 * with EPIPE: stop at once and quietly with exit 0, as `head`'s other writers do, instead of an
 * unhandled-error stack trace. Any other stream error is still thrown.
 */
export function stopQuietlyOnClosedPipe(stream: NodeJS.WritableStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  if (quietOnClosedPipe.has(stream)) return;
  quietOnClosedPipe.add(stream);
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    exit(0);
  });
}

export function processIo(): CliIo {
  stopQuietlyOnClosedPipe(process.stdout);
  stopQuietlyOnClosedPipe(process.stderr);
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
