// Shared by the planning tests: the repository's default infrastructure model, read once.
import { readFileSync } from "node:fs";
import { parseInfrastructure } from "../../src/planning/infrastructure.js";
import type { InfrastructureModel } from "../../src/planning/types.js";

export const DEFAULT_INFRA_PATH = new URL("../../../../config/infrastructure.default.json", import.meta.url);
export const DEFAULT_INFRA_JSON: unknown = JSON.parse(readFileSync(DEFAULT_INFRA_PATH, "utf8"));

export function defaultInfra(): InfrastructureModel {
  return parseInfrastructure(structuredClone(DEFAULT_INFRA_JSON), "config/infrastructure.default.json");
}
