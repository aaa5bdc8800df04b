import type { Finding, RepoModel, Rule, RuleContext, TextFile } from "./types.js";

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
 * is a bug in gopave, not in the repo: the error is rethrown naming the rule.
 */
export async function runChecks(model: RepoModel, opts: RunOptions): Promise<Finding[]> {
  const off = new Set([...(opts.disabled ?? []), ...disabledBySpec(model)]);
  const ctx: RuleContext = { model, isPublicModule: opts.isPublicModule };
  const perRule = await Promise.all(
    opts.rules
      .filter((r) => !off.has(r.id))
      .map(async (rule): Promise<Finding[]> => {
        let found;
        try {
          found = await rule.check(ctx);
        } catch (err) {
          const e = new Error(`rule ${rule.id} failed: ${(err as Error).message}`, { cause: err });
          throw e;
        }
        return found.map((f) => ({
          rule: rule.id,
          severity: f.severity ?? rule.severity,
          file: f.file,
          // Output formats need a real 1-based line; a rule's off-by-one must not break SARIF.
          line: Number.isFinite(f.line) && f.line >= 1 ? Math.floor(f.line) : 1,
          message: f.message,
          ...(f.related && f.related.length > 0 ? { related: f.related } : {}),
        }));
      }),
  );
  const lines = fileLines(model);
  const kept = perRule.flat().filter((f) => !isIgnoredInline(f, lines));
  return kept.sort(compareFindings);
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
  const add = (f: TextFile | undefined) => {
    if (f) known.set(f.path, f.lines);
  };
  [
    ...model.gomods,
    ...model.dockerfiles,
    ...model.dockerignores,
    ...model.devcontainers,
    ...model.composes,
    ...model.workflows,
    ...model.launches,
    ...model.versionPins,
    ...model.scripts,
  ].forEach(add);
  [model.gowork, model.gitlab, model.golangci, model.spec].forEach(add);
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
