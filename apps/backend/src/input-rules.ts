// Rules every request's input obeys, whatever its route's schema says: no NUL character in any
// string (PostgreSQL text cannot hold one: 22021) and no non-finite number (JSON.parse turns
// 1e309 into Infinity, the querystring coercion turns "Infinity" into one). Pure functions of a
// parsed value; the guard turns a finding into a 400 naming the field.

export interface InputFinding {
  /** Dotted path of the offending value: "content", "tags.2", "limit"; "" for the value itself. */
  field: string;
  problem: string;
}

function join(path: string, key: string | number): string {
  return path === "" ? String(key) : `${path}.${key}`;
}

/** The first string (key or value) holding U+0000, depth-first, or undefined. */
export function findNul(value: unknown, path = ""): InputFinding | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? { field: path, problem: "contains a NUL character (\\u0000), which is not allowed in text" } : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const f = findNul(value[i], join(path, i));
      if (f) return f;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) return { field: join(path, k.split("\u0000").join("\\u0000")), problem: "is a field name with a NUL character (\\u0000)" };
      const f = findNul(v, join(path, k));
      if (f) return f;
    }
  }
  return undefined;
}

/** The first number that is NaN or ±Infinity, depth-first, or undefined. */
export function findNonFinite(value: unknown, path = ""): InputFinding | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { field: path, problem: `is ${String(value)}; expected a finite number` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const f = findNonFinite(value[i], join(path, i));
      if (f) return f;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const f = findNonFinite(v, join(path, k));
      if (f) return f;
    }
  }
  return undefined;
}

/** PostgreSQL SQLSTATE class 22 (data exception: bad encoding, out of range, invalid text representation...). */
export function isDataException(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code);
}
