import type { Finding, Severity } from "../types.js";

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "2 errors, 1 warning, 0 notes" */
export function summaryLine(findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  return [plural(c.error, "error"), plural(c.warning, "warning"), plural(c.note, "note")].join(
    ", ",
  );
}
