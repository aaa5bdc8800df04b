import { ruleFailure } from "./failure/finding.js";
import { modelFiles } from "./model-files.js";
import { PA002 } from "./rules/core/pa002-rule-failed.js";
import type {
  Finding,
  Related,
  RepoModel,
  Rule,
  RuleContext,
  RuleFinding,
  Severity,
} from "./types.js";

export interface RunOptions {
  rules: readonly Rule[];
  /** Rule ids to skip, on top of gopave.yaml's `check.disable`. */
  disabled?: readonly string[];
  isPublicModule: RuleContext["isPublicModule"];
}

/** Rule ids listed in gopave.yaml `check.disable` (none when the spec is absent or invalid). */
export function disabledBySpec(model: RepoModel): string[] {
  return model.spec?.loaded?.spec.check.disable ?? [];
}

/**
 * Runs every enabled rule and returns the findings sorted by file, line, rule. A rule that throws
 * (or returns something that is not a list of findings) is a bug in gopave, not in the repo: it
 * becomes one PA002 finding where the rule was when it failed, and every other rule still runs.
 */
export async function runChecks(model: RepoModel, opts: RunOptions): Promise<Finding[]> {
  const off = new Set([...(opts.disabled ?? []), ...disabledBySpec(model)]);
  const ctx: RuleContext = { model, isPublicModule: opts.isPublicModule };
  const perRule = await Promise.all(
    opts.rules
      .filter((r) => !off.has(r.id))
      .map(async (rule): Promise<Finding[]> => {
        try {
          return normalize(rule, await rule.check(ctx));
        } catch (err) {
          if (off.has(PA002.id)) return [];
          return [await ruleFailure(rule, err, ctx)];
        }
      }),
  );
  const lines = fileLines(model);
  const kept = perRule.flat().filter((f) => !isIgnoredInline(f, lines));
  return kept.sort(compareFindings);
}

const SEVERITIES = new Set<unknown>(["error", "warning", "note"]);

/** Adds rule id and severity; a finding without a file or message is the rule's bug (throws). */
function normalize(rule: Rule, found: unknown): Finding[] {
  if (!Array.isArray(found))
    throw new TypeError(`returned ${typeof found}, not a list of findings`);
  return found.map((f: Partial<RuleFinding> | null | undefined): Finding => {
    if (typeof f?.file !== "string" || f.file === "" || typeof f.message !== "string") {
      throw new TypeError(`returned a finding without a file or message: ${JSON.stringify(f)}`);
    }
    return {
      rule: rule.id,
      severity: SEVERITIES.has(f.severity) ? (f.severity as Severity) : rule.severity,
      file: f.file,
      line: oneBased(f.line),
      message: f.message,
      ...(Array.isArray(f.related) && f.related.length > 0
        ? { related: f.related.map(relatedSpot) }
        : {}),
    };
  });
}

function relatedSpot(r: Partial<Related> | null | undefined): Related {
  if (typeof r?.file !== "string" || r.file === "") {
    throw new TypeError(`returned a related location without a file: ${JSON.stringify(r)}`);
  }
  return {
    file: r.file,
    line: oneBased(r.line),
    ...(typeof r.message === "string" ? { message: r.message } : {}),
  };
}

/** Output formats need a real 1-based line; a rule's off-by-one must not break SARIF. */
function oneBased(line: unknown): number {
  return typeof line === "number" && Number.isFinite(line) && line >= 1 ? Math.floor(line) : 1;
}

export function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.file, b.file) || a.line - b.line || cmp(a.rule, b.rule) || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lines of every file the model read, falling back to `readFile` for the rest (e.g. drift). */
function fileLines(model: RepoModel): (path: string) => readonly string[] | undefined {
  const known = new Map<string, readonly string[]>();
  for (const f of modelFiles(model)) known.set(f.path, f.lines);
  return (path) => {
    if (!known.has(path)) {
      const text = model.readFile?.(path);
      known.set(path, text === undefined ? [] : text.split(/\r?\n/));
    }
    return known.get(path);
  };
}

/**
 * `# gopave:ignore ID[,ID]` or `// gopave:ignore ID`: at the end of the finding's line, or alone on
 * the line above it.
 */
const IGNORE_RE = /(?:#|\/\/)\s*gopave:ignore\s+([A-Za-z]{2}\d{3}(?:\s*,\s*[A-Za-z]{2}\d{3})*)/g;

function isIgnoredInline(f: Finding, lines: (path: string) => readonly string[] | undefined) {
  const text = lines(f.file);
  if (!text) return false;
  for (const n of [f.line, f.line - 1]) {
    const line = text[n - 1];
    if (line === undefined || !line.includes("gopave:ignore")) continue;
    // A comment after code covers that line only; on a line of its own, it covers the next one.
    if (n !== f.line && !/^\s*(?:#|\/\/)/.test(line)) continue;
    for (const m of line.matchAll(IGNORE_RE)) {
      const ids = (m[1] ?? "").split(",").map((s) => s.trim().toUpperCase());
      if (ids.includes(f.rule)) return true;
    }
  }
  return false;
}
