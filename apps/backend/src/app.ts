// build(opts): the MueJam API as a Fastify instance, without listen (fastify's testing guide):
// tests drive it with app.inject(), server.ts puts it on a port.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";
import type { Redis } from "ioredis";
import type { AppDeps } from "./app-deps.js";
import { createMemorySessionStore, createRedisSessionStore } from "./auth/sessions.js";
import { createCacheAside } from "./cache/cache-aside.js";
import { createMemoryCache, createRedisCache } from "./cache/cache.js";
import { createOutageSafeCache } from "./cache/outage-safe-cache.js";
import { resolveConfig, type AppConfigInput } from "./config.js";
import { createDatabase, isDatabaseUnavailable, POOL_ACQUIRE_TIMEOUT_MS } from "./db/database.js";
import { HttpError, type ApiErrorBody } from "./errors.js";
import { registerGuard, registerQuotaRefund } from "./guard.js";
import { registerInputGuard } from "./input-guard.js";
import { isDataException } from "./input-rules.js";
import { createLab } from "./lab/lab.js";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./limiter/rate-limiter.js";
import { createMetrics } from "./metrics.js";
import { connectRedis, REDIS_COMMAND_TIMEOUT_MS, waitForRedis } from "./redis/connect-redis.js";
import { createRedisGuard } from "./redis/redis-guard.js";
import { registerAuthRoutes } from "./routes/auth.js";
import { registerDiscoveryRoutes } from "./routes/discovery.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerMetricsRoute } from "./routes/metrics-route.js";
import { registerSearchRoutes } from "./routes/search.js";
import { registerStoryRoutes } from "./routes/stories.js";
import { registerUserRoutes } from "./routes/users.js";
import { registerWhisperRoutes } from "./routes/whispers.js";
import { createValidatorCompiler } from "./validators.js";

export const APP_VERSION = "0.1.0";
const MAX_PARAM_LENGTH = 1_000;

export interface BuildOptions extends AppConfigInput {
  logger?: FastifyServerOptions["logger"];
  /** Replaces this process's registry on /metrics (the cluster primary's aggregate). */
  metricsText?: () => Promise<string>;
  /** Wall clock in ms, for token expiry, sessions and the in-process stores. */
  now?: () => number;
  /** How long ready() waits for Redis to connect before serving anyway (fail-open), default 2000. */
  redisConnectWaitMs?: number;
}

export interface MueJamApp extends FastifyInstance {
  /** The services behind the routes, for the server's startup log and for tests. */
  readonly muejam: AppDeps;
}

function validationField(err: FastifyError): string {
  const first = err.validation?.[0];
  const context = err.validationContext ?? "body";
  if (!first) return context;
  const params = first.params as { missingProperty?: string; additionalProperty?: string };
  const path = first.instancePath.replace(/^\//, "").replace(/\//g, ".");
  const leaf = params.missingProperty ?? params.additionalProperty;
  const field = [path, leaf].filter(Boolean).join(".");
  return field || context;
}

function validationMessage(err: FastifyError, field: string): string {
  const first = err.validation?.[0];
  const context = err.validationContext ?? "body";
  if (!first) return err.message;
  const params = first.params as { missingProperty?: string; allowedValues?: unknown[] };
  if (params.missingProperty) return `${context} field "${field}" is required`;
  if (params.allowedValues) return `${context} field "${field}" must be one of ${params.allowedValues.join(", ")}`;
  if (field === context) return `${context} ${first.message ?? "is invalid"}`;
  return `${context} field "${field}" ${first.message ?? "is invalid"}`;
}

export function build(opts: BuildOptions): MueJamApp {
  const config = resolveConfig(opts);
  const now = opts.now ?? Date.now;
  const redis: Redis | undefined = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  // Every Redis command of the app goes through one circuit breaker (redis/redis-guard.ts).
  const redisGuard = redis
    ? createRedisGuard({ coolDownMs: config.redisCoolDownMs, now, probe: () => redis.ping(), onRejected: () => metrics.redisBreakerRejected() })
    : undefined;
  const db = createDatabase(config);
  const lab = createLab(config.faults, config.labTuning);
  const storeKind = redis ? "redis" : "in-process";
  const { trendingSec, storySec, profileSec } = config.cacheTtls;
  const redisCache =
    redis && redisGuard
      ? createOutageSafeCache(createRedisCache(redis, config.redisPrefix), redisGuard, {
          settleMs: config.redisCoolDownMs + 2 * REDIS_COMMAND_TIMEOUT_MS,
          maxTtlSec: Math.max(trendingSec, storySec, profileSec),
          now,
        })
      : undefined;
  const metrics = createMetrics({
    poolStats: () => db.poolStats(),
    labLeakedBytes: config.faults.has("leak") ? () => lab.leakedBytes() : undefined,
    labCpuBurnSeconds: config.faults.has("cpu-burn") ? () => lab.cpuBurnedSeconds() : undefined,
    redisBreaker: redisGuard && redisCache ? { state: () => redisGuard.status().state, pendingInvalidations: () => redisCache.pendingInvalidations() } : undefined,
    info: { version: APP_VERSION, cache: storeKind, labFaults: [...config.faults].join(",") || "none", poolSize: config.poolSize },
  });
  redisGuard?.onTransition((to) => metrics.redisBreakerTransition(to));
  db.setObserver((timing) => metrics.observeQuery(timing));
  const cacheStore = redisCache ?? createMemoryCache({ now });
  const deps: AppDeps = {
    config,
    db,
    cache: createCacheAside(cacheStore, { hit: metrics.cacheHit, miss: metrics.cacheMiss, error: metrics.cacheError }, { disabled: config.faults.has("cache-off") }),
    storeKind,
    limiter: redis && redisGuard ? createRedisRateLimiter(redis, redisGuard, config.redisPrefix, metrics.limiterFailOpen) : createMemoryRateLimiter({ now }),
    sessions: redis && redisGuard ? createRedisSessionStore(redis, redisGuard, config.redisPrefix) : createMemorySessionStore({ now }),
    metrics,
    lab,
    redis,
    redisGuard,
    nowMs: now,
    state: { shuttingDown: false, startedAtMs: now() },
  };

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    // Refused in onRequest below instead, so the 503 of a draining instance has the one error shape.
    return503OnClosing: false,
    forceCloseConnections: "idle",
    // Path segments up to this length reach the routes' schemas (400 naming the parameter).
    maxParamLength: MAX_PARAM_LENGTH,
    // The router's own refusals (a malformed %-escape, a longer segment) in the one error shape.
    frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const message = err.code === "FST_ERR_MAX_PARAM_LENGTH" ? `a path segment is longer than the ${MAX_PARAM_LENGTH} characters allowed` : `the URL path is not valid: ${err.message}`;
      void reply.code(400).send({ error: "bad_request", message, field: "path" } satisfies ApiErrorBody);
    },
  });
  app.decorate("muejam", deps);
  redisGuard?.onTransition((to, cause) => {
    if (to === "open") app.log.warn({ cause, coolDownMs: config.redisCoolDownMs }, "redis circuit breaker open: cache reads go to the database, rate limits fail open, sessions trust the token");
    else if (to === "closed") app.log.warn("redis circuit breaker closed: Redis answers again");
  });
  // A JSON API: any other body type is a 415, not a string that fails validation.
  app.removeContentTypeParser("text/plain");

  app.addHook("onRequest", async () => {
    if (deps.state.shuttingDown) throw new HttpError(503, "service_unavailable", "this instance is shutting down; retry (another instance, or this one once restarted)", { headers: { "retry-after": "1", connection: "close" } });
  });
  app.setValidatorCompiler(createValidatorCompiler());
  registerGuard(app, deps);
  registerInputGuard(app);
  registerQuotaRefund(app, deps);
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    metrics.observeRequest({ route, method: req.method, status: reply.statusCode, cache: req.cacheStatus }, reply.elapsedTime / 1000, req.queryCounter?.queries ?? 0);
  });

  app.setErrorHandler<FastifyError>((err, req, reply) => {
    let status = 500;
    let body: ApiErrorBody = { error: "internal_error", message: "internal error; the server log has the details" };
    if (err instanceof HttpError) {
      status = err.statusCode;
      body = { error: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
      reply.headers(err.headers);
    } else if (err.validation) {
      status = 400;
      const field = validationField(err);
      body = { error: "bad_request", message: validationMessage(err, field), field };
    } else if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      status = 413;
      body = { error: "payload_too_large", message: `request body is larger than the ${config.bodyLimitBytes} bytes allowed` };
    } else if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      status = 415;
      body = { error: "unsupported_media_type", message: `content-type "${req.headers["content-type"] ?? ""}" is not supported; send application/json` };
    } else if (err.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err instanceof SyntaxError) {
      status = 400;
      body = { error: "bad_request", message: `body is not valid JSON: ${err.message}`, field: "body" };
    } else if (isDataException(err)) {
      // A value the database refused (class 22: encoding, range, representation): the client's input, not a fault.
      status = 400;
      body = { error: "bad_request", message: `the database refused a value of this request: ${err.message}` };
    } else if (isDatabaseUnavailable(err)) {
      status = 503;
      body = { error: "database_unavailable", message: `the database could not serve the request within ${POOL_ACQUIRE_TIMEOUT_MS} ms (${err.message}); retry` };
      reply.header("retry-after", "1");
    } else if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      body = { error: "bad_request", message: err.message };
    } else {
      req.log.error({ err }, "request failed");
    }
    reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: "not_found", message: `no route ${req.method} ${req.url.split("?")[0]}` } satisfies ApiErrorBody);
  });

  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, deps, opts.metricsText);
  registerDiscoveryRoutes(app, deps);
  registerStoryRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerSearchRoutes(app, deps);
  registerWhisperRoutes(app, deps);
  registerAuthRoutes(app, deps);

  app.addHook("onReady", async () => {
    if (redis) await waitForRedis(redis, opts.redisConnectWaitMs ?? 2_000);
  });
  app.addHook("preClose", async () => {
    deps.state.shuttingDown = true;
  });
  // While draining, each response closes its connection, so keep-alive clients (a load
  // balancer, a load generator) cannot hold the shutdown open.
  app.addHook("onSend", async (_req, reply) => {
    if (deps.state.shuttingDown) reply.header("connection", "close");
  });
  app.addHook("onClose", async () => {
    await db.close();
    redisGuard?.close();
    if (redis) redis.disconnect();
  });
  return app as unknown as MueJamApp;
}
