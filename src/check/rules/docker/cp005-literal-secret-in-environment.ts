import { hasMarker } from "../../../generate/marker.js";
import type { Rule, RuleFinding, StructuredFile } from "../../types.js";
import { composeServices, environmentEntries } from "./util/compose.js";
import type { EnvEntry } from "./util/compose.js";
import { serviceRole } from "./util/image-role.js";
import { isLiteralSecret } from "./util/secret-values.js";
import { hasUrlPassword, urlPasswords } from "./util/secrets.js";

/** The entries of an environment that hold a literal secret, and those with a URL password. */
function secretEntries(env: unknown): { entry: EnvEntry; secret: boolean; url: boolean }[] {
  const entries = environmentEntries(env);
  const names = entries.map((e) => e.key);
  return entries.flatMap((entry) => {
    const secret = isLiteralSecret(entry.key, entry.value, names);
    const url = typeof entry.value === "string" && hasUrlPassword(entry.value, true);
    return secret || url ? [{ entry, secret, url }] : [];
  });
}

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
      for (const { entry, secret } of secretEntries(service.data.environment)) {
        if (secret) out.add(String(entry.value));
        if (typeof entry.value === "string") for (const p of urlPasswords(entry.value)) out.add(p);
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
      "for a connection URL with user:password in it. A secret is recognised by its name " +
      "(PASSWORD, SECRET, TOKEN, API_KEY...) and by its value: durations, numbers, booleans, " +
      "paths, URLs without a password and ${VAR} references are settings, not secrets " +
      "(JWT_TOKEN_EXPIRY: 24h). In a compose file or profile that only runs tests, a throwaway " +
      "password is a note.",
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
        const test = serviceRole(compose, service);
        for (const { entry: e, secret } of secretEntries(service.data.environment)) {
          if (
            copy &&
            (secret
              ? committed.has(String(e.value))
              : urlPasswords(String(e.value)).every((p) => committed.has(p)))
          )
            continue;
          out.push({
            file: compose.path,
            // The value's own line, also when a `<<: *anchor` merge brought it in.
            line: compose.lineOf(["services", service.name, "environment", ...e.path]),
            message:
              `service ${service.name} sets ${e.key} to a literal ` +
              `${secret ? "value" : "URL with a password"} (not shown); interpolate it, e.g. ` +
              `\${${e.key}}, from an untracked .env file` +
              (test ? ` (a note: the service only runs tests — ${test.why})` : ""),
            ...(test ? { severity: "note" as const } : {}),
          });
        }
      }
    }
    return out;
  },
};
