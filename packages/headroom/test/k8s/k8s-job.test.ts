// `headroom k8s job` writes a ConfigMap and an Indexed Job that kubernetes-models' validation
// (the Kubernetes OpenAPI schemas) accepts, with one segment per pod and one shared start.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Job } from "kubernetes-models/batch/v1";
import { ConfigMap, Secret } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { podResources } from "../../src/k8s/k8s-job.js";
import { runCli } from "./segment-processes.js";

const dir = mkdtempSync(join(tmpdir(), "headroom-k8s-"));
const scenario = join(dir, "shop.scenario.ts");
writeFileSync(scenario, 'import { scenario } from "headroom";\nexport default scenario({ name: "shop", classes: [] });\n');
writeFileSync(join(dir, "tokens.json"), '["a","b"]\n');

test("the manifests validate against the Kubernetes schemas and run segment i/N of one test from one start", async () => {
  const out = join(dir, "job.yaml");
  const before = Date.now();
  const r = await runCli(["k8s", "job", scenario, "--hosts", "4", "--image", "registry.example/headroom:0.1.0", "--name", "shop-peak", "--namespace", "load", "--stream", "redis://redis.load:6379", "--data", join(dir, "tokens.json"), "--start-in", "90s", "-o", out, "--", "--users", "8000", "--duration", "5m", "--host", "http://api:3000"]);
  assert.equal(r.status, 0, r.stderr);
  const docs = parseAllDocuments(readFileSync(out, "utf8")).map((d) => d.toJS() as Record<string, unknown>);
  assert.deepEqual(docs.map((d) => d.kind), ["ConfigMap", "Job"]);
  const cm = new ConfigMap(docs[0] as never);
  cm.validate();
  const job = new Job(docs[1] as never);
  job.validate();
  assert.deepEqual(Object.keys(cm.data!).sort(), ["shop.scenario.ts", "tokens.json"]);
  assert.equal(cm.data!["shop.scenario.ts"], readFileSync(scenario, "utf8"), "the scenario's text, unchanged");
  const spec = job.spec!;
  assert.equal(spec.completionMode, "Indexed");
  assert.equal(spec.completions, 4);
  assert.equal(spec.parallelism, 4);
  assert.equal(job.metadata!.namespace, "load");
  const c = spec.template.spec!.containers[0]!;
  assert.equal(c.image, "registry.example/headroom:0.1.0");
  const args = c.args!;
  const arg = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
  assert.equal(args[0], "run");
  assert.equal(args[1], "/work/scenario/shop.scenario.ts");
  assert.equal(arg("--segment"), "$(JOB_COMPLETION_INDEX)/4");
  assert.equal(arg("--stream"), "redis://redis.load:6379/shop-peak");
  assert.equal(arg("--users"), "8000", "the whole test's load: each pod takes its segment's share");
  const start = Date.parse(arg("--start-at")!);
  assert.ok(start >= before + 90_000 && start <= Date.now() + 90_000, `start ${arg("--start-at")}`);
  assert.ok(c.env!.some((e) => e.name === "JOB_COMPLETION_INDEX" && e.valueFrom?.fieldRef?.fieldPath.includes("job-completion-index")));
  // 2,000 users per pod: 1 core, 128 MiB + 40 KiB a user rounded up to 64 MiB.
  assert.deepEqual(c.resources!.requests, { cpu: "1", memory: "256Mi" });
  assert.deepEqual(c.resources!.limits, { cpu: "1", memory: "512Mi" });
  assert.equal(arg("--workers"), "1");
  assert.match(r.stderr, /headroom collect --redis redis:\/\/redis.load:6379 shop-peak/);
});

test("the schema validation refuses a broken Job, and the sizing refuses too many users per pod", async () => {
  const text = readFileSync(join(dir, "job.yaml"), "utf8");
  const job = parseAllDocuments(text)[1]!.toJS() as { spec: { completions: unknown; template: { spec: { containers: unknown } } } };
  job.spec.completions = "four";
  assert.throws(() => new Job(job as never).validate(), /completions/);
  job.spec.completions = 4;
  job.spec.template.spec.containers = [{ image: "x" }];
  assert.throws(() => new Job(job as never).validate(), /name/);

  const r = await runCli(["k8s", "job", scenario, "--hosts", "2", "--image", "x", "--stream", "redis://r:6379", "--", "--users", "20000", "--duration", "1m"]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /10000 per pod.*use --hosts 4 or more/s);
  const none = await runCli(["k8s", "job", scenario, "--hosts", "2", "--image", "x", "--", "--users", "10"]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /neither --stream nor --results-pvc/);
  assert.deepEqual(podResources({ usersPerPod: 5000 }), { cores: 1, memoryMiB: 384 });
  assert.deepEqual(podResources({ ratePerPod: 30_000 }), { cores: 2, memoryMiB: 1344 });
});

test("pod 1's command line, with the ConfigMap's files and its index in place, is a valid headroom run", async () => {
  const shop = new URL("../engine/fixtures/shop.scenario.ts", import.meta.url).pathname;
  const out = join(dir, "shop.yaml");
  const r = await runCli(["k8s", "job", shop, "--hosts", "3", "--image", "x", "--name", "shop", "--stream", "redis://redis:6379", "-o", out, "--", "--users", "30", "--duration", "20s", "--host", "http://127.0.0.1:9", "--no-typecheck"]);
  assert.equal(r.status, 0, r.stderr);
  const [cm, job] = parseAllDocuments(readFileSync(out, "utf8")).map((d) => d.toJS() as { data?: Record<string, string>; spec?: { template: { spec: { containers: { args: string[] }[] } } } });
  const mounted = mkdtempSync(join(tmpdir(), "headroom-k8s-mounted-"));
  for (const [name, text] of Object.entries(cm!.data!)) writeFileSync(join(mounted, name), text);
  const args = job!.spec!.template.spec.containers[0]!.args.map((a) => a.replaceAll("$(JOB_COMPLETION_INDEX)", "1").replace("/work/scenario", mounted).replace("/results", join(mounted, "results")));
  assert.equal(args[0], "run");
  const dry = await runCli([...args, "--dry-run", "--json"]);
  assert.equal(dry.status, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as Record<string, unknown>;
  assert.match(JSON.stringify(plan), /"users":30/);
});

test("a stream URL with a password goes in a Secret the pods read as HEADROOM_STREAM, never in their args", async () => {
  const out = join(dir, "secret.yaml");
  const r = await runCli(["k8s", "job", scenario, "--hosts", "2", "--image", "x", "--name", "shop-sec", "--stream", "redis://loader:s3cret-pw@redis.load:6379", "-o", out, "--", "--users", "20", "--duration", "1m"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!r.stderr.includes("s3cret-pw"), r.stderr);
  const docs = parseAllDocuments(readFileSync(out, "utf8")).map((d) => d.toJS() as Record<string, unknown>);
  assert.deepEqual(docs.map((d) => d.kind), ["ConfigMap", "Secret", "Job"]);
  const secret = new Secret(docs[1] as never);
  secret.validate();
  assert.equal(secret.metadata!.name, "shop-sec-stream");
  assert.deepEqual(secret.stringData, { HEADROOM_STREAM: "redis://loader:s3cret-pw@redis.load:6379/shop-sec" });
  const job = new Job(docs[2] as never);
  job.validate();
  const c = job.spec!.template.spec!.containers[0]!;
  assert.ok(c.args!.every((a) => !a.includes("s3cret-pw")), c.args!.join(" "));
  assert.ok(!c.args!.includes("--stream"));
  assert.ok(!JSON.stringify(docs[2]).includes("s3cret-pw"), "nothing in the Job holds the password");
  assert.deepEqual(c.env!.find((e) => e.name === "HEADROOM_STREAM")!.valueFrom!.secretKeyRef, { name: "shop-sec-stream", key: "HEADROOM_STREAM" });
  assert.match(r.stderr, /headroom collect --redis redis:\/\/\*\*\*@redis.load:6379 shop-sec/);
  // `headroom run` takes --stream from HEADROOM_STREAM (the settings variable of the flag).
  const io = memoryIo({ HEADROOM_STREAM: "redis://loader:s3cret-pw@redis.load:6379/shop-sec" });
  const code = await main(["run", "--url", "http://127.0.0.1:9/x", "--users", "1", "--duration", "1s", "--dry-run"], io);
  assert.equal(code, 2);
  assert.match(io.err(), /--stream was given without --segment/);
});
