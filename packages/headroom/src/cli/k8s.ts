// `headroom k8s job SCENARIO --hosts N --image IMAGE -- [run flags]`: the manifests of a test split
// across N pods (k8s/k8s-job.ts) as YAML, to `kubectl apply -f`.
import { readFileSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { stringify } from "yaml";
import { redactUserinfo } from "../core/redact.js";
import { buildJobObjects, checkJobName, podResources, SIZING } from "../k8s/k8s-job.js";
import { parseStreamUrl } from "../k8s/stream-target.js";
import { newRunId } from "../engine/manifest.js";
import { HeadroomError } from "../core/errors.js";
import { parsePositiveDurationSec } from "../plan/duration.js";
import { checkScenarioFile, loadScenario } from "../plan/load-scenario.js";
import { peakUsers } from "../plan/scale-profile.js";
import { collect, parseCount } from "./flags.js";
import type { CommandContext } from "./main.js";

interface JobFlags {
  hosts: string;
  image: string;
  name?: string;
  namespace?: string;
  startIn: string;
  stream?: string;
  resultsPvc?: string;
  data?: string[];
  out?: string;
}

const SET_BY_JOB = ["--segment", "--start-at", "--out", "-o", "--stream"];

function flagValue(args: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const n of names) {
      if (a === n) return args[i + 1];
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

/** The whole test's peak users and arrival rate, from the run flags or the scenario's --profile. */
async function testLoad(scenarioPath: string, runFlags: string[]): Promise<{ users: number; rate: number }> {
  const users = flagValue(runFlags, "--users", "-u") ?? flagValue(runFlags, "--connections", "-c");
  const rate = flagValue(runFlags, "--rate");
  if (users !== undefined || rate !== undefined) return { users: users !== undefined ? parseCount(users, "--users") : 0, rate: rate !== undefined ? Number(rate) || 0 : 0 };
  const profileName = flagValue(runFlags, "--profile");
  const profile = profileName ? (await loadScenario(scenarioPath)).profiles?.[profileName] : undefined;
  if (!profile) {
    throw new HeadroomError("HR_MISSING_ARGUMENT", profileName ? `the scenario exports no profile "${profileName}"` : "the run flags name no load (--users, --rate, --connections or --profile)", "give the whole test's load after --, e.g. -- --users 20000 --duration 10m, or -- --profile peak; the pods split it");
  }
  return { users: peakUsers(profile), rate: Math.max(profile.rate ?? 0, ...(profile.stages ?? []).map((s) => s.rate ?? 0)) };
}

export function register(program: Command, ctx: CommandContext): void {
  const k8s = program.command("k8s").description("Kubernetes manifests for tests larger than one machine (see `headroom k8s job --help`)");
  k8s.addHelpText("after", "\nExamples:\n  npx headroom k8s job muejam.scenario.ts --hosts 4 --image registry.example/headroom:0.1.0 --stream redis://redis:6379 -- --profile peak --host http://api:3000\n  npx headroom k8s job s.ts --hosts 2 --image headroom:0.1.0 --results-pvc loadtest-results -- --users 8000 --duration 10m");
  k8s
    .command("job")
    .description("write a ConfigMap (the scenario and its data) and an Indexed Job of N pods, each running its segment of the test from one shared start")
    .argument("<scenario>", "the scenario file (mounted into every pod)")
    .argument("[runFlags...]", "after --: the flags of `headroom run` for the whole test (users, duration, host, profile, vars); each pod runs its share")
    .requiredOption("--hosts <n>", "pods (segments) to split the test over")
    .requiredOption("--image <image>", "the headroom image (built from the repository's Dockerfile)")
    .option("--name <name>", "the Job's name and the test's run id (default headroom-<date>-<time>-<hex>)")
    .option("--namespace <ns>", "the namespace of the Job and ConfigMap")
    .option("--start-in <d>", "the shared start: this long after now, enough to schedule every pod and pull the image", "2m")
    .option("--stream <url>", "redis://HOST:PORT every pod reaches: pods stream their results for `headroom collect` (the run id is --name)")
    .option("--results-pvc <claim>", "a ReadWriteMany PersistentVolumeClaim for the pods' run directories (/results/<name>/segment-<i>), for `headroom merge`")
    .option("--data <file>", "a file the scenario reads (tokens, fixtures), mounted beside it (repeatable)", collect)
    .option("-o, --out <file>", "write the YAML to this file (default: stdout)")
    .addHelpText(
      "after",
      `
Examples:
  npx headroom k8s job muejam.scenario.ts --hosts 4 --image registry.example/headroom:0.1.0 --stream redis://redis:6379 -o job.yaml -- --profile peak --host http://api:3000
  npx headroom k8s job s.ts --hosts 2 --image headroom:0.1.0 --results-pvc loadtest-results -- --users 8000 --duration 10m --host http://api:3000

Sizing (docs/distributed.md): one core per ${SIZING.usersPerCore} users or ${SIZING.ratePerCore} req/s of the pod's
share, memory ${SIZING.baseMiB} MiB + ${SIZING.perUserKiB} KiB per user (limit twice that); at most ${SIZING.maxUsersPerPod} users per pod.`,
    )
    .action(async (scenarioFile: string, runFlags: string[], f: JobFlags) => {
      const hosts = parseCount(f.hosts, "--hosts");
      const set = runFlags.filter((a) => SET_BY_JOB.includes(a.split("=")[0]!));
      if (set.length > 0) throw new HeadroomError("HR_CONFLICTING_FLAGS", `${set.join(", ")} in the run flags: the Job sets them for each pod`, "drop them; use --stream or --results-pvc of `k8s job` for where results go");
      if (!f.stream && !f.resultsPvc) {
        throw new HeadroomError("HR_MISSING_ARGUMENT", "the pods' results have nowhere to go: neither --stream nor --results-pvc was given", "add --stream redis://HOST:PORT (then `headroom collect`), or --results-pvc CLAIM (then `headroom merge`)");
      }
      const name = checkJobName(f.name ?? `headroom-${newRunId()}`);
      if (f.stream) parseStreamUrl(`${f.stream.replace(/\/$/, "")}/${name}`, "--stream");
      const path = resolve(ctx.io.cwd, scenarioFile);
      checkScenarioFile(path, scenarioFile);
      const load = await testLoad(path, runFlags);
      const usersPerPod = Math.ceil(load.users / hosts);
      if (usersPerPod > SIZING.maxUsersPerPod) {
        throw new HeadroomError("HR_BAD_ARGUMENT", `${load.users} users over --hosts ${hosts} is ${usersPerPod} per pod, above the ${SIZING.maxUsersPerPod} one pod carries`, `use --hosts ${Math.ceil(load.users / SIZING.maxUsersPerPod)} or more`);
      }
      const resources = podResources({ usersPerPod, ratePerPod: load.rate / hosts });
      const startAtIso = new Date(Date.now() + parsePositiveDurationSec(f.startIn, "--start-in") * 1000).toISOString();
      const read = (p: string): { name: string; text: string } => ({ name: basename(p), text: readFileSync(resolve(ctx.io.cwd, p), "utf8") });
      const objects = buildJobObjects({
        name,
        ...(f.namespace ? { namespace: f.namespace } : {}),
        image: f.image,
        hosts,
        scenario: read(scenarioFile),
        data: (f.data ?? []).map(read),
        runFlags,
        startAtIso,
        resources,
        ...(f.stream ? { stream: f.stream } : {}),
        ...(f.resultsPvc ? { resultsClaim: f.resultsPvc } : {}),
      });
      const yaml = objects.map((o) => stringify(o.toJSON(), { lineWidth: 0, blockQuote: "literal" })).join("---\n");
      if (f.out) writeFileSync(resolve(ctx.io.cwd, f.out), yaml);
      else ctx.io.stdout.write(yaml);
      const next = f.stream
        ? `headroom collect --redis ${redactUserinfo(f.stream.replace(/\/$/, ""))} ${name} --out runs/${name}`
        : `kubectl cp the pods' ${"/results/" + name}/segment-* (from a pod mounting ${f.resultsPvc}), then headroom merge segment-* --out runs/${name}`;
      ctx.io.stderr.write(
        `${hosts} pods of ${resources.cores} core(s) and ${resources.memoryMiB} MiB (${usersPerPod} users${load.rate ? `, ${Math.ceil(load.rate / hosts)} req/s` : ""} each), starting together at ${startAtIso}\n` +
          `next: kubectl apply -f ${f.out ?? "<this yaml>"} before the start, then: ${next}\n`,
      );
    });
}
