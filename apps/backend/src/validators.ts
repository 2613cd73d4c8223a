// The schema compilers. Bodies are JSON, so a value of the wrong type is an error, never coerced
// (fastify's default would store 123 as "123"); querystring and params arrive as text and are
// coerced to the schema's types. Both refuse NaN and Infinity (strictNumbers).
import { Ajv, type Options } from "ajv";
import type { FastifySchemaCompiler } from "fastify";

const COMMON: Options = { useDefaults: true, allErrors: false, strictNumbers: true, strict: false };

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  // A body field the schema forbids is an error, not silently dropped (a PATCH of only unknown fields was a no-op 200).
  const body = new Ajv({ ...COMMON, coerceTypes: false, removeAdditional: false });
  const text = new Ajv({ ...COMMON, coerceTypes: "array", removeAdditional: true });
  return ({ schema, httpPart }) => (httpPart === "body" ? body : text).compile(schema as object);
}
