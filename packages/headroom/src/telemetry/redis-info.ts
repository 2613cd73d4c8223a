// Parses the reply of Redis INFO: "# Section" headers and "field:value" lines; the keyspace
// section's "db0:keys=12,expires=0,avg_ttl=0" and commandstats' "cmdstat_set:calls=3,usec=…"
// are split into their parts.

export interface RedisInfo {
  /** Every "field:value" of every section, as text. */
  fields: Map<string, string>;
  /** Per database ("db0"): keys and keys with an expiry. */
  keyspace: Map<string, { keys: number; expires: number }>;
  /** Calls per command ("set", "get", "client|setname"), present when INFO was asked for commandstats. */
  commandCalls: Map<string, number>;
}

function parseKv(list: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of list.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

export function parseRedisInfo(text: string): RedisInfo {
  const fields = new Map<string, string>();
  const keyspace = new Map<string, { keys: number; expires: number }>();
  const commandCalls = new Map<string, number>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (/^db\d+$/.test(key)) {
      const kv = parseKv(value);
      keyspace.set(key, { keys: Number(kv.get("keys") ?? 0), expires: Number(kv.get("expires") ?? 0) });
    } else if (key.startsWith("cmdstat_")) {
      commandCalls.set(key.slice("cmdstat_".length), Number(parseKv(value).get("calls") ?? 0));
    } else fields.set(key, value);
  }
  return { fields, keyspace, commandCalls };
}

/** A numeric INFO field, or undefined when absent or not a number. */
export function infoNumber(info: RedisInfo, field: string): number | undefined {
  const v = info.fields.get(field);
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}
