import type { RepoModel, Rule, RuleFinding } from "../../types.js";
import { gitlabJobs } from "./sources/gitlab.js";
import { moduleSettingSources } from "./sources/module-settings.js";
import { workflowJobs } from "./sources/workflows.js";

/** `-mod=mod` on a go command that builds or checks the module (not `go run pkg@version`). */
const MOD_MOD_COMMAND =
  /\bgo\s+(?:build|test|vet|install|list|run|generate)\b(?![^\n;&|]*@)[^\n;&|]*\s-mod[= ]mod\b/;
/** A check that fails when go.mod or go.sum changed: the job notices what -mod=mod rewrote. */
const DIFF_CHECK =
  /\bgo\s+mod\s+tidy\b[^\n]*-diff\b|\bgit\s+diff\b[^\n]*--exit-code|\bgit\s+diff\s+--quiet|\bgit\s+status\s+--porcelain/;

const runText = (v: unknown): string =>
  typeof v === "string"
    ? v
    : Array.isArray(v)
      ? v.filter((x) => typeof x === "string").join("\n")
      : "";

export const CI006: Rule = {
  id: "CI006",
  severity: "warning",
  title: "`-mod=mod` in CI hides an out-of-date go.mod or go.sum",
  doc: {
    why:
      "By default (since Go 1.16) the go command runs with -mod=readonly: a build whose go.mod " +
      'needs an update stops ("updates to go.mod needed", "missing go.sum entry"). -mod=mod ' +
      "tells it to update go.mod and go.sum as needed instead (go.dev/ref/mod, build commands), " +
      "so in CI a pull request that forgot `go mod tidy` passes — the runner quietly fixes its " +
      "own copy — and the next person to build it locally, or the release build, fails. It also " +
      "ignores vendor/. A job that checks `git diff --exit-code` (or `go mod tidy -diff`) " +
      "afterwards still catches it and is not reported.",
    fix:
      "Drop -mod=mod from GOFLAGS and the go commands in CI, and add a step that fails on an " +
      "untidy module: `go mod tidy -diff` (Go 1.23+) or `go mod tidy && git diff --exit-code go.mod go.sum`.",
    example: {
      file: ".github/workflows/ci.yml",
      bad: "env:\n  GOFLAGS: -mod=mod\n",
      good: "steps:\n  - run: go mod tidy -diff\n  - run: go test ./...\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    const checked = checkedJobs(model);
    for (const s of moduleSettingSources(model)) {
      if (s.name !== "GOFLAGS" || !/(^|\s)-mod=mod(\s|$)/.test(s.value)) continue;
      const ci = model.workflows.some((w) => w.path === s.file) || model.gitlab?.path === s.file;
      if (!ci || jobsReached(model, s.file, s.where).every((j) => checked.has(j))) continue;
      out.push(finding(s.file, s.line, `GOFLAGS=${s.value} (${s.where})`));
    }
    for (const job of workflowJobs(model)) {
      if (checked.has(`${job.file.path}#${job.id}`)) continue;
      for (const step of job.steps) {
        const text = runText(step.step["run"]);
        if (!MOD_MOD_COMMAND.test(text)) continue;
        out.push(
          finding(
            job.file.path,
            job.file.lineOf([...step.path, "run"]),
            `job ${job.id} runs go with -mod=mod`,
          ),
        );
      }
    }
    const gitlab = model.gitlab;
    if (gitlab) {
      for (const { name, job, path } of gitlabJobs(gitlab)) {
        if (checked.has(`${gitlab.path}#${name}`)) continue;
        for (const key of ["before_script", "script"]) {
          if (!MOD_MOD_COMMAND.test(runText(job[key]))) continue;
          out.push(
            finding(
              gitlab.path,
              gitlab.lineOf([...path, key]),
              `job ${name} runs go with -mod=mod`,
            ),
          );
        }
      }
    }
    return out;
  },
};

function finding(file: string, line: number, what: string): RuleFinding {
  return {
    file,
    line,
    message:
      `${what}: the go command then updates go.mod and go.sum instead of failing on them, so a ` +
      "change that forgot `go mod tidy` passes CI; drop -mod=mod and check with `go mod tidy -diff`",
  };
}

/** `file#job` of every CI job that fails on a changed go.mod or go.sum. */
function checkedJobs(model: RepoModel): Set<string> {
  const out = new Set<string>();
  for (const job of workflowJobs(model)) {
    if (job.steps.some((s) => DIFF_CHECK.test(runText(s.step["run"])))) {
      out.add(`${job.file.path}#${job.id}`);
    }
  }
  const gitlab = model.gitlab;
  for (const { name, job } of gitlab ? gitlabJobs(gitlab) : []) {
    if (DIFF_CHECK.test(runText(job["script"]))) out.add(`${gitlab?.path}#${name}`);
  }
  return out;
}

/** The jobs a setting reaches: its own job, or every job of the file for a file-wide one. */
function jobsReached(model: RepoModel, file: string, where: string): string[] {
  const own = /^job (\S+)/.exec(where)?.[1];
  if (own !== undefined) return [`${file}#${own}`];
  const wf = workflowJobs(model).filter((j) => j.file.path === file);
  if (wf.length > 0) return wf.map((j) => `${file}#${j.id}`);
  const gitlab = model.gitlab;
  return gitlab?.path === file ? gitlabJobs(gitlab).map((j) => `${file}#${j.name}`) : [];
}
