import type { Rule } from "../../types.js";

export const PA001: Rule = {
  id: "PA001",
  severity: "error",
  title: "file cannot be parsed",
  doc: {
    why:
      "A file that does not parse is a file its own tool rejects: `docker compose`, the dev container CLI, " +
      "GitHub Actions or the go command stop at it, usually with less context. gopave also cannot check what " +
      "it cannot read, so every other rule is silent about this file until it parses.",
    fix:
      "Fix the syntax error at the reported line (YAML indentation, a missing comma or brace in JSON, a " +
      "malformed go.mod directive). Comments and trailing commas are fine in devcontainer.json and " +
      ".vscode/*.json (JSONC).",
    example: {
      file: "compose.yaml",
      bad: "services:\n  db:\n    image: postgres:17\n     ports: ['5432:5432']\n",
      good: "services:\n  db:\n    image: postgres:17\n    ports: ['5432:5432']\n",
    },
  },
  check: ({ model }) =>
    model.malformed.map((m) => ({ file: m.path, line: m.line, message: m.message })),
};
