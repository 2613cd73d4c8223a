// The schema compilers. Bodies are JSON, so a value of the wrong type is an error, never coerced
// (fastify's default would store 123 as "123"); querystring and params arrive as text and are
// coerced to the schema's types. Both refuse NaN and Infinity (strictNumbers).
import { Ajv, type Options } from "ajv";
import type { FastifySchemaCompiler } from "fastify";

const COMMON: Options = { useDefaults: true, removeAdditional: true, allErrors: false, strictNumbers: true, strict: false };

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = new Ajv({ ...COMMON, coerceTypes: false });
  const text = new Ajv({ ...COMMON, coerceTypes: "array" });
  return ({ schema, httpPart }) => (httpPart === "body" ? body : text).compile(schema as object);
}
