import type { Finding, Rule, Severity } from "../types.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI = "https://gopave.dev";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  note: "note",
};

/** Repo-relative POSIX path as a relative URI reference (spaces and the like percent-encoded). */
function uri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function location(file: string, line: number, message?: string) {
  return {
    physicalLocation: {
      artifactLocation: { uri: uri(file), uriBaseId: "%SRCROOT%" },
      region: { startLine: Math.max(1, line) },
    },
    ...(message ? { message: { text: message } } : {}),
  };
}

function ruleDescriptor(rule: Rule) {
  const { why, fix, example } = rule.doc;
  const fence = "```";
  return {
    id: rule.id,
    name: rule.title
      .replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ""))
      .replace(/^./, (ch) => ch.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: why },
    help: {
      text: `${why}\n\nFix: ${fix}\n\nExample (${example.file}):\nBad:\n${example.bad}\nGood:\n${example.good}`,
      markdown:
        `${why}\n\n**Fix:** ${fix}\n\n**Bad** (\`${example.file}\`):\n\n${fence}\n${example.bad.trimEnd()}\n${fence}\n\n` +
        `**Good:**\n\n${fence}\n${example.good.trimEnd()}\n${fence}\n`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
  };
}

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: one run, every rule described once (results
 * point at it by ruleIndex), locations relative to %SRCROOT% (the checkout).
 */
export function formatSarif(
  findings: readonly Finding[],
  rules: readonly Rule[],
  version: string,
): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "gopave",
            informationUri: INFORMATION_URI,
            version,
            semanticVersion: version,
            rules: rules.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "the repository root" } } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [location(f.file, f.line)],
          ...(f.related && f.related.length > 0
            ? {
                relatedLocations: f.related.map((r, i) => ({
                  id: i + 1,
                  ...location(r.file, r.line, r.message),
                })),
              }
            : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
