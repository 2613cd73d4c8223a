// `headroom collect --redis URL RUN_ID --out DIR`: follows the Redis Streams the hosts of one test
// write (`headroom run --segment i/n --stream redis://HOST:PORT/RUN_ID`) and keeps one merged run
// directory up to date while the test runs, with a progress line across hosts; when every
// segment finished (or the test's end plus --wait passed) it writes the final merged run.
import { resolve } from "node:path";
import type { Command } from "commander";
import { parsePositiveDurationSec } from "../plan/duration.js";
import { mergeRunParts, type MergedRun } from "../k8s/merge-runs.js";
import { openRedis, StreamReader } from "../k8s/redis-stream.js";
import { checkRunId } from "../k8s/stream-target.js";
import { writeMergedRun } from "../k8s/write-merged.js";
import { EXIT, HeadroomError } from "../core/errors.js";
import { parseSegment } from "../engine/segments.js";
import { checkOutDir } from "../store/out-dir.js";
import type { CommandContext } from "./main.js";
import { mergedRunText } from "./merge.js";
import { redactUserinfo } from "../core/redact.js";

interface CollectFlags {
  redis: string;
  out: string;
  wait: string;
  every: string;
  force?: boolean;
  delete?: boolean;
}

/** Every lane of the test is covered by a part whose manifest is final. */
function allFinished(merged: MergedRun): boolean {
  const parts = merged.manifest.distributed?.parts ?? [];
  return parts.length > 0 && parts.every((p) => p.status === "completed" || p.status === "interrupted" || p.status === "failed");
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("collect")
    .description("follow the Redis Streams of a test's hosts (run with --stream) and write one merged run directory while it runs and after")
    .argument("<runId>", "the test's id, as in the hosts' --stream redis://HOST:PORT/RUN_ID")
    .requiredOption("--redis <url>", "the Redis the hosts stream to, redis://HOST:PORT")
    .requiredOption("-o, --out <dir>", "the merged run directory to write")
    .option("--wait <d>", "how long to wait for the first host, and for late hosts after the test's planned end", "60s")
    .option("--every <d>", "how often to read the streams and rewrite the merged run", "2s")
    .option("--delete", "delete the streams once the merged run is written")
    .option("--force", "overwrite a folder that already holds a run")
    .addHelpText(
      "after",
      `
Examples:
  npx headroom collect --redis redis://127.0.0.1:6379 checkout-1 --out runs/checkout-1
  npx headroom collect --redis redis://redis.loadtest:6379 checkout-1 --out runs/checkout-1 --wait 2m --delete

Exit codes: 0 every segment completed, 130 the merged run is partial (a host never started, started
late or stopped early: named in its manifest), 2 bad usage, 3 nothing arrived within --wait,
4 Redis unreachable. Multi-host tests: docs/distributed.md`,
    )
    .action(async (runId: string, f: CollectFlags) => {
      checkRunId(runId, "collect");
      const waitMs = parsePositiveDurationSec(f.wait, "--wait") * 1000;
      const everyMs = parsePositiveDurationSec(f.every, "--every") * 1000;
      const out = resolve(ctx.io.cwd, f.out);
      checkOutDir(out, f.force);
      const redis = await openRedis(f.redis, "--redis", "give the Redis the hosts stream to (their --stream URL without the run id)");
      const reader = new StreamReader(redis, runId);
      const startedMs = Date.now();
      let stop = false;
      const unhook = ctx.io.onInterrupt(() => (stop = true));
      try {
        for (;;) {
          await reader.poll();
          const parts = reader.parts();
          const now = Date.now();
          if (parts.length === 0) {
            if (now - startedMs > waitMs || stop) {
              throw new HeadroomError("HR_RUN_NOT_FOUND", `no host of test "${runId}" has written to ${redactUserinfo(f.redis)} within --wait ${f.wait}`, "check that the hosts run with --stream <this redis>/" + runId + " (kubectl logs on a pod), or wait longer with --wait");
            }
          } else {
            const probe = mergeRunParts(parts, { id: runId, liveNowEpochMs: now });
            const t0 = probe.manifest.distributed!.startEpochMs!;
            const deadline = t0 + probe.manifest.plan.durationSec * 1000 + waitMs;
            const done = allFinished(probe) || now > deadline || stop;
            const merged = done ? mergeRunParts(parts, { id: runId }) : probe;
            const summary = writeMergedRun(out, merged, new Date(now));
            if (done) {
              ctx.io.stdout.write(mergedRunText(out, merged.manifest, summary));
              if (reader.skipped > 0) ctx.io.stderr.write(`warning: ${reader.skipped} stream entries were not a run's line or manifest and were skipped\n`);
              if (f.delete) await reader.delete();
              ctx.setExitCode(merged.manifest.distributed?.partial || merged.manifest.status !== "completed" ? EXIT.INTERRUPTED : EXIT.OK);
              return;
            }
            const reporting = probe.manifest.distributed!.parts!.filter((p) => p.status !== "missing");
            const of = parseSegment(reporting[0]!.segment)!.of;
            const last = merged.intervals.at(-1);
            const rps = last ? Object.values(last.endpoints).reduce((n, e) => n + e.requests, 0) : 0;
            ctx.io.stdout.write(`t=${Math.max(0, Math.floor((now - t0) / 1000))}s  ${reporting.length}/${of} hosts reporting  ${summary.requests.total} requests  ${rps} req/s in second ${last?.t ?? "-"}  p95 ${summary.latencyMs.p95} ms\n`);
          }
          await new Promise((r) => setTimeout(r, everyMs));
        }
      } finally {
        unhook();
        await redis.quit().catch(() => redis.disconnect());
      }
    });
}
