import { resolve } from "node:path";
import { officialSchemaValidator } from "./official-schemas.js";
import type { OfficialSchemaName } from "./official-schemas.js";

/**
 * The official schemas live next to the repo (CI clones it with shared/ as a sibling), not in
 * it: see shared/schemas/SOURCES.md for where each comes from and which draft it is. How each is
 * compiled is in official-schemas.js, which bench/corpus uses too.
 */
export const SCHEMA_DIR = resolve(import.meta.dirname, "..", "..", "..", "shared", "schemas");

export type SchemaName = OfficialSchemaName;

const validate = officialSchemaValidator(SCHEMA_DIR);

/** Schema errors for a parsed document, as readable lines (empty when valid). */
export function schemaErrors(name: SchemaName, data: unknown): string[] {
  return validate(name, data);
}
