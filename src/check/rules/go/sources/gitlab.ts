import type { StructuredFile } from "../../../types.js";
import { isRecord, scalarString } from "./values.js";

/** Top-level keys of .gitlab-ci.yml that are not jobs. */
const RESERVED = new Set([
  "default",
  "include",
  "stages",
  "variables",
  "workflow",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
  "spec",
]);

export interface GitlabJob {
  /** "" for the file's top level and `default:` (they apply to every job). */
  name: string;
  job: Record<string, unknown>;
  path: string[];
}

/** The top level, `default:` and every job (hidden `.templates` too: jobs extend them). */
export function gitlabJobs(file: StructuredFile): GitlabJob[] {
  const data = isRecord(file.data) ? file.data : {};
  const out: GitlabJob[] = [{ name: "", job: data, path: [] }];
  if (isRecord(data["default"])) out.push({ name: "", job: data["default"], path: ["default"] });
  for (const [name, job] of Object.entries(data)) {
    if (!RESERVED.has(name) && isRecord(job)) out.push({ name, job, path: [name] });
  }
  return out;
}

/** `variables:` as NAME -> value; the long form `{ value, description }` included. */
export function gitlabVariables(scope: unknown): Map<string, string> {
  const vars = isRecord(scope) && isRecord(scope["variables"]) ? scope["variables"] : {};
  const out = new Map<string, string>();
  for (const [name, v] of Object.entries(vars)) {
    const value = scalarString(isRecord(v) ? v["value"] : v);
    if (value !== undefined) out.set(name, value);
  }
  return out;
}
