import type { Finding } from "../types.js";

/** `{"findings":[{"rule","severity","file","line","message","related"?}]}`: an API, keys in this order. */
export function formatJson(findings: readonly Finding[]): string {
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
  return `${JSON.stringify({ findings: list }, null, 2)}\n`;
}
