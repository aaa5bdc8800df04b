import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { colors } from "../../../src/cli/io.js";
import { modelFromFiles } from "../../../src/check/model/index.js";
import { formatJson } from "../../../src/check/output/json.js";
import { formatSarif } from "../../../src/check/output/sarif.js";
import { formatText } from "../../../src/check/output/text.js";
import { RULES } from "../../../src/check/rules/index.js";
import { runChecks } from "../../../src/check/runner.js";
import type { Finding } from "../../../src/check/types.js";
import { REPO_ROOT } from "../cli.js";
import type { Files } from "./cases.js";

/**
 * What must hold for any repo: check does not throw and no rule fails (PA002); every finding
 * and related location points at an input file and a line inside it; the JSON output parses to
 * the documented shape and the SARIF output validates against the SARIF 2.1.0 schema.
 */

// ajv-formats is CommonJS: depending on the loader its default import is the plugin or the module.
const withFormats = ((addFormats as unknown as { default?: unknown }).default ?? addFormats) as (
  ajv: Ajv2020,
) => void;

const validateSarif = (() => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  withFormats(ajv);
  const schema = JSON.parse(
    readFileSync(join(REPO_ROOT, "test/fixtures/schemas/sarif-2.1.0.json"), "utf8"),
  ) as object;
  return ajv.compile(schema);
})();

const plain = colors({ cwd: "/", env: {}, stdout: () => {}, stderr: () => {}, isTTY: false });
/** What the public proxy would say: corp hosts are private, GitHub modules public, others unknown. */
const proxyAnswer = async (path: string) =>
  /\.(?:internal|corp)\b/.test(path) ? false : path.startsWith("github.com/") ? true : undefined;

function lineCount(text: string): number {
  return text.split(/\r?\n/).length;
}

function placeProblems(files: Files, f: { file: string; line: number }, what: string): string[] {
  const text = files[f.file];
  if (text === undefined) return [`${what} points at ${f.file}, which is not an input`];
  if (!Number.isInteger(f.line) || f.line < 1 || f.line > lineCount(text)) {
    return [`${what} points at ${f.file}:${f.line}, outside its ${lineCount(text)} lines`];
  }
  return [];
}

function jsonProblems(text: string): string[] {
  const data = JSON.parse(text) as { findings?: unknown };
  if (!Array.isArray(data.findings)) return ["JSON output has no findings list"];
  return data.findings.flatMap((f: Record<string, unknown>, i) => {
    const ok =
      typeof f.rule === "string" &&
      /^[A-Z]{2}\d{3}$/.test(f.rule) &&
      ["error", "warning", "note"].includes(f.severity as string) &&
      typeof f.file === "string" &&
      typeof f.line === "number" &&
      typeof f.message === "string";
    return ok ? [] : [`JSON finding ${i} is malformed: ${JSON.stringify(f)}`];
  });
}

/** The problems with checking these files; empty when every property holds. */
export async function checkProblems(files: Files): Promise<string[]> {
  let findings: Finding[];
  try {
    findings = await runChecks(modelFromFiles(files), {
      rules: RULES,
      isPublicModule: proxyAnswer,
    });
  } catch (err) {
    return [`check threw: ${(err as Error).stack ?? String(err)}`];
  }
  const problems: string[] = [];
  for (const f of findings) {
    if (f.rule === "PA002") problems.push(`PA002 ${f.file}:${f.line} ${f.message}`);
    problems.push(...placeProblems(files, f, `${f.rule} finding`));
    for (const r of f.related ?? []) problems.push(...placeProblems(files, r, `${f.rule} related`));
  }
  try {
    problems.push(...jsonProblems(formatJson(findings)));
    const sarif = JSON.parse(formatSarif(findings, RULES, "0.0.0-fuzz")) as unknown;
    if (!validateSarif(sarif)) {
      problems.push(`SARIF invalid: ${JSON.stringify(validateSarif.errors?.slice(0, 3))}`);
    }
    formatText(findings, plain);
  } catch (err) {
    problems.push(`output threw: ${(err as Error).stack ?? String(err)}`);
  }
  return problems;
}

/** The first problem without its details, so shrinking keeps the same failure, not any failure. */
export function problemKind(problem: string): string {
  return problem
    .replace(/(PA002 \S+ gopave rule \w+ failed).*/s, "$1")
    .replace(/:\d+.*$/s, "")
    .slice(0, 80);
}

/**
 * A smaller repo with the same first problem: drops whole files, then single lines, while the
 * problem stays; bounded so a slow case cannot stall the suite.
 */
export async function shrink(files: Files, budget = 400): Promise<Files> {
  const first = (await checkProblems(files))[0];
  if (first === undefined) return files;
  const kind = problemKind(first);
  const sameFailure = async (candidate: Files) => {
    budget--;
    const problems = await checkProblems(candidate);
    return problems.some((p) => problemKind(p) === kind);
  };
  let current = { ...files };
  for (const path of Object.keys(current)) {
    if (budget <= 0) break;
    const rest = Object.fromEntries(Object.entries(current).filter(([p]) => p !== path));
    if (await sameFailure(rest)) current = rest;
  }
  for (const path of Object.keys(current)) {
    let lines = (current[path] ?? "").split("\n");
    for (let i = lines.length - 1; i >= 0 && budget > 0; i--) {
      const fewer = [...lines.slice(0, i), ...lines.slice(i + 1)];
      if (await sameFailure({ ...current, [path]: fewer.join("\n") })) lines = fewer;
    }
    current = { ...current, [path]: lines.join("\n") };
  }
  return current;
}
