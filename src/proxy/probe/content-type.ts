import type { CheckStatus } from "./types.js";

/**
 * What each endpoint should be labelled with. The go command ignores Content-Type on success,
 * so a generic label (a static server that knows no better) is only a warning; a wrong one —
 * text/html on a version list is usually a login page or a catch-all — is a failure.
 */
export const EXPECTED_TYPES = {
  list: "text/plain",
  info: "application/json",
  mod: "text/plain",
  zip: "application/zip",
  latest: "application/json",
} as const;

const GENERIC = new Set(["application/octet-stream", "binary/octet-stream"]);
const ZIP_ALIASES = new Set(["application/x-zip-compressed", "application/x-zip"]);

export function gradeContentType(expected: string, actual: string | undefined): CheckStatus {
  if (actual === expected) return "pass";
  if (actual === undefined || GENERIC.has(actual)) return "warn";
  if (expected === "application/zip" && ZIP_ALIASES.has(actual)) return "warn";
  return "fail";
}
