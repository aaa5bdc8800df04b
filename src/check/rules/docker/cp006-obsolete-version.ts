import type { Rule, RuleFinding } from "../../types.js";
import { isRecord } from "./util/compose.js";

export const CP006: Rule = {
  id: "CP006",
  severity: "note",
  title: "obsolete top-level `version:` in a compose file",
  doc: {
    why:
      "The Compose Specification made the top-level `version` informative only: Compose " +
      "ignores it and prints a warning on every command. Keeping it suggests features are " +
      "gated on it, which they are not.",
    fix: "Delete the `version:` line.",
    example: {
      file: "compose.yaml",
      bad: 'version: "3.8"\nservices:\n  api:\n    build: .\n',
      good: "services:\n  api:\n    build: .\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const compose of model.composes) {
      if (!isRecord(compose.data) || !("version" in compose.data)) continue;
      out.push({
        file: compose.path,
        line: compose.lineOf(["version"]),
        message: "top-level `version:` is obsolete: Compose ignores it and warns; delete it",
      });
    }
    return out;
  },
};
