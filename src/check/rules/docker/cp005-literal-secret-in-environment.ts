import { hasMarker } from "../../../generate/marker.js";
import type { Rule, RuleFinding, StructuredFile } from "../../types.js";
import { composeServices, environmentEntries, isLiteralValue } from "./util/compose.js";
import { hasUrlPassword, isSecretName, urlPasswords } from "./util/secrets.js";

/**
 * Literal secrets the repo's own compose files commit. gopave's dev container joins a kept
 * compose file and repeats its credentials; such a copy is no new exposure, and the finding
 * stays where the repo wrote the secret.
 */
function committedSecrets(composes: readonly StructuredFile[]): Set<string> {
  const out = new Set<string>();
  for (const compose of composes) {
    if (hasMarker(compose.text)) continue;
    for (const service of composeServices(compose)) {
      for (const e of environmentEntries(service.data.environment)) {
        if (isSecretName(e.key) && isLiteralValue(e.value)) out.add(String(e.value));
        if (typeof e.value === "string") for (const p of urlPasswords(e.value)) out.add(p);
      }
    }
  }
  return out;
}

export const CP005: Rule = {
  id: "CP005",
  severity: "warning",
  title: "literal password in compose `environment`",
  doc: {
    why:
      "A password written into compose.yaml is committed with it: it lands in every clone, fork " +
      "and CI log, and tends to be copied into staging and production unchanged. The same goes " +
      "for a connection URL with user:password in it.",
    fix:
      "Interpolate it from the environment or an untracked .env file: " +
      "`POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}`, and commit a .env.example " +
      "without real values. The finding never shows the value.",
    example: {
      file: "compose.yaml",
      bad: "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: hunter2\n",
      good: "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    const committed = committedSecrets(model.composes);
    for (const compose of model.composes) {
      const copy = hasMarker(compose.text);
      for (const service of composeServices(compose)) {
        for (const e of environmentEntries(service.data.environment)) {
          const secret = isSecretName(e.key) && isLiteralValue(e.value);
          const url = typeof e.value === "string" && hasUrlPassword(e.value, true);
          if (!secret && !url) continue;
          if (
            copy &&
            (secret
              ? committed.has(String(e.value))
              : urlPasswords(String(e.value)).every((p) => committed.has(p)))
          )
            continue;
          out.push({
            file: compose.path,
            line: compose.lineOf(["services", service.name, "environment", ...e.path]),
            message:
              `service ${service.name} sets ${e.key} to a literal ` +
              `${secret ? "value" : "URL with a password"} (not shown); interpolate it, e.g. ` +
              `\${${e.key}}, from an untracked .env file`,
          });
        }
      }
    }
    return out;
  },
};
