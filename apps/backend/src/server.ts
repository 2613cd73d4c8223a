// One API instance on a port: build, listen (with the configured backlog), and drain on close (stop accepting, finish the
// requests in flight, close idle keep-alive connections, then the pools).
import { build, type BuildOptions, type MueJamApp } from "./app.js";
import { checkTokenSecret } from "./config.js";

export interface RunningServer {
  app: MueJamApp;
  url: string;
  port: number;
  /** Graceful: resolves once in-flight requests have finished (or `forceAfterMs` passed). */
  close(forceAfterMs?: number): Promise<void>;
}

export async function startServer(opts: BuildOptions & { port: number; host: string }): Promise<RunningServer> {
  const app = build(opts);
  try {
    checkTokenSecret(app.muejam.config, opts.host);
  } catch (err) {
    await app.close();
    throw err;
  }
  // The backlog (default 4096, MUEJAM_LISTEN_BACKLOG) rather than Node's 511: bursts of new
  // connections otherwise overflow the accept queue, and clients wait 1-3 s for SYN retries.
  // Under node:cluster the primary's listening socket takes the workers' backlog.
  await app.listen({ port: opts.port, host: opts.host, backlog: app.muejam.config.listenBacklog });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  let closing: Promise<void> | undefined;
  return {
    app,
    port,
    url: `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}`,
    close(forceAfterMs = app.muejam.config.requestTimeoutMs + 5_000) {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          app.server.closeAllConnections();
          resolve();
        }, forceAfterMs);
        timer.unref();
        app.close().then(
          () => {
            clearTimeout(timer);
            resolve();
          },
          () => resolve(),
        );
      });
      return closing;
    },
  };
}
