// Every command of the CLI, one module each, imported only when it runs: each pulls in the engine,
// the telemetry clients or the report renderers, and importing all of them made every start
// (`headroom --help` too) pay for all. The top-level help lists the commands from this table; a
// test keeps each line equal to what the loaded command would print. A module exports
// `register(program, ctx)`.
import type { Command } from "commander";
import type { CommandContext } from "./main.js";

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export interface CommandEntry {
  name: string;
  /** The command's usage in the top-level list, as commander prints it for the loaded command. */
  term: string;
  /** Its description, as the module gives it. */
  summary: string;
  load(): Promise<{ register: RegisterCommand }>;
}

export const COMMANDS: CommandEntry[] = [
  { name: "plan", term: "plan [options]", summary: "run the load suite against the platform, sample its metrics, and write the capacity plan with measured numbers", load: () => import("./plan.js") },
  { name: "run", term: "run [options] [scenario]", summary: "run one load test against a URL or with a scenario file, writing a run directory", load: () => import("./run.js") },
  { name: "report", term: "report [options] <run>", summary: "render a stored run again as Markdown, a self-contained HTML page, JSON and JUnit XML", load: () => import("./report.js") },
  {
    name: "compare",
    term: "compare [options] <runA> <runB>",
    summary: "compare two stored runs: per endpoint and overall P50/P95/P99, throughput and error rate, with significance tests; exits 100 on a regression beyond the bound",
    load: () => import("./compare.js"),
  },
  { name: "scale", term: "scale", summary: "scaling, growth and cost planning from measured capacity (see `headroom scale <command> --help`)", load: () => import("./scale.js") },
  {
    name: "alerts",
    term: "alerts [options]",
    summary: "print (or write) Prometheus alerting rules for the MueJam capacity plan template's thresholds (P95 latency, error rate, CPU, memory, DB connections, cache hit rate; warning and critical), or a Grafana dashboard with the same queries",
    load: () => import("./alerts.js"),
  },
  {
    name: "analyze",
    term: "analyze [options] <run>",
    summary: "judge a stored run against the targets: verdicts, phase/endpoint/resource tables, leaks, cache, recovery, bottlenecks (exit 98 for a run that did not finish, 99 when a target fails)",
    load: () => import("./analyze.js"),
  },
  {
    name: "search",
    term: "search [options] [scenario]",
    summary: "find the breaking point of a URL or a scenario: step the load up until the SLO breaks or throughput stops growing, then bisect; report max RPS, breaking point, comfortable capacity, recovery and confidence",
    load: () => import("./search.js"),
  },
  {
    name: "init",
    term: "init [options]",
    summary: "scaffold headroom in your project: a scenario (from an OpenAPI document or a HAR recording, or an example), targets, headroom.config.json and a weekly CI workflow",
    load: () => import("./init.js"),
  },
  {
    name: "import",
    term: "import",
    summary: "bring Locust and k6 work along: convert a locustfile into a scenario, import Locust CSV or k6 results as run directories",
    load: () => import("./import.js"),
  },
  {
    name: "merge",
    term: "merge [options] <runs...>",
    summary: "merge the run directories of one test's hosts (run with --segment i/n) into one run directory; missing hosts and seconds are named",
    load: () => import("./merge.js"),
  },
  {
    name: "collect",
    term: "collect [options] <runId>",
    summary: "follow the Redis Streams of a test's hosts (run with --stream) and write one merged run directory while it runs and after",
    load: () => import("./collect.js"),
  },
  { name: "k8s", term: "k8s", summary: "Kubernetes manifests for tests larger than one machine (see `headroom k8s job --help`)", load: () => import("./k8s.js") },
  { name: "fit", term: "fit", summary: "fit a model to measurements", load: () => import("./fit.js") },
  {
    name: "telemetry",
    term: "telemetry [options]",
    summary: "sample the platform without load (PostgreSQL, Redis, a Prometheus endpoint, processes, the host) into a run directory and print min/mean/max per value",
    load: () => import("./telemetry.js"),
  },
];

/** The command the arguments run ("help run" names run too), if it is one of COMMANDS. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const words = argv.filter((a, i) => !a.startsWith("-") && argv[i - 1] !== "--config");
  const name = words[0] === "help" ? words[1] : words[0];
  return COMMANDS.some((c) => c.name === name) ? name : undefined;
}
