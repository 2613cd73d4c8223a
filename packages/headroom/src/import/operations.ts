// What `headroom init` learns from an OpenAPI document or a HAR recording: the requests a user
// of the platform sends, as data the scenario generator turns into tasks.

export interface Operation {
  method: string;
  /** A concrete path to request, with example path parameters and query filled in. */
  path: string;
  /** The name in reports: the path template ("/users/{id}", "/users/[id]"). */
  name: string;
  /** Relative share: reads 10, writes 1 (OpenAPI); how often it was recorded (HAR). */
  weight: number;
  /** A JSON body (from the document's example or schema, or the recording). */
  json?: unknown;
  /** A non-JSON body. */
  body?: string;
  headers?: Record<string, string>;
}

export interface ApiAuth {
  /** "bearer": Authorization: Bearer <token>; "header": an API key in `header`. */
  kind: "bearer" | "header";
  header?: string;
}

export interface LearnedApi {
  /** What it came from, for the generated file's header. */
  source: string;
  title?: string;
  /** The base URL the document or recording names, if any. */
  server?: string;
  operations: Operation[];
  auth?: ApiAuth;
  /** What was left out and why (shown by init). */
  notes: string[];
}

/** At most this many tasks: a scenario of hundreds of endpoints is edited down, not run. */
export const MAX_OPERATIONS = 40;
