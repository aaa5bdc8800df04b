import { modelFromFiles } from "../src/check/model/index.js";
import type { Rule, RuleFinding } from "../src/check/types.js";

/** Runs one rule over an in-memory repo, offline. */
export async function runRule(rule: Rule, files: Record<string, string>): Promise<RuleFinding[]> {
  const model = modelFromFiles(files);
  return rule.check({ model, isPublicModule: async () => undefined });
}

/** `file:line` of each finding, in order: what most assertions need. */
export const where = (findings: readonly RuleFinding[]) =>
  findings.map((f) => `${f.file}:${f.line}`);

/** A file from lines, so a test can read line numbers off the array index + 1. */
export const lines = (...ls: string[]) => `${ls.join("\n")}\n`;

/** A go.mod with one dependency, so that Dockerfile rules have modules to download. */
export const GOMOD = lines(
  "module example.com/app",
  "",
  "go 1.25.0",
  "",
  "require github.com/google/uuid v1.6.0",
);

/** A repo with that go.mod and the given Dockerfile. */
export const repo = (dockerfile: string, extra: Record<string, string> = {}) => ({
  "go.mod": GOMOD,
  Dockerfile: dockerfile,
  ...extra,
});
