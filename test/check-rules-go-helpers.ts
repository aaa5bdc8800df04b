import { modelFromFiles } from "../src/check/model/index.js";
import { runChecks } from "../src/check/runner.js";
import type { Finding, Rule } from "../src/check/types.js";

/** Every module counts as public unless a test says otherwise. */
export type PublicVerdict = (path: string, version: string) => boolean | undefined;

/** Runs one rule over in-memory files, as `gopave check` would (severity and order included). */
export async function check(
  rule: Rule,
  files: Record<string, string>,
  isPublic: PublicVerdict = () => true,
): Promise<Finding[]> {
  const model = modelFromFiles(files);
  expectNoMalformed(model.malformed);
  return runChecks(model, { rules: [rule], isPublicModule: async (p, v) => isPublic(p, v) });
}

/** `RULE file:line` for compact assertions. */
export function where(findings: Finding[]): string[] {
  return findings.map((f) => `${f.rule} ${f.file}:${f.line}`);
}

function expectNoMalformed(m: { path: string; line: number; message: string }[]): void {
  if (m.length > 0) throw new Error(`fixture does not parse: ${JSON.stringify(m)}`);
}

/** A go.mod with the given go line (line 3) and optional toolchain (line 5). */
export function gomod(go: string, toolchain?: string, module = "example.com/app"): string {
  return `module ${module}\n\ngo ${go}\n${toolchain ? `\ntoolchain ${toolchain}\n` : ""}`;
}
