import type { Colors } from "../../cli/io.js";
import type { Finding, Severity } from "../types.js";
import { summaryLine } from "./summary.js";

/**
 * Findings grouped under a header per file, each line starting `path:line` so terminals and
 * editors make it a link, then the rule id, the severity and the message.
 */
export function formatText(findings: readonly Finding[], c: Colors): string {
  const paint: Record<Severity, (s: string) => string> = {
    error: (s) => c.bold(c.red(s)),
    warning: c.yellow,
    note: c.cyan,
  };
  const out: string[] = [];
  let current: string | undefined;
  for (const f of findings) {
    if (f.file !== current) {
      if (current !== undefined) out.push("");
      out.push(c.bold(f.file));
      current = f.file;
    }
    out.push(`${f.file}:${f.line}  ${f.rule}  ${paint[f.severity](f.severity)}  ${f.message}`);
    for (const r of f.related ?? []) {
      out.push(c.dim(`    ${r.file}:${r.line}${r.message ? `  ${r.message}` : ""}`));
    }
  }
  if (out.length > 0) out.push("");
  out.push(
    findings.length === 0
      ? `${c.green("gopave check:")} no problems found`
      : `gopave check: ${summaryLine(findings)}`,
  );
  return `${out.join("\n")}\n`;
}
