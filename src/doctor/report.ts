import type { Colors } from "../cli/io.js";
import { summarize } from "./audit.js";
import type { Summary } from "./audit.js";
import { redactSecrets } from "./redact.js";
import type { Check, Finding, Status } from "./types.js";

/** The public shape of a check: the fix action is internal; every string is redacted. */
export function publicCheck(f: Finding): Check {
  const out: Check = {
    id: f.id,
    status: f.status,
    title: redactSecrets(f.title),
    detail: redactSecrets(f.detail),
  };
  if (f.fix !== undefined) out.fix = redactSecrets(f.fix);
  return out;
}

export function auditJson(findings: readonly Finding[]): { checks: Check[]; summary: Summary } {
  const checks = findings.map(publicCheck);
  return { checks, summary: summarize(checks) };
}

const LABEL: Record<Status, string> = { pass: "pass", warn: "warn", fail: "FAIL" };

export function statusLabel(s: Status, c: Colors): string {
  const paint = s === "pass" ? c.green : s === "warn" ? c.yellow : c.red;
  return paint(LABEL[s]);
}

const MAX_TITLE = 32;

/** One row per check; the fix goes on the next line, under the detail, for every non-pass. */
export function auditTable(findings: readonly Finding[], c: Colors): string {
  const checks = findings.map(publicCheck);
  const width = Math.min(MAX_TITLE, Math.max(5, ...checks.map((x) => x.title.length)));
  const rows = checks.map((x) => {
    const row = `  ${statusLabel(x.status, c)}  ${x.title.padEnd(width)}  ${x.detail}\n`;
    const fix =
      x.status !== "pass" && x.fix
        ? `  ${" ".repeat(4)}  ${" ".repeat(width)}  ${c.cyan("fix:")} ${x.fix}\n`
        : "";
    return row + fix;
  });
  return rows.join("");
}

export function summaryLine(summary: Summary, c: Colors): string {
  const parts = [
    c.green(`${summary.pass} passed`),
    (summary.warn > 0 ? c.yellow : (s: string) => s)(
      `${summary.warn} warning${summary.warn === 1 ? "" : "s"}`,
    ),
    (summary.fail > 0 ? c.red : (s: string) => s)(`${summary.fail} failed`),
  ];
  return `${parts.join(", ")}\n`;
}
