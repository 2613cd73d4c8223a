// --instances N: N API workers on one port (node:cluster, round-robin), sharing Redis so limits,
// sessions and the cache hold across them. The primary only supervises: it forks, restarts a
// crashed worker, aggregates metrics for /metrics, and drains every worker on shutdown.
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry } from "prom-client";
import type { BuildOptions } from "./app.js";
import { freePort } from "./platform/free-port.js";
import { startServer } from "./server.js";

export interface WorkerConfig {
  build: Omit<BuildOptions, "logger" | "metricsText" | "now">;
  port: number;
  host: string;
  logLevel: string;
}

type Message =
  | { type: "muejam:listening"; port: number }
  | { type: "muejam:metrics-req"; id: number }
  | { type: "muejam:metrics-res"; id: number; text?: string; error?: string };

const WORKER_ENV = "MUEJAM_WORKER_CONFIG";

export interface ClusterHandle {
  port: number;
  pids(): number[];
  stop(): Promise<void>;
}

export async function startClusterPrimary(config: WorkerConfig, instances: number, log: (line: string) => void): Promise<ClusterHandle> {
  const aggregator = new AggregatorRegistry();
  let shuttingDown = false;
  // Every worker must ask for the same port to share the primary's listening handle; port 0
  // would be resolved afresh whenever the handle is recreated, so pick a concrete port first.
  const port = config.port === 0 ? await freePort() : config.port;
  const env = { [WORKER_ENV]: JSON.stringify({ ...config, port }) };
  const restarts: number[] = [];

  cluster.on("message", (worker: Worker, msg: Message) => {
    if (msg?.type !== "muejam:metrics-req") return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: "muejam:metrics-res", id: msg.id, text } satisfies Message),
      (err: Error) => worker.send({ type: "muejam:metrics-res", id: msg.id, error: err.message } satisfies Message),
    );
  });

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork(env);
      const onMessage = (msg: Message): void => {
        if (msg?.type !== "muejam:listening") return;
        worker.off("message", onMessage);
        worker.off("exit", onEarlyExit);
        resolve(worker);
      };
      const onEarlyExit = (code: number | null, signal: string | null): void => {
        reject(new Error(`API worker ${worker.process.pid} exited during startup (code ${code}, signal ${signal}); its output is above`));
      };
      worker.on("message", onMessage);
      worker.on("exit", onEarlyExit);
    });

  await Promise.all(Array.from({ length: instances }, fork));

  cluster.on("exit", (worker, code, signal) => {
    // A clean exit (code 0) is a worker that drained on a signal: only crashes are restarted.
    if (shuttingDown || code === 0) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
    log(`worker ${worker.process.pid} exited (code ${code}, signal ${signal}); restarting${restarts.length > 5 ? " after a pause (crash loop)" : ""}`);
    setTimeout(() => fork().catch((err: Error) => log(err.message)), restarts.length > 5 ? 5_000 : 0);
  });

  return {
    port,
    pids: () => [process.pid, ...Object.values(cluster.workers ?? {}).flatMap((w) => (w?.process.pid ? [w.process.pid] : []))],
    async stop() {
      shuttingDown = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              const kill = setTimeout(() => w.process.kill("SIGKILL"), config.build.requestTimeoutMs ?? 35_000);
              w.once("exit", () => {
                clearTimeout(kill);
                resolve();
              });
              w.process.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

/** The body of a cluster worker: read the config the primary passed, serve, drain on SIGTERM. */
export async function runClusterWorker(env: Record<string, string | undefined>): Promise<void> {
  const config = JSON.parse(env[WORKER_ENV] ?? "{}") as WorkerConfig;
  const port = config.port;
  let nextId = 0;
  const pending = new Map<number, { resolve(text: string): void; reject(err: Error): void }>();
  process.on("message", (msg: Message) => {
    if (msg?.type !== "muejam:metrics-res") return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.text !== undefined) p.resolve(msg.text);
    else p.reject(new Error(msg.error ?? "metrics aggregation failed"));
  });
  const metricsText = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      process.send!({ type: "muejam:metrics-req", id } satisfies Message);
    });
  const server = await startServer({ ...config.build, port, host: config.host, metricsText, logger: { level: config.logLevel } });
  // Answer the primary's aggregation requests with this worker's registry.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([server.app.muejam.metrics.registry]);
  process.send!({ type: "muejam:listening", port: server.port } satisfies Message);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // The primary is gone (killed): do not linger as an orphan holding connections.
  process.once("disconnect", stop);
}
