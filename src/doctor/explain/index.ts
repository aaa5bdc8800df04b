/**
 * `gopave doctor --explain`: read a failing go command's output and name each problem, its
 * cause and its fix. Pure functions; the CLI reads the file or stdin and prints the result.
 */

import { MATCHERS } from "./matchers.js";
import { normalizeInput } from "./normalize.js";
import { redactSecrets } from "./redact.js";
import type { Explanation } from "./types.js";

export type { Explanation } from "./types.js";
export { formatExplanations } from "./format.js";
export { redactSecrets } from "./redact.js";

/**
 * Every distinct problem found, in input order: one per problem id and module (or host, for
 * problems of a host such as a timeout or an untrusted certificate).
 */
export function explainGoError(text: string): Explanation[] {
  const input = normalizeInput(text);
  // Redact before matching, so nothing a matcher extracts can carry a secret.
  const lines = input.map((l) => redactSecrets(l.text));
  const seen = new Set<string>();
  const out: Explanation[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    for (const matcher of MATCHERS) {
      const r = matcher.match(line, { lines, index });
      if (!r) continue;
      const key = `${matcher.id}\u0000${r.dedupKey ?? r.module ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const e: Explanation = {
        id: matcher.id,
        title: r.title,
        cause: r.cause,
        fix: r.fix,
        evidence: line.trim(),
        line: input[index]?.line ?? index + 1,
      };
      if (r.module !== undefined) e.module = r.module;
      out.push(e);
    }
  });
  return out;
}
