// report.json: the report model for machines, with every figure the documents show.
import type { RunReportModel } from "../model/run-report-model.js";

export const REPORT_JSON_VERSION = 1;

export function renderJsonReport(m: RunReportModel): string {
  const { title, generatedAt, manifest, summary, summaryRebuilt, verdict, verdicts, endpoints, analysis, capacity, notes, series, telemetry } = m;
  return (
    JSON.stringify(
      {
        reportVersion: REPORT_JSON_VERSION,
        title,
        generatedAt,
        verdict: verdict ?? null,
        verdicts,
        manifest,
        summary,
        summaryRebuilt,
        endpoints,
        analysis: analysis ?? null,
        capacity: capacity ?? null,
        notes,
        series,
        telemetry,
      },
      null,
      2,
    ) + "\n"
  );
}
