import type { Rule, RuleFinding } from "../../types.js";
import { goFeature } from "./sources/devcontainer.js";
import { scalarString } from "./sources/values.js";

export const DC002: Rule = {
  id: "DC002",
  severity: "error",
  title: "golangciLintVersion with a leading v",
  doc: {
    why:
      "The Go feature's install script puts a `v` in front of golangciLintVersion itself before asking " +
      'golangci-lint\'s installer for that release, so `"v2.13.1"` becomes `vv2.13.1`, which does not ' +
      "exist, and the container build fails.",
    fix: 'Write the bare version: `"golangciLintVersion": "2.13.1"`.',
    example: {
      file: ".devcontainer/devcontainer.json",
      bad: '"ghcr.io/devcontainers/features/go:1": { "version": "1.26.8", "golangciLintVersion": "v2.13.1" }',
      good: '"ghcr.io/devcontainers/features/go:1": { "version": "1.26.8", "golangciLintVersion": "2.13.1" }',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const dc of model.devcontainers) {
      const f = goFeature(dc);
      const v = f && scalarString(f.options["golangciLintVersion"]);
      if (!f || v === undefined || !/^v\d/i.test(v)) continue;
      out.push({
        file: dc.path,
        line: dc.lineOf([...f.path, "golangciLintVersion"]),
        message: `golangciLintVersion "${v}" has a leading v: the feature adds one itself and asks for v${v}, which does not exist; write "${v.slice(1)}"`,
      });
    }
    return out;
  },
};
