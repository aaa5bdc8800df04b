import type { Rule, RuleFinding } from "../../types.js";
import { goImageVersion } from "./sources/go-image.js";
import { isRecord } from "./sources/values.js";
import { GOLANGCI_LINT_ACTION, SETUP_GO, workflowJobs } from "./sources/workflows.js";

export const CI004: Rule = {
  id: "CI004",
  severity: "error",
  title: "golangci-lint-action v4+ without a setup-go step before it",
  doc: {
    why:
      "Since v4 golangci-lint-action no longer installs Go; golangci-lint needs one to load packages. " +
      "Without an actions/setup-go step earlier in the job it runs with whatever Go the runner image " +
      "happens to carry — not the repo's version, and on self-hosted runners often none at all.",
    fix: "Add actions/setup-go (reading go.mod) before the lint step, in the same job.",
    example: {
      file: ".github/workflows/ci.yml",
      bad: "steps:\n  - uses: actions/checkout@v5\n  - uses: golangci/golangci-lint-action@v9",
      good: "steps:\n  - uses: actions/checkout@v5\n  - uses: actions/setup-go@v6\n    with:\n      go-version-file: go.mod\n  - uses: golangci/golangci-lint-action@v9",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const job of workflowJobs(model)) {
      // A Go image as the job container (golang:1.26.8) brings its own Go.
      const c = job.job["container"];
      const image = isRecord(c) ? c["image"] : c;
      if (typeof image === "string" && goImageVersion(image) !== undefined) continue;
      job.steps.forEach((step, i) => {
        if (step.action !== GOLANGCI_LINT_ACTION || step.major === undefined || step.major < 4)
          return;
        if (job.steps.slice(0, i).some((s) => s.action === SETUP_GO)) return;
        out.push({
          file: job.file.path,
          line: step.line,
          message: `golangci-lint-action@v${step.major} in job ${job.id} has no actions/setup-go step before it: since v4 the action does not install Go, so golangci-lint runs with whatever Go the runner has`,
        });
      });
    }
    return out;
  },
};
