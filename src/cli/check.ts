import { statSync } from "node:fs";
import { resolve } from "node:path";
import { buildModel, WALK_LIMITS } from "../check/model/index.js";
import { formatJson } from "../check/output/json.js";
import { formatSarif } from "../check/output/sarif.js";
import { formatText } from "../check/output/text.js";
import { createPublicModuleChecker } from "../check/public-modules.js";
import { RULES } from "../check/rules/index.js";
import { disabledBySpec, runChecks } from "../check/runner.js";
import type { Rule } from "../check/types.js";
import { didYouMean } from "../util/did-you-mean.js";
import { GopaveError } from "../util/errors.js";
import { colors, gopaveVersion } from "./io.js";
import type { CliIo, Colors } from "./io.js";

export interface CheckOptions {
  dir?: string | undefined;
  format: "text" | "json" | "sarif";
  explain?: string | undefined;
  offline?: boolean | undefined;
}

/** `gopave check`: exit 0 clean (notes only), 1 when an error or warning is found, 2 bad usage. */
export async function runCheck(opts: CheckOptions, io: CliIo): Promise<number> {
  const c = colors(io);
  if (opts.explain !== undefined) {
    io.stdout(explainRule(findRule(opts.explain), c));
    return 0;
  }
  const root = resolve(io.cwd, opts.dir ?? ".");
  if (!isDirectory(root)) {
    throw new GopaveError("USAGE", `${opts.dir ?? root}: no such directory`, {
      hint: "pass the repository root, e.g. `gopave check .`",
    });
  }
  const model = await buildModel(root);
  if (model.discovery.truncated) {
    // Files past the limit were never looked at: say so rather than pass in silence.
    io.stderr(
      `${c.yellow("gopave check:")} stopped looking for files after ${WALK_LIMITS.entries} entries or ${WALK_LIMITS.depth} directories deep; run it at the repository's root\n`,
    );
  }
  const known = new Set(RULES.map((r) => r.id));
  for (const id of disabledBySpec(model).filter((x) => !known.has(x))) {
    const guess = didYouMean(id, [...known]);
    io.stderr(
      `${c.yellow("gopave check:")} gopave.yaml check.disable names unknown rule ${id}${guess ? ` (did you mean ${guess}?)` : ""}\n`,
    );
  }
  const publicModules = createPublicModuleChecker({
    env: io.env,
    offline: opts.offline,
    cwd: root,
  });
  const findings = await runChecks(model, {
    rules: RULES,
    isPublicModule: (path, version) => publicModules.isPublicModule(path, version),
  });
  publicModules.save();

  if (opts.format === "json") io.stdout(formatJson(findings, model.files));
  else if (opts.format === "sarif") io.stdout(formatSarif(findings, RULES, gopaveVersion()));
  else io.stdout(formatText(findings, c));
  return findings.some((f) => f.severity !== "note") ? 1 : 0;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function findRule(input: string): Rule {
  const id = input.trim().toUpperCase();
  const rule = RULES.find((r) => r.id === id);
  if (rule) return rule;
  const guess = didYouMean(
    id,
    RULES.map((r) => r.id),
  );
  throw new GopaveError(
    "USAGE",
    `unknown rule "${input}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
    { hint: `rules: ${RULES.map((r) => r.id).join(", ")}` },
  );
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => (l === "" ? "" : `    ${l}`))
    .join("\n");
}

export function explainRule(rule: Rule, c: Colors): string {
  const { why, fix, example } = rule.doc;
  return [
    `${c.bold(rule.id)}  ${rule.title}`,
    `severity: ${rule.severity}`,
    "",
    c.bold("Why"),
    why,
    "",
    c.bold("Fix"),
    fix,
    "",
    c.bold(`Example (${example.file})`),
    `  ${c.red("bad:")}`,
    indent(example.bad),
    `  ${c.green("good:")}`,
    indent(example.good),
    "",
  ].join("\n");
}
