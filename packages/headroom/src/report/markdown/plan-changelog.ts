// capacity-plan.md's "## Changelog": the document's first entry, dated by the plan.
import type { PlanReportModel } from "../model/plan-report-model.js";
import { mdTable } from "./markdown.js";

export function changelogSection(model: PlanReportModel): string[] {
  const date = model.environment.date.slice(0, 10);
  return [
    "## Changelog",
    "",
    mdTable(["Date", "Change", "Author"], [[date, `Initial capacity planning document: figures measured by the MueJam suite${model.environment.scale !== 1 ? ` at scale ${model.environment.scale}` : ""}`, model.author ?? `headroom plan (headroom ${model.environment.versions.headroom ?? ""})`.replace(" )", ")")]]),
    "",
  ];
}
