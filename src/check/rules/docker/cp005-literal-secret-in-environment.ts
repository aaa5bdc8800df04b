import { hasMarker } from "../../../generate/marker.js";
import type { RepoModel, Rule, RuleFinding, StructuredFile } from "../../types.js";
import { composeServices, environmentEntries } from "./util/compose.js";
import type { ComposeService, EnvEntry } from "./util/compose.js";
import { composeFileRole, serviceRole } from "./util/image-role.js";
import { isLiteralSecret, isPlaceholder } from "./util/secret-values.js";
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

/** OpenSearch and Elasticsearch with their security plugin off: the password guards nothing. */
function authDisabled(env: unknown): boolean {
  return environmentEntries(env).some(
    (e) =>
      (/^(?:plugins\.security\.disabled|DISABLE_SECURITY_PLUGIN)$/.test(e.key) &&
        String(e.value) === "true") ||
      (e.key === "xpack.security.enabled" && String(e.value) === "false"),
  );
}

/**
 * Why a literal secret is a note rather than a warning: the file or service is for tests or
 * local development (its path, profile or header comment say so), the value is a placeholder
 * someone replaces, or the service turns its own authentication off.
 */
function lowered(
  fileNote: string | undefined,
  compose: StructuredFile,
  service: ComposeService,
  value: unknown,
): string | undefined {
  const role = serviceRole(compose, service);
  if (role) return `the service only runs tests — ${role.why}`;
  if (fileNote) return fileNote;
  if (isPlaceholder(value)) return "the value is a placeholder to replace";
  if (authDisabled(service.data.environment)) {
    return "the service turns its own authentication off";
  }
  return undefined;
}

/** Why a whole compose file is not deployed, if it is not (worked out once per file). */
function fileNoteOf(model: RepoModel, compose: StructuredFile): string | undefined {
  const role = composeFileRole(model, compose);
  if (role?.role === "test") return `the service only runs tests — ${role.why}`;
  if (role) {
    return `the file is for ${role.role === "dev" ? "development" : role.role} — ${role.why}`;
  }
  const local = composeServices(compose).find(
    (s) => s.data.build !== undefined || s.data.pull_policy === "never",
  );
  if (!local) return undefined;
  return `the file runs a local stack: service ${local.name} ${local.data.build !== undefined ? "is built from the checkout" : "uses a local image (pull_policy: never)"}`;
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
      "(JWT_TOKEN_EXPIRY: 24h). A throwaway password is a note in a compose file, profile or " +
      "directory for tests or local development (test/, tools/, hack/, compose-dev.yml, a " +
      "header comment saying so, a file only test scripts bring up, a service built from the " +
      "checkout), as is a placeholder (`_admin_password_`, `<password>`, " +
      "`changeme`) and the password of a service that turns its own authentication off.",
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
      const fileNote = fileNoteOf(model, compose);
      for (const service of composeServices(compose)) {
        for (const { entry: e, secret } of secretEntries(service.data.environment)) {
          if (
            copy &&
            (secret
              ? committed.has(String(e.value))
              : urlPasswords(String(e.value)).every((p) => committed.has(p)))
          )
            continue;
          const note = lowered(fileNote, compose, service, e.value);
          out.push({
            file: compose.path,
            // The value's own line, also when a `<<: *anchor` merge brought it in.
            line: compose.lineOf(["services", service.name, "environment", ...e.path]),
            message:
              `service ${service.name} sets ${e.key} to a literal ` +
              `${secret ? "value" : "URL with a password"} (not shown); interpolate it, e.g. ` +
              `\${${e.key}}, from an untracked .env file` +
              (note ? ` (a note: ${note})` : ""),
            ...(note ? { severity: "note" as const } : {}),
          });
        }
      }
    }
    return out;
  },
};
