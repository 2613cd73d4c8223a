// Applies input-rules.ts to every request: NUL characters before schema validation (on the input
// as parsed), non-finite numbers after it (on the values the handlers will see, coerced).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpError } from "./errors.js";
import { findNonFinite, findNul, type InputFinding } from "./input-rules.js";

const PARTS = ["params", "query", "body"] as const;
const PART_NAME: Record<(typeof PARTS)[number], string> = { params: "path", query: "querystring", body: "body" };

function check(req: FastifyRequest, rule: (v: unknown) => InputFinding | undefined): void {
  for (const part of PARTS) {
    const found = rule(req[part]);
    if (!found) continue;
    const field = found.field || part;
    throw new HttpError(400, "bad_request", `${PART_NAME[part]} field "${field}" ${found.problem}`, { field });
  }
}

export function registerInputGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (req) => check(req, findNul));
  app.addHook("preHandler", async (req) => check(req, findNonFinite));
}
