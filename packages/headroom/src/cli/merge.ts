// `headroom merge DIR... --out DIR`: the run directories of one test's hosts (--segment i/n, e.g.
// copied from the pods of `headroom k8s job`) merged into one run directory.
import { resolve } from "node:path";
import type { Command } from "commander";
import { mergeRunParts } from "../k8s/merge-runs.js";
import { readRunParts, writeMergedRun } from "../k8s/write-merged.js";
import { EXIT } from "../core/errors.js";
import { checkOutDir } from "../store/out-dir.js";
import type { Manifest, RunSummary } from "../core/types.js";
import type { CommandContext } from "./main.js";

/** The lines every merge and collect prints: where it went, what it holds, which hosts are missing what. */
export function mergedRunText(dir: string, manifest: Manifest, summary: RunSummary): string {
  const parts = manifest.distributed?.parts ?? [];
  const present = parts.filter((p) => p.status !== "missing").length;
  const lines = [
    `merged run ${dir}: ${present} of ${parts.length} segments, ${summary.durationSec} s, ${summary.requests.total} requests, p95 ${summary.latencyMs.p95} ms, status ${manifest.status}${manifest.distributed?.partial ? " (PARTIAL)" : ""}`,
    ...(manifest.notes ?? []).filter((n) => n.startsWith("PARTIAL: ")).map((n) => `  ${n}`),
  ];
  return lines.join("\n") + "\n";
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("merge")
    .description("merge the run directories of one test's hosts (run with --segment i/n) into one run directory; missing hosts and seconds are named")
    .argument("<runs...>", "the hosts' run directories")
    .requiredOption("-o, --out <dir>", "the merged run directory to write")
    .option("--force", "overwrite a folder that already holds a run")
    .addHelpText(
      "after",
      `
Examples:
  npx headroom merge results/pod-0 results/pod-1 results/pod-2 --out runs/merged
  npx headroom merge results/*/ --out runs/merged --force
(then report, analyze and compare read runs/merged like any run)

Counts add and latency histograms merge exactly, second by second from the shared start
(--start-at). A segment that never started, started late or stopped early is named in the merged
manifest with the seconds it is missing, the status is "interrupted" and the figures are marked
partial. Exit codes: 0 merged and whole, 130 merged but partial, 2 bad usage, 3 an unreadable run.
Multi-host tests: docs/distributed.md`,
    )
    .action(async (runs: string[], f: { out: string; force?: boolean }) => {
      const out = resolve(ctx.io.cwd, f.out);
      checkOutDir(out, f.force);
      const merged = mergeRunParts(readRunParts(runs.map((r) => resolve(ctx.io.cwd, r))));
      const summary = writeMergedRun(out, merged);
      ctx.io.stdout.write(mergedRunText(out, merged.manifest, summary));
      ctx.setExitCode(merged.manifest.distributed?.partial || merged.manifest.status !== "completed" ? EXIT.INTERRUPTED : EXIT.OK);
    });
}
