// Reads what `headroom init --from FILE` was given: an OpenAPI document (JSON or YAML) or a HAR
// recording (JSON), told apart by their content.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { HeadroomError } from "../core/errors.js";
import { isHar, operationsFromHar } from "./har.js";
import { operationsFromOpenApi } from "./openapi.js";
import type { LearnedApi } from "./operations.js";

async function parse(path: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new HeadroomError("HR_CONFIG_INVALID", `--from "${shown}" cannot be read: ${(e as Error).message}`, "pass an OpenAPI document (.json, .yaml) or a HAR recording (.har) that exists", { cause: e });
  }
  const yamlFile = [".yaml", ".yml"].includes(extname(path).toLowerCase());
  if (!yamlFile) {
    try {
      return JSON.parse(text);
    } catch (e) {
      if (text.trimStart().startsWith("{")) throw new HeadroomError("HR_CONFIG_INVALID", `--from "${shown}" is not valid JSON (${(e as Error).message})`, "fix the file, or export it again from its tool", { cause: e });
    }
  }
  const { parse: parseYaml } = await import("yaml");
  try {
    return parseYaml(text) as unknown;
  } catch (e) {
    throw new HeadroomError("HR_CONFIG_INVALID", `--from "${shown}" is not valid YAML (${(e as Error).message.split("\n")[0]})`, "fix the file, or export it again from its tool", { cause: e });
  }
}

export async function readApi(path: string, shown: string): Promise<LearnedApi> {
  const doc = await parse(path, shown);
  if (isHar(doc)) return operationsFromHar(doc, shown);
  if (doc && typeof doc === "object" && ("openapi" in doc || "swagger" in doc || "paths" in doc)) return operationsFromOpenApi(doc as Record<string, unknown>, shown);
  throw new HeadroomError("HR_CONFIG_INVALID", `--from "${shown}" is neither an OpenAPI document (no "openapi"/"paths") nor a HAR recording (no log.entries)`, "pass the API's openapi.json / openapi.yaml, or a recording saved as HAR from the browser's Network tab");
}
