import type { Rule } from "../../types.js";

/**
 * A rule that threw. The runner, not this rule, writes these findings (it is the one that sees
 * the exception); the rule is here so PA002 has a doc, a SARIF descriptor and can be disabled.
 */
export const PA002: Rule = {
  id: "PA002",
  severity: "error",
  title: "a gopave rule failed on this file",
  doc: {
    why:
      "A rule stopped with an error while it read this file: a bug in gopave, not in the repo. The other " +
      "rules still ran and their findings are complete, but the failing rule said nothing about any file, " +
      "so problems it looks for may be missed. The message names the rule, the error and where gopave " +
      "was in the file when it failed.",
    fix:
      "Report it to gopave with the message and, if you can share it, the smallest version of the file " +
      "that still fails. Until it is fixed, `check: {disable: [<rule>]}` in gopave.yaml turns the failing " +
      "rule off (and with it this finding).",
    example: {
      file: "Dockerfile",
      bad:
        "Dockerfile:3  PA002  error  gopave rule DF003 failed on Dockerfile: TypeError: copy.getFromFlag " +
        "is not a function (df003-sources-before-mod-download.js:41) — a bug in gopave, please report it\n",
      good: "gopave check: no problems found\n",
    },
  },
  check: () => [],
};
