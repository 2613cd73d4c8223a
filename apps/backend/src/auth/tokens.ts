// Bearer tokens: `mj1.<payload>.<signature>`, the payload base64url JSON {sub, sid, iat, exp, aud,
// iss} (seconds), the signature HMAC-SHA256 over "mj1.<payload>" with the shared secret. The app and
// token minting use the same secret (MUEJAM_TOKEN_SECRET, or the documented development default).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface TokenClaims {
  /** user id */
  sub: string;
  /** session id: the session record in Redis (or in process) is keyed by it */
  sid: string;
  iat: number;
  exp: number;
  /** Who the token is for: always TOKEN_AUDIENCE; a token signed for anything else is refused. */
  aud: string;
  /** Who minted it: always TOKEN_ISSUER. */
  iss: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

const PREFIX = "mj1";
export const DEFAULT_TOKEN_TTL_SEC = 7 * 24 * 3600;
export const TOKEN_AUDIENCE = "muejam-api";
export const TOKEN_ISSUER = "muejam";

function sign(secret: string, data: string): string {
  return createHmac("sha256", secret).update(data).digest("base64url");
}

export function signToken(secret: string, userId: string, opts: { nowSec?: number; ttlSec?: number; sessionId?: string } = {}): string {
  const iat = opts.nowSec ?? Math.floor(Date.now() / 1000);
  const claims: TokenClaims = { sub: userId, sid: opts.sessionId ?? randomBytes(12).toString("base64url"), iat, exp: iat + (opts.ttlSec ?? DEFAULT_TOKEN_TTL_SEC), aud: TOKEN_AUDIENCE, iss: TOKEN_ISSUER };
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${PREFIX}.${payload}.${sign(secret, `${PREFIX}.${payload}`)}`;
}

export function verifyToken(secret: string, token: string, nowSec: number = Math.floor(Date.now() / 1000)): TokenCheck {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX) return { ok: false, reason: "token is not of the form mj1.<payload>.<signature>" };
  const expected = Buffer.from(sign(secret, `${parts[0]}.${parts[1]}`));
  const given = Buffer.from(parts[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "token signature is invalid (minted with another secret?)" };
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as TokenClaims;
  } catch {
    return { ok: false, reason: "token payload is not JSON" };
  }
  if (typeof claims !== "object" || claims === null) return { ok: false, reason: "token payload is not a JSON object" };
  if (typeof claims.sub !== "string" || typeof claims.sid !== "string" || typeof claims.exp !== "number") {
    return { ok: false, reason: "token payload lacks sub, sid or exp" };
  }
  if (claims.aud !== TOKEN_AUDIENCE || claims.iss !== TOKEN_ISSUER) {
    return { ok: false, reason: `token audience/issuer is ${JSON.stringify(claims.aud ?? null)}/${JSON.stringify(claims.iss ?? null)}; expected "${TOKEN_AUDIENCE}"/"${TOKEN_ISSUER}" (mint tokens with npm run tokens -w apps/backend)` };
  }
  if (!Number.isFinite(claims.exp)) return { ok: false, reason: "token expiry is not a finite number" };
  if (claims.exp <= nowSec) return { ok: false, reason: `token expired at ${new Date(claims.exp * 1000).toISOString()}` };
  return { ok: true, claims };
}
