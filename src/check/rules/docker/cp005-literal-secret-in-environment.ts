import type { Rule, RuleFinding } from "../../types.js";
import { composeServices, environmentEntries, isLiteralValue } from "./util/compose.js";
import { hasUrlPassword, isSecretName } from "./util/secrets.js";

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
    for (const compose of model.composes) {
      for (const service of composeServices(compose)) {
        for (const e of environmentEntries(service.data.environment)) {
          const secret = isSecretName(e.key) && isLiteralValue(e.value);
          const url = typeof e.value === "string" && hasUrlPassword(e.value, true);
          if (!secret && !url) continue;
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
