import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ajv } from "ajv";
import type { AnySchemaObject, ErrorObject, ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import addFormats from "ajv-formats";

/**
 * The official schemas live next to the repo (CI clones it with shared/ as a sibling), not in
 * it: see shared/schemas/SOURCES.md for where each comes from and which draft it is.
 */
export const SCHEMA_DIR = resolve(import.meta.dirname, "..", "..", "..", "shared", "schemas");

export type SchemaName = "devcontainer" | "compose" | "github-workflow" | "golangci";

const FILES: Record<SchemaName, string> = {
  devcontainer: "devContainer.base.schema.json",
  compose: "compose-spec.json",
  "github-workflow": "github-workflow.json",
  golangci: "golangci.jsonschema.json",
};

function load(name: SchemaName): AnySchemaObject {
  const file = join(SCHEMA_DIR, FILES[name]);
  if (!existsSync(file)) {
    throw new Error(
      `schema ${FILES[name]} not found at ${file}: clone the shared/ folder next to the repo (see shared/schemas/SOURCES.md)`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as AnySchemaObject;
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const withFormats = ((addFormats as unknown as { default?: typeof addFormats }).default ??
  addFormats) as unknown as (ajv: Ajv | Ajv2019) => void;

function compile(name: SchemaName): ValidateFunction {
  const schema = load(name);
  switch (name) {
    case "devcontainer": {
      // Draft 2019-09 with VS Code's own keywords (allowComments, ...): strict off.
      const ajv = new Ajv2019({ strict: false, allErrors: true });
      withFormats(ajv);
      return ajv.compile(schema);
    }
    case "compose": {
      // Draft-07, but it names its meta-schema without the trailing "#", which Ajv does not know.
      const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
      withFormats(ajv);
      return ajv.compile(schema);
    }
    case "github-workflow":
    case "golangci": {
      const ajv = new Ajv({ strict: false, allErrors: true });
      withFormats(ajv);
      return ajv.compile(schema);
    }
  }
}

const cache = new Map<SchemaName, ValidateFunction>();

/** Schema errors for a parsed document, as readable lines (empty when valid). */
export function schemaErrors(name: SchemaName, data: unknown): string[] {
  let validate = cache.get(name);
  if (!validate) {
    validate = compile(name);
    cache.set(name, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map(
    (e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
  );
}
