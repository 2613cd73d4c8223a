// The API's error shapes. Every error body is `{ error, message }` (plus `field` for a bad
// request), where `error` is a stable code and `message` names the bad value and what was expected.

/** Thrown for a setting the platform cannot start with: names the value, the expected form and the fix. */
export class ConfigError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = "ConfigError";
    this.hint = hint;
  }
}

export type ApiErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "database_unavailable"
  | "service_unavailable"
  | "internal_error";

/** An error a handler throws on purpose; the error handler turns it into its status and body. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode;
  readonly field?: string;
  readonly headers: Record<string, string>;
  constructor(statusCode: number, code: ApiErrorCode, message: string, opts: { field?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "HttpError";
    this.statusCode = statusCode;
    this.code = code;
    this.field = opts.field;
    this.headers = opts.headers ?? {};
  }
}

export interface ApiErrorBody {
  error: ApiErrorCode;
  message: string;
  field?: string;
}

export function notFound(message: string): HttpError {
  return new HttpError(404, "not_found", message);
}

export function unauthorized(message: string): HttpError {
  return new HttpError(401, "unauthorized", message, { headers: { "www-authenticate": 'Bearer realm="muejam"' } });
}

/** An error's message for logs and readiness output (its name when it has no message). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}
