// `headroom run`'s flags: their shape, the parsers of their values, and the profile they make
// (from the flags alone, or a scenario's named profile with the flags on top).
import { HeadroomError } from "../core/errors.js";
import type { StageSpec } from "../core/types.js";
import { parseSegment, type Segment } from "../engine/segments.js";
import { parsePositiveDurationSec } from "../plan/duration.js";
import { validateProfile, type Profile } from "../plan/profile.js";
import type { Scenario } from "../plan/scenario-api.js";
import { parseCount, parseThink } from "./flags.js";

export interface RunFlags {
  url?: string;
  method?: string;
  header?: string[];
  body?: string;
  connections?: string;
  rate?: string;
  users?: string;
  spawnRate?: string;
  stages?: string;
  think?: string;
  staggerStart?: boolean;
  maxInFlight?: string;
  duration?: string;
  /** Locust's name for --duration. */
  runTime?: string;
  timeout: string;
  workers?: string;
  out?: string[];
  force?: boolean;
  threshold?: string[];
  targets?: string;
  abortOnFail?: boolean;
  abortGrace: string;
  report: boolean;
  json?: boolean;
  dryRun?: boolean;
  host?: string;
  baseUrl?: string;
  var?: string[];
  seed?: string;
  name?: string;
  profile?: string;
  segment?: string;
  startAt?: string;
  stream?: string;
  typecheck: boolean;
}

export function parseRate(text: string, flag: string, allowZero = false): number {
  const n = Number(text.replace(/\/s$/, ""));
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new HeadroomError("HR_BAD_NUMBER", `${flag} "${text}" is not a positive number per second`, `give ${flag} a number such as ${flag} 200`);
  }
  return n;
}

/** "K: V" → [K, V]. */
export function parseHeader(text: string): [string, string] {
  const i = text.indexOf(":");
  const name = i > 0 ? text.slice(0, i).trim() : "";
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new HeadroomError("HR_BAD_HEADER", `header "${text}" is not of the form "Name: value"`, 'write headers as --header "Authorization: Bearer abc"');
  }
  return [name, text.slice(i + 1).trim()];
}

export function parseUrl(text: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new HeadroomError("HR_BAD_URL", `${flag} "${text}" is not a URL`, `give an absolute URL such as ${flag} http://127.0.0.1:8000/health`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new HeadroomError("HR_BAD_URL", `${flag} "${text}" uses ${u.protocol}; expected http: or https:`, `give an http(s) URL such as ${flag} http://127.0.0.1:8000/`);
  return u.href;
}

/**
 * Stages: comma-separated [name=]DURATION:TARGET[@SPAWN_RATE]. TARGET is users (closed model) or
 * arrivals per second (open model, with --rate giving the start rate).
 */
export function parseStages(text: string, open: boolean): StageSpec[] {
  return text.split(",").map((part) => {
    const m = /^(?:([\w.-]+)=)?([^:]+):(\d+(?:\.\d+)?)(?:@(\d+(?:\.\d+)?))?$/.exec(part.trim());
    if (!m) {
      throw new HeadroomError("HR_BAD_ARGUMENT", `stage "${part}" is not of the form [name=]DURATION:TARGET[@SPAWN_RATE]`, 'write stages like --stages "ramp=2m:50@10,spike=3m:500@100,recover=5m:100@20"');
    }
    const st: StageSpec = { durationSec: parsePositiveDurationSec(m[2]!, `stage "${part}"`) };
    if (m[1]) st.name = m[1];
    if (open) st.rate = Number(m[3]);
    else {
      st.users = parseCount(m[3]!, `stage "${part}" users`, 0);
      if (m[4]) st.spawnRate = Number(m[4]);
    }
    return st;
  });
}

/** The profile the flags describe; throws on conflicts and missing pieces. */
export function profileFromFlags(f: RunFlags, hasScenario: boolean): Profile {
  const modes = [f.connections && "--connections", f.rate && "--rate", f.users && "--users"].filter(Boolean) as string[];
  if (modes.length > 1) {
    throw new HeadroomError("HR_CONFLICTING_FLAGS", `${modes.join(" and ")} were both given; a run is either closed (--users), open (--rate) or throughput (--connections)`, "keep one of --users, --rate, --connections");
  }
  if (f.connections && hasScenario) throw new HeadroomError("HR_CONFLICTING_FLAGS", "--connections is for single-URL throughput runs, not scenarios", "use --users N (closed model) or --rate R (open model) with a scenario file");
  const open = f.rate !== undefined;
  // A flag of another executor would be silently ignored: say so instead.
  const foreign = (f.connections ? [f.spawnRate && "--spawn-rate", f.think && "--think", f.maxInFlight && "--max-in-flight", f.stages && "--stages"] : open ? [f.spawnRate && "--spawn-rate", f.think && "--think"] : [f.maxInFlight && "--max-in-flight"]).filter(Boolean) as string[];
  if (foreign.length > 0) {
    const mode = f.connections ? "the throughput model (--connections)" : open ? "the open model (--rate)" : "the closed model (--users)";
    const owner = (flag: string): string => (flag === "--max-in-flight" ? "the open model (--rate)" : flag === "--stages" ? "--users or --rate" : "the closed model (--users)");
    throw new HeadroomError("HR_CONFLICTING_FLAGS", `${foreign.join(", ")} ${foreign.length > 1 ? "do" : "does"} not apply to ${mode}: ${foreign.map((x) => `${x} belongs to ${owner(x)}`).join("; ")}`, `drop ${foreign.join(", ")}, or switch the model (headroom run --help lists each flag's model)`);
  }
  const stages = f.stages ? parseStages(f.stages, open) : undefined;
  if (!f.duration && !stages) throw new HeadroomError("HR_MISSING_ARGUMENT", "no --duration given", "add --duration, e.g. --duration 30s (or --stages)");
  const durationSec = f.duration ? parsePositiveDurationSec(f.duration, "--duration") : stages!.reduce((s, st) => s + st.durationSec, 0);
  const base = { name: f.name ?? "run", durationSec, timeoutMs: Math.round(parsePositiveDurationSec(f.timeout, "--timeout") * 1000) };
  let p: Profile;
  if (f.connections) p = { ...base, executor: "throughput", connections: parseCount(f.connections, "--connections") };
  else if (open) {
    p = { ...base, executor: "open", rate: parseRate(f.rate!, "--rate", stages !== undefined) };
    if (stages) p.stages = stages;
    if (f.maxInFlight) p.maxInFlight = parseCount(f.maxInFlight, "--max-in-flight");
  } else {
    if (!f.users && !stages) throw new HeadroomError("HR_MISSING_ARGUMENT", "no load given: none of --users, --rate, --connections", "add --users N (with --spawn-rate R), --rate R, or (with --url) --connections C");
    p = { ...base, executor: "closed" };
    if (stages) p.stages = stages;
    else p.users = parseCount(f.users!, "--users");
    if (f.spawnRate) p.spawnRate = parseRate(f.spawnRate, "--spawn-rate");
    if (f.think) p.thinkTime = parseThink(f.think);
    if (f.staggerStart) p.staggerStart = true;
  }
  if (f.duration && stages) p.durationSec = durationSec;
  return validateProfile(p);
}

export function parseSegmentFlag(text: string): Segment {
  const seg = parseSegment(text);
  if (!seg) throw new HeadroomError("HR_BAD_ARGUMENT", `--segment "${text}" is not of the form i/n (0 <= i < n) or from:to/n`, "give this host's lane, e.g. --segment 0/4 on the first of four hosts");
  return seg;
}

export function parseStartAt(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new HeadroomError("HR_BAD_ARGUMENT", `--start-at "${text}" is not a time`, "give an ISO 8601 time (2025-01-01T12:00:00Z) or epoch milliseconds");
  return ms;
}

export function pickProfile(s: Scenario, name: string): Profile {
  const available = Object.keys(s.profiles ?? {});
  const p = s.profiles?.[name];
  if (!p) {
    throw new HeadroomError(
      "HR_BAD_ARGUMENT",
      `--profile "${name}" is not exported by ${s.sourcePath ?? s.name}${available.length ? ` (it has: ${available.join(", ")})` : " (it exports no profiles)"}`,
      available.length ? `use one of: ${available.join(", ")}` : "export `profiles` (a record of name -> profile) from the scenario file, or give --users/--rate and --duration",
    );
  }
  return { ...p, ...(p.stages ? { stages: p.stages.map((st) => ({ ...st })) } : {}) };
}

/**
 * A named profile with the flags given on top: --users / --spawn-rate replace the plain closed
 * model's (with stages, every stage's users scale by users / the profile's peak), --duration
 * replaces the duration (with stages, every stage scales in proportion), --rate / --timeout /
 * --max-in-flight / --name replace theirs.
 */
export function profileWithOverrides(p: Profile, f: RunFlags): Profile {
  const out: Profile = { ...p };
  if (f.name) out.name = f.name;
  if (f.timeout !== "30s" || out.timeoutMs === undefined) out.timeoutMs = Math.round(parsePositiveDurationSec(f.timeout, "--timeout") * 1000);
  if (f.connections) throw new HeadroomError("HR_CONFLICTING_FLAGS", "--connections is for single-URL throughput runs, not scenarios", "use --users N or --rate R with a scenario file");
  if (f.users) {
    const users = parseCount(f.users, "--users");
    if (out.stages && out.executor === "closed") {
      const peakUsers = Math.max(1, ...out.stages.map((s) => s.users ?? 0));
      out.stages = out.stages.map((s) => ({ ...s, users: Math.round(((s.users ?? 0) * users) / peakUsers) }));
    } else out.users = users;
  }
  if (f.spawnRate) {
    const rate = parseRate(f.spawnRate, "--spawn-rate");
    if (out.stages && out.executor === "closed") out.stages = out.stages.map((s) => ({ ...s, spawnRate: rate }));
    else out.spawnRate = rate;
  }
  if (f.rate) out.rate = parseRate(f.rate, "--rate");
  if (f.maxInFlight) out.maxInFlight = parseCount(f.maxInFlight, "--max-in-flight");
  if (f.duration) {
    const sec = parsePositiveDurationSec(f.duration, "--duration");
    if (out.stages && out.stages.length > 0) {
      const total = out.stages.reduce((s, st) => s + st.durationSec, 0);
      out.stages = out.stages.map((st) => ({ ...st, durationSec: (st.durationSec * sec) / total }));
    }
    out.durationSec = sec;
  }
  return validateProfile(out);
}
