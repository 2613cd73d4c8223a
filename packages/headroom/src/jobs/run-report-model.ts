// A run store to its report model in one call (the library API and the tests): measure the run
// (analysis/run-figures.ts), then build the model the renderers draw (report/model).
import type { RunStore } from "../store/run-store.js";
import { measureRun, type RunFiguresOptions } from "../analysis/run-figures.js";
import { runReportModel, type RunModelOptions, type RunReportModel } from "../report/model/run-report-model.js";

export type RunReportOptions = RunModelOptions & RunFiguresOptions;

export async function buildRunReportModel(store: RunStore, opts: RunReportOptions = {}): Promise<RunReportModel> {
  const { maxPoints, ...model } = opts;
  return runReportModel(await measureRun(store, maxPoints !== undefined ? { maxPoints } : {}), model);
}
