// `headroom report RUN --format md,html,json,junit [--out DIR]`: renders a stored run again
// (a killed run too: its summary is rebuilt from the interval lines), judged against the targets
// by the run's analysis. Exits 0 whatever the verdicts: the JUnit file carries failures to CI.
import { writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { analyzeRun } from "../analysis/analyze-run.js";
import { HeadroomError } from "../core/errors.js";
import { LOAD_LEVELS, loadTargets } from "../plan/targets.js";
import type { LoadLevel } from "../core/types.js";
import { renderHtmlReport } from "../report/html/html-report.js";
import { renderJsonReport } from "../report/data/json-report.js";
import { junitSuiteOf, renderJunit } from "../report/data/junit.js";
import { CHARTS_DIR, runChartFiles } from "../report/html/chart-files.js";
import { runReportModel, type RunReportModel } from "../report/model/run-report-model.js";
import { measureRun } from "../analysis/run-figures.js";
import { renderTestResult } from "../report/markdown/test-result.js";
import { readRunStore } from "../store/run-store.js";
import { makeDirectory } from "../store/make-directory.js";
import type { CommandContext } from "./main.js";

export const REPORT_FORMATS = ["md", "html", "json", "junit"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The file each format is written to, inside --out. */
export const REPORT_FILES: Record<ReportFormat, string> = { md: "report.md", html: "report.html", json: "report.json", junit: "junit.xml" };

export function parseFormats(value: string): ReportFormat[] {
  const parts = value
    .split(",")
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  const bad = parts.filter((p) => !(REPORT_FORMATS as readonly string[]).includes(p));
  if (parts.length === 0 || bad.length > 0) {
    throw new HeadroomError("HR_BAD_ARGUMENT", `--format "${value}" ${bad.length ? `has unknown format(s) ${bad.map((b) => `"${b}"`).join(", ")}` : "is empty"}; expected a comma-separated list of ${REPORT_FORMATS.join(", ")}`, "for example --format html,junit");
  }
  return [...new Set(parts as ReportFormat[])];
}

function parseLevel(text: string | undefined): LoadLevel | undefined {
  if (text === undefined) return undefined;
  if (!(LOAD_LEVELS as readonly string[]).includes(text)) {
    throw new HeadroomError("HR_BAD_ARGUMENT", `--level "${text}" is not a load level; expected one of ${LOAD_LEVELS.join(", ")}`, "use --level normal, --level peak or --level sustained (the targets differ by level)");
  }
  return text as LoadLevel;
}

export function renderFormat(model: RunReportModel, format: ReportFormat): string {
  switch (format) {
    case "md":
      return renderTestResult(model);
    case "html":
      return renderHtmlReport(model);
    case "json":
      return renderJsonReport(model);
    case "junit":
      return renderJunit([junitSuiteOf(model)]);
  }
}

interface ReportFlags {
  format: string;
  out?: string;
  targets?: string;
  level?: string;
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("report")
    .description("render a stored run again as Markdown, a self-contained HTML page, JSON and JUnit XML")
    .argument("<run>", "a run directory (runs/<id>, or a test folder of a plan's output)")
    .option("--format <list>", `comma-separated formats: ${REPORT_FORMATS.join(", ")}`, "md,html,json,junit")
    .option("--out <dir>", "where to write the files (default: the run directory)")
    .option("--targets <file>", "targets JSON overriding the defaults (see config/targets.default.json)")
    .option("--level <level>", "judge at this load level: normal, peak or sustained (default: the run's own, else normal)")
    .addHelpText(
      "after",
      `
Files (in --out, default the run directory): report.md (the test's result document, with
its charts of users and throughput, and of latency, in charts/load.svg and charts/latency.svg),
report.html (one self-contained page with charts), report.json, junit.xml (one test case per
target: FAIL fails, WARN passes with a note, not measured is skipped).
A run killed before it finished has no summary.json: it is rebuilt from intervals.ndjson, and
the run is INCOMPLETE (never PASS; junit.xml fails its "run completed its profile" case).
Exit code 0 whatever the verdicts (junit.xml carries failures to CI); 2 bad usage, 3 unreadable run.

Examples:
  npx headroom report runs/20261127-101500-ab12
  npx headroom report runs/20261127-101500-ab12 --format html,junit --out reports
  npx headroom report runs/plan-20261127-101500-ab12/peak --level peak --targets config/targets.default.json`,
    )
    .action(async (run: string, flags: ReportFlags) => {
      const formats = parseFormats(flags.format);
      const level = parseLevel(flags.level);
      const targets = loadTargets(flags.targets ? resolve(ctx.io.cwd, flags.targets) : undefined);
      const store = readRunStore(resolve(ctx.io.cwd, run));
      const analysis = analyzeRun(store, targets, level ? { level } : {});
      const model = runReportModel(await measureRun(store), { analysis });
      const outDir = resolve(ctx.io.cwd, flags.out ?? run);
      makeDirectory(outDir);
      // Relative when under the working directory; "../../tmp/x" reads worse than the absolute path.
      const shown = (path: string): string => {
        const rel = relative(ctx.io.cwd, path);
        return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
      };
      if (formats.includes("md")) {
        // The Markdown document embeds its charts as files beside it (charts/load.svg, charts/latency.svg).
        const charts = runChartFiles(model);
        model.charts = charts.charts;
        if (charts.files.length) makeDirectory(join(outDir, CHARTS_DIR));
        for (const c of charts.files) {
          writeFileSync(join(outDir, c.path), c.svg);
          ctx.io.stdout.write(`wrote ${shown(join(outDir, c.path))}\n`);
        }
      }
      for (const f of formats) {
        const path = join(outDir, REPORT_FILES[f]);
        writeFileSync(path, renderFormat(model, f));
        ctx.io.stdout.write(`wrote ${shown(path)}\n`);
      }
      const s = model.summary;
      const verdict = model.verdict ? `verdict ${model.verdict}` : "no targets judged";
      ctx.io.stdout.write(`${model.manifest.name}: ${s.requests.total} requests in ${s.durationSec} s, ${s.requests.ratePerSec} req/s, p95 ${s.latencyMs.p95} ms, ${s.requests.failed} failed; ${verdict}${model.summaryRebuilt ? " (summary rebuilt from intervals)" : ""}\n`);
    });
}
