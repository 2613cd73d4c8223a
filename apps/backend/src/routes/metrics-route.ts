// GET /metrics in the Prometheus text format. Under node:cluster the text comes from the
// primary, which aggregates every worker's registry (see cluster.ts), so one scrape sees the
// whole platform whichever worker answers.
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app-deps.js";

export function registerMetricsRoute(app: FastifyInstance, deps: AppDeps, metricsText?: () => Promise<string>): void {
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", deps.metrics.registry.contentType);
    return metricsText ? metricsText() : deps.metrics.registry.metrics();
  });
}
