// The onRequest guard of every /api route, in this order: lab faults, token signature, rate
// limits (per user, or per client IP for anonymous clients), then the token's session. A request
// with a bad token is still counted against its IP's budget before it is refused, so invalid
// tokens cannot be used to get around the limits. A content submission that is not accepted gets
// its quota count back when its response is sent (registerQuotaRefund).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppDeps, Identity } from "./app-deps.js";
import { verifyToken, type TokenClaims } from "./auth/tokens.js";
import { HttpError, unauthorized } from "./errors.js";
import type { LimitRule } from "./limiter/rate-limiter.js";
import { userExists } from "./data/user-queries.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

type TokenResult = { claims?: TokenClaims; error?: string };

function readToken(deps: AppDeps, header: string | undefined): TokenResult {
  if (header === undefined) return {};
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { error: 'the Authorization header must be "Bearer <token>"' };
  const check = verifyToken(deps.config.tokenSecret, match[1]!, Math.floor(deps.nowMs() / 1000));
  if (!check.ok) return { error: check.reason };
  if (!/^\d{1,18}$/.test(check.claims.sub)) return { error: `token names user "${check.claims.sub}"; expected a numeric user id` };
  return { claims: check.claims };
}

function limitRules(deps: AppDeps, req: FastifyRequest, claims: TokenClaims | undefined): LimitRule[] {
  const limits = deps.config.rateLimits;
  if (!limits) return [];
  if (claims) {
    const rules: LimitRule[] = [{ group: "user", key: claims.sub, limit: limits.userPerMin, windowMs: MINUTE_MS }];
    if (req.routeOptions.config.submission) rules.push({ group: "submission", key: claims.sub, limit: limits.submissionsPerHour, windowMs: HOUR_MS });
    return rules;
  }
  const read = req.method === "GET" || req.method === "HEAD";
  return [read ? { group: "anon-read", key: req.ip, limit: limits.anonReadPerMin, windowMs: MINUTE_MS } : { group: "anon-write", key: req.ip, limit: limits.anonWritePerMin, windowMs: MINUTE_MS }];
}

async function resolveSession(deps: AppDeps, req: FastifyRequest, claims: TokenClaims): Promise<Identity> {
  const identity: Identity = { userId: claims.sub, sessionId: claims.sid, expiresAtSec: claims.exp };
  let record;
  try {
    record = await deps.sessions.get(claims.sid);
  } catch {
    // Redis down: the signature still proves the token; only revocation cannot be checked.
    deps.metrics.sessionStoreError();
    return identity;
  }
  if (record) {
    if (record.revoked) throw unauthorized("this token's session was logged out; mint a new token");
    if (record.userId !== claims.sub) throw unauthorized("this token's session belongs to another user");
    return identity;
  }
  if (!(await userExists(deps.db, claims.sub, req.queryCounter))) {
    throw unauthorized(`the token names user ${claims.sub}, who does not exist here (minted against another database?)`);
  }
  try {
    await deps.sessions.put(claims.sid, { userId: claims.sub, createdAtMs: deps.nowMs() }, claims.exp * 1000 - deps.nowMs());
  } catch {
    deps.metrics.sessionStoreError();
  }
  return identity;
}

export function registerGuard(app: FastifyInstance, deps: AppDeps): void {
  app.decorateRequest("identity", null);
  app.decorateRequest("queryCounter", null);
  app.decorateRequest("cacheStatus", "none");
  app.decorateRequest("submissionCharge", null);
  app.addHook("onRequest", async (req) => {
    req.queryCounter = { queries: 0 };
    req.cacheStatus = "none";
    req.submissionCharge = null;
    const config = req.routeOptions.config;
    if (!config.api) return;
    deps.lab.onRequest();
    const token = readToken(deps, req.headers.authorization);
    const rules = limitRules(deps, req, token.claims);
    const decision = await deps.limiter.check(rules);
    // The quota counts accepted submissions only: the count is given back when the answer is not a 2xx.
    const submission = rules.find((r) => r.group === "submission");
    if (submission && (decision.allowed || decision.rule === submission)) req.submissionCharge = submission;
    if (!decision.allowed) {
      deps.metrics.rateLimited(decision.rule.group);
      const per = decision.rule.windowMs === HOUR_MS ? "hour" : "minute";
      throw new HttpError(429, "rate_limited", `rate limit "${decision.rule.group}" of ${decision.rule.limit} requests per ${per} exceeded; retry in ${decision.retryAfterSec} s`, {
        headers: { "retry-after": String(decision.retryAfterSec) },
      });
    }
    if (token.error) throw unauthorized(token.error);
    if (token.claims) req.identity = await resolveSession(deps, req, token.claims);
    if (config.auth === "required" && !req.identity) {
      throw unauthorized("this endpoint needs an Authorization: Bearer <token> header (mint tokens with npm run tokens -w apps/backend)");
    }
  });
}

/** Gives a submission's quota count back when it was not accepted (validation error, 404, 429, 5xx...). */
export function registerQuotaRefund(app: FastifyInstance, deps: AppDeps): void {
  app.addHook("onResponse", async (req, reply) => {
    if (req.submissionCharge && reply.statusCode >= 300) await deps.limiter.refund(req.submissionCharge);
  });
}

/** The authenticated user of a route declared with `auth: "required"`. */
export function requireIdentity(req: FastifyRequest): Identity {
  if (!req.identity) throw unauthorized("this endpoint needs an Authorization: Bearer <token> header");
  return req.identity;
}
