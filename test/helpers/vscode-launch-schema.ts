import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import type { ValidateFunction } from "ajv";

/**
 * The schema VS Code checks a Go launch configuration against. The Go extension contributes one
 * schema per request (its package.json, contributes.debuggers[type=go].configurationAttributes,
 * kept in test/fixtures/schemas, see SOURCES.md there); VS Code closes it (additionalProperties:
 * false), requires name, type and request, and adds the attributes every debugger has
 * (getSchemaAttributes in its debugger.ts, the common definitions of its debug configuration
 * manager). Those additions are written out here; only their names and types matter to a test.
 */

type Schema = Record<string, unknown> & {
  properties?: Record<string, unknown>;
  required?: string[];
};

const ATTRIBUTES = JSON.parse(
  readFileSync(
    join(import.meta.dirname, "..", "fixtures", "schemas", "vscode-go-debug-attributes.json"),
    "utf8",
  ),
) as Record<string, Schema>;

/** What VS Code adds to every request's attributes. */
const TASK = { anyOf: [{ type: "string" }, { type: "object" }] };
const COMMON: Record<string, unknown> = {
  name: { type: "string" },
  debugServer: { type: "number" },
  preLaunchTask: TASK,
  postDebugTask: TASK,
  presentation: { type: "object" },
  internalConsoleOptions: {
    enum: ["neverOpen", "openOnSessionStart", "openOnFirstSessionStart"],
  },
  suppressMultipleSessionWarning: { type: "boolean" },
};

function requestSchema(request: string, attributes: Schema): Schema {
  const properties: Record<string, unknown> = {
    ...attributes.properties,
    type: { enum: ["go"] },
    request: { enum: [request] },
    ...COMMON,
  };
  const platform = {
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries(
      Object.entries(properties).filter(([k]) => !["type", "request", "name"].includes(k)),
    ),
  };
  return {
    ...attributes,
    type: "object",
    additionalProperties: false,
    required: ["name", "type", "request", ...(attributes.required ?? [])],
    properties: { ...properties, windows: platform, osx: platform, linux: platform },
  };
}

let compiled: Map<string, ValidateFunction> | undefined;

/** Schema errors for one configuration of a Go launch.json, as readable lines (empty: valid). */
export function goLaunchConfigErrors(config: Record<string, unknown>): string[] {
  // The extension's schemas carry VS Code's own keywords (markdownDescription...): strict off.
  const ajv = new Ajv({ strict: false, allErrors: true });
  compiled ??= new Map(
    Object.entries(ATTRIBUTES).map(([request, attrs]) => [
      request,
      ajv.compile(requestSchema(request, attrs)),
    ]),
  );
  const validate = compiled.get(String(config["request"]));
  if (!validate)
    return [`request ${String(config["request"])}: the Go extension has no such request`];
  if (validate(config)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
  );
}
