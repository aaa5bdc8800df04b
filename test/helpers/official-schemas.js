// Compiles the official JSON Schemas in shared/schemas the way each one needs. Plain JS (types in
// official-schemas.d.ts) so the tests (test/helpers/schemas.ts) and the corpus runner
// (bench/corpus/, run by node without a build) share one copy of these options.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import addFormats from "ajv-formats";

/** File name of each schema in the shared/schemas folder (see shared/schemas/SOURCES.md). */
export const SCHEMA_FILES = Object.freeze({
  devcontainer: "devContainer.base.schema.json",
  compose: "compose-spec.json",
  "github-workflow": "github-workflow.json",
  golangci: "golangci.jsonschema.json",
});

// ajv-formats is CommonJS: depending on the loader its default import is the plugin or the module.
const withFormats = addFormats.default ?? addFormats;

/**
 * The parsed schema; throws, saying how to get it, when the file is not there.
 * @param {string} dir the shared/schemas folder
 * @param {keyof typeof SCHEMA_FILES} name
 */
export function loadOfficialSchema(dir, name) {
  const file = join(dir, SCHEMA_FILES[name]);
  if (!existsSync(file)) {
    throw new Error(
      `schema ${SCHEMA_FILES[name]} not found at ${file}: clone the shared/ folder next to the repo (see shared/schemas/SOURCES.md)`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8"));
}

/** @param {keyof typeof SCHEMA_FILES} name */
function newAjv(name) {
  switch (name) {
    case "devcontainer":
      // Draft 2019-09 with VS Code's own keywords (allowComments, ...): strict off.
      return new Ajv2019({ strict: false, allErrors: true });
    case "compose":
      // Draft-07, but it names its meta-schema without the trailing "#", which Ajv does not know.
      return new Ajv({ strict: false, allErrors: true, validateSchema: false });
    default:
      return new Ajv({ strict: false, allErrors: true });
  }
}

/**
 * A validate function for one official schema.
 * @param {string} dir the shared/schemas folder
 * @param {keyof typeof SCHEMA_FILES} name
 */
export function compileOfficialSchema(dir, name) {
  const ajv = newAjv(name);
  withFormats(ajv);
  return ajv.compile(loadOfficialSchema(dir, name));
}

/**
 * `(name, data) => string[]`: the schema errors for a parsed document as readable lines (empty
 * when valid), compiling each schema once, on first use.
 * @param {string} dir the shared/schemas folder
 */
export function officialSchemaValidator(dir) {
  const cache = new Map();
  return (name, data) => {
    let validate = cache.get(name);
    if (!validate) {
      validate = compileOfficialSchema(dir, name);
      cache.set(name, validate);
    }
    if (validate(data)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
    );
  };
}
