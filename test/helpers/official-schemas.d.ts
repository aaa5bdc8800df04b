import type { AnySchemaObject, ValidateFunction } from "ajv";

export type OfficialSchemaName = "devcontainer" | "compose" | "github-workflow" | "golangci";

export const SCHEMA_FILES: Readonly<Record<OfficialSchemaName, string>>;

export function loadOfficialSchema(dir: string, name: OfficialSchemaName): AnySchemaObject;

export function compileOfficialSchema(dir: string, name: OfficialSchemaName): ValidateFunction;

export function officialSchemaValidator(
  dir: string,
): (name: OfficialSchemaName, data: unknown) => string[];
