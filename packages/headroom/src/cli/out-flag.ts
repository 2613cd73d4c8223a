// `-o/--out` of `headroom run`, repeatable, as k6 writes it (`--out kind=dest`), while a plain
// path keeps naming the run directory as it always did:
//   --out runs/today            the run directory (also --out dir=runs/today)
//   --out csv=results/today     Locust's CSV files: results/today_stats.csv, _stats_history.csv, _failures.csv
//   --out json=results/today.ndjson   one JSON line per second per request name
//   --out prometheus-rw=http://127.0.0.1:9090/api/v1/write   live Prometheus remote-write while the run goes
// A directory whose name starts with one of these kinds and "=" is written dir=csv=x.
import { HeadroomError } from "../core/errors.js";
import { parseHttpUrl } from "./flags.js";

export interface RunOutputs {
  dir?: string;
  csv?: string;
  json?: string;
  remoteWrite?: string;
}

const KINDS = ["dir", "csv", "json", "prometheus-rw", "prometheus"] as const;

export function parseOutFlags(values: readonly string[] | undefined): RunOutputs {
  const out: RunOutputs = {};
  const set = (key: keyof RunOutputs, value: string, given: string): void => {
    if (out[key] !== undefined) {
      throw new HeadroomError("HR_CONFLICTING_FLAGS", `--out gives the ${key === "dir" ? "run directory" : `${key} output`} twice ("${out[key]}" and "${given}")`, "give each kind of output once: --out DIR --out csv=PREFIX --out json=FILE --out prometheus-rw=URL");
    }
    out[key] = value;
  };
  for (const v of values ?? []) {
    const m = /^([a-z-]+)=(.*)$/.exec(v);
    const kind = m && (KINDS as readonly string[]).includes(m[1]!) ? m[1]! : undefined;
    if (!kind) {
      // A path: the run directory. "word=..." with an unknown kind is more likely a typo than a path.
      if (m) {
        throw new HeadroomError("HR_BAD_ARGUMENT", `--out "${v}": "${m[1]}" is not an output kind; expected one of ${KINDS.join(", ")} (kind=destination), or a directory path`, `write --out csv=results/run1 or --out json=run1.ndjson; a directory whose name has "=" is written --out dir=${v}`);
      }
      set("dir", v, v);
      continue;
    }
    const dest = m![2]!;
    if (!dest) throw new HeadroomError("HR_MISSING_ARGUMENT", `--out "${v}" names no destination after "${kind}="`, `e.g. --out ${kind === "prometheus" || kind === "prometheus-rw" ? "prometheus-rw=http://127.0.0.1:9090/api/v1/write" : kind === "json" ? "json=run.ndjson" : `${kind}=results/run1`}`);
    if (kind === "dir") set("dir", dest, v);
    else if (kind === "csv") set("csv", dest, v);
    else if (kind === "json") set("json", dest, v);
    else set("remoteWrite", parseHttpUrl(dest, `--out ${kind}=`), v);
  }
  return out;
}
