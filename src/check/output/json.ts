import type { Finding, ReadFileEntry } from "../types.js";

/**
 * `{"findings":[{"rule","severity","file","line","message","related"?}], "files":[{"path","kind"}]}`:
 * an API, keys in this order. `files` lists every file the check read and what it read it as,
 * so a user can see a file that was missed (or taken for something it is not).
 */
export function formatJson(findings: readonly Finding[], files?: readonly ReadFileEntry[]): string {
  const list = findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    message: f.message,
    ...(f.related && f.related.length > 0
      ? {
          related: f.related.map((r) => ({
            file: r.file,
            line: r.line,
            ...(r.message !== undefined ? { message: r.message } : {}),
          })),
        }
      : {}),
  }));
  const out = files
    ? { findings: list, files: files.map((f) => ({ path: f.path, kind: f.kind })) }
    : { findings: list };
  return `${JSON.stringify(out, null, 2)}\n`;
}
