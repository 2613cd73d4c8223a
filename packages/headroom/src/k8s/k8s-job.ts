// The Kubernetes objects of a test split across N pods: a ConfigMap with the scenario and its data
// files, and an Indexed Job (completionMode Indexed, completions = parallelism = N) whose pod i
// runs `headroom run SCENARIO ... --segment i/N --start-at T`, T one shared time far enough ahead
// for every pod to be scheduled and pull the image. Built from kubernetes-models' typed objects and
// checked with their validation against the Kubernetes schemas before anything is written.
import { Job } from "kubernetes-models/batch/v1";
import { ConfigMap } from "kubernetes-models/v1";
import type { IVolume, IVolumeMount } from "kubernetes-models/v1";
import { HeadroomError } from "../core/errors.js";

/** The sizing rule (docs/distributed.md), from the engine benchmark (README "Benchmarks"). */
export const SIZING = {
  /**
   * Scenario users one pod core carries: 10,000 users with 1-5 s think time (~3,300 req/s) ran on
   * one core; half that leaves headroom for heavier scenarios.
   */
  usersPerCore: 5000,
  /**
   * Open-model arrivals one core sends: the single-URL client did 105,000-116,000 req/s on one
   * core against nginx; a fifth of it, for real responses and scenarios through undici.
   */
  ratePerCore: 20_000,
  /** Memory: a base plus per user; 10,000 users peaked at 357 MB RSS (about 36 KB a user with the base). */
  baseMiB: 128,
  perUserKiB: 40,
  /** Users above this per pod are refused (raise --hosts): the lab's one-host search was generator-limited at 8,000. */
  maxUsersPerPod: 5000,
} as const;

export interface PodResources {
  cores: number;
  memoryMiB: number;
}

/** Resources for one pod carrying `users` (closed model) or `rate` arrivals/s (open model). */
export function podResources(load: { usersPerPod?: number; ratePerPod?: number }): PodResources {
  const users = load.usersPerPod ?? 0;
  const rate = load.ratePerPod ?? 0;
  const cores = Math.max(1, Math.ceil(Math.max(users / SIZING.usersPerCore, rate / SIZING.ratePerCore)));
  // An open-model pod holds at most its in-flight requests: count a second of arrivals as users.
  const held = Math.max(users, rate);
  const memoryMiB = Math.ceil((SIZING.baseMiB + (held * SIZING.perUserKiB) / 1024) / 64) * 64;
  return { cores, memoryMiB };
}

export interface JobSpecInput {
  /** DNS-1123 name: the Job, the ConfigMap prefix and the run id. */
  name: string;
  namespace?: string;
  image: string;
  hosts: number;
  /** The scenario file's name in the ConfigMap and its text. */
  scenario: { name: string; text: string };
  /** Data files the scenario reads (tokens, fixtures), mounted beside it. */
  data: { name: string; text: string }[];
  /** Flags of `headroom run` (users, duration, host, profile, ...) passed to every pod. */
  runFlags: string[];
  startAtIso: string;
  resources: PodResources;
  /** redis://HOST:PORT: each pod streams to RUN_ID = name. */
  stream?: string;
  /** A ReadWriteMany PersistentVolumeClaim each pod writes its run directory to. */
  resultsClaim?: string;
}

const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const SCENARIO_DIR = "/work/scenario";
export const RESULTS_DIR = "/results";
/** A ConfigMap holds at most 1 MiB. */
const CONFIGMAP_MAX_BYTES = 1024 * 1024;

export function checkJobName(name: string): string {
  if (name.length > 52 || !DNS_1123.test(name)) {
    throw new HeadroomError("HR_BAD_ARGUMENT", `--name "${name}" is not a Kubernetes name of at most 52 characters (lowercase letters, digits and "-", starting and ending with a letter or digit)`, "use e.g. --name checkout-peak-1 (the Job's pods add their own suffix, up to 63 characters)");
  }
  return name;
}

/** The pod's command line: `run` with this pod's segment, the shared start, and where its results go. */
export function podArgs(o: JobSpecInput): string[] {
  return [
    "run",
    `${SCENARIO_DIR}/${o.scenario.name}`,
    ...o.runFlags,
    ...(o.runFlags.includes("--workers") ? [] : ["--workers", String(o.resources.cores)]),
    "--segment",
    `$(JOB_COMPLETION_INDEX)/${o.hosts}`,
    "--start-at",
    o.startAtIso,
    "--out",
    `${RESULTS_DIR}/${o.name}/segment-$(JOB_COMPLETION_INDEX)`,
    ...(o.stream ? ["--stream", `${o.stream.replace(/\/$/, "")}/${o.name}`] : []),
  ];
}

export function buildJobObjects(o: JobSpecInput): [ConfigMap, Job] {
  checkJobName(o.name);
  const labels = { "app.kubernetes.io/name": "headroom", "app.kubernetes.io/instance": o.name };
  const meta = (name: string): { name: string; namespace?: string; labels: Record<string, string> } => ({
    name,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    labels,
  });
  const files: Record<string, string> = { [o.scenario.name]: o.scenario.text };
  for (const d of o.data) {
    if (files[d.name] !== undefined) throw new HeadroomError("HR_BAD_ARGUMENT", `--data ${d.name}: two files named "${d.name}" would land in one folder`, "rename one of them (the scenario and its data files share the folder " + SCENARIO_DIR + ")");
    files[d.name] = d.text;
  }
  const bytes = Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0);
  if (bytes > CONFIGMAP_MAX_BYTES * 0.95) {
    throw new HeadroomError("HR_INPUT_INVALID", `the scenario and its --data files hold ${bytes} bytes; a ConfigMap holds at most 1 MiB`, "bake large data into the image (FROM headroom, COPY) or fetch it in the scenario's onStart");
  }
  const configMap = new ConfigMap({ metadata: meta(`${o.name}-scenario`), data: files });
  const volumes: IVolume[] = [{ name: "scenario", configMap: { name: `${o.name}-scenario` } }];
  const mounts: IVolumeMount[] = [{ name: "scenario", mountPath: SCENARIO_DIR, readOnly: true }];
  volumes.push(o.resultsClaim ? { name: "results", persistentVolumeClaim: { claimName: o.resultsClaim } } : { name: "results", emptyDir: {} });
  mounts.push({ name: "results", mountPath: RESULTS_DIR });
  const memory = `${o.resources.memoryMiB}Mi`;
  const job = new Job({
    metadata: meta(o.name),
    spec: {
      completionMode: "Indexed",
      completions: o.hosts,
      parallelism: o.hosts,
      // A retried pod would run its segment late and twice: no retries; the merge names a failed segment.
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "headroom",
              image: o.image,
              args: podArgs(o),
              // $(JOB_COMPLETION_INDEX) in args expands from this declared variable (the pod's index).
              env: [{ name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }],
              resources: { requests: { cpu: String(o.resources.cores), memory }, limits: { cpu: String(o.resources.cores), memory: `${o.resources.memoryMiB * 2}Mi` } },
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  });
  configMap.validate();
  job.validate();
  return [configMap, job];
}
