import type { Related, Rule, RuleFinding } from "../../types.js";
import { isRecord, scalarString } from "./sources/values.js";
import { GOLANGCI_LINT_ACTION, workflowJobs } from "./sources/workflows.js";

/** The config format: "2" for `version: "2"`, "1" when the key is absent, else unknown. */
function configFormat(data: unknown): "1" | "2" | undefined {
  if (!isRecord(data)) return undefined;
  const v = scalarString(data["version"]);
  if (v === undefined) return "1";
  return v === "2" ? "2" : undefined;
}

export const CI003: Rule = {
  id: "CI003",
  severity: "error",
  title: "golangci-lint-action major does not fit the golangci-lint version or config",
  doc: {
    why:
      'golangci-lint v2 changed its config format (`version: "2"`) and command line. The action ' +
      "follows: v7 and later run golangci-lint v2 only (v8+ needs v2.1.0 or later), v6 and earlier " +
      "only v1. A v2 config with an older action, a v1 config (no `version` key) with v7+, or a " +
      "`version:` input from the other major fails the lint job before any code is checked.",
    fix:
      'Use golangci-lint v2 with a `version: "2"` config (`golangci-lint migrate` converts a v1 ' +
      "config) and golangci/golangci-lint-action v7 or later.",
    example: {
      file: ".github/workflows/ci.yml",
      bad: '# .golangci.yml: version: "2"\n- uses: golangci/golangci-lint-action@v6\n  with:\n    version: v2.13.1',
      good: '# .golangci.yml: version: "2"\n- uses: golangci/golangci-lint-action@v9\n  with:\n    version: v2.13.1',
    },
  },
  check({ model }) {
    const cfg = model.golangci;
    const format = cfg ? configFormat(cfg.data) : undefined;
    const cfgRelated: Related[] = cfg
      ? [
          {
            file: cfg.path,
            line: format === "2" ? cfg.lineOf(["version"]) : 1,
            message: `config format v${format ?? "?"}`,
          },
        ]
      : [];
    const out: RuleFinding[] = [];
    for (const job of workflowJobs(model)) {
      for (const step of job.steps) {
        if (step.action !== GOLANGCI_LINT_ACTION || step.major === undefined) continue;
        const major = step.major;
        const wanted = scalarString(step.with["version"]);
        const lint = wanted && /^v?(\d+)\.(\d+)/.exec(wanted);
        const lintMajor = lint ? Number(lint[1]) : undefined;
        const reasons: string[] = [];
        if (major >= 7 && lintMajor === 1) {
          reasons.push(
            `v${major} of the action runs golangci-lint v2 only, but version is ${wanted}`,
          );
        } else if (major < 7 && lintMajor === 2) {
          reasons.push(
            `v${major} of the action cannot run golangci-lint v2 (version ${wanted}); v7+ can`,
          );
        } else if (major >= 8 && lintMajor === 2 && lint && Number(lint[2]) < 1) {
          reasons.push(
            `v${major} of the action needs golangci-lint v2.1.0 or later, but version is ${wanted}`,
          );
        }
        if (cfg && format === "2" && major < 7 && lintMajor !== 2) {
          reasons.push(
            `${cfg.path} is a v2 config (version: "2"), which v${major} of the action (golangci-lint v1) cannot read; use the action v7+`,
          );
        } else if (cfg && format === "1" && major >= 7 && lintMajor !== 1) {
          reasons.push(
            `${cfg.path} is a v1 config (no version key), which golangci-lint v2 run by v${major} of the action rejects; run golangci-lint migrate`,
          );
        }
        if (reasons.length === 0) continue;
        out.push({
          file: job.file.path,
          line: step.line,
          message: `golangci-lint-action@v${major} in job ${job.id}: ${reasons.join("; ")}`,
          ...(cfgRelated.length > 0 ? { related: cfgRelated } : {}),
        });
      }
    }
    return out;
  },
};
