import { GopaveErrors } from "../../../util/errors.js";
import type { Rule, RuleFinding } from "../../types.js";

export const GP002: Rule = {
  id: "GP002",
  severity: "error",
  title: "gopave.yaml is invalid",
  doc: {
    why:
      "`gopave sync` and `gopave init` refuse a gopave.yaml that does not match its schema, so nothing is " +
      "generated from it and the drift check (GP001) cannot run. Each problem is reported at its line.",
    fix:
      "Correct the key or value named in the message; the message lists what is allowed and suggests the " +
      "closest valid key. Editors that read the `yaml-language-server` comment at the top of gopave.yaml " +
      "complete and check it as you type.",
    example: {
      file: "gopave.yaml",
      bad: "version: 1\nname: orders\ngo:\n  version: latest\n",
      good: "version: 1\nname: orders\ngo:\n  version: 1.26.8\n",
    },
  },
  check: ({ model }) => {
    const spec = model.spec;
    if (!spec?.error) return [];
    const errors = spec.error instanceof GopaveErrors ? spec.error.errors : [spec.error];
    return errors.map((e): RuleFinding => ({
      file: spec.path,
      line: e.position?.line ?? 1,
      message: e.hint ? `${e.message} (${e.hint})` : e.message,
    }));
  },
};
