import { specJsonSchema } from "../spec/json-schema.js";
import type { Generator } from "./types.js";

/** Where gopave.yaml's `yaml-language-server` comment points: a local copy works offline. */
export const SPEC_SCHEMA_PATH = ".gopave/gopave.schema.json";

export const generateSpecSchemaFile: Generator = () => [
  { path: SPEC_SCHEMA_PATH, format: "json", data: specJsonSchema() },
];
