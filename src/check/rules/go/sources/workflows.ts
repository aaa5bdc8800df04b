import type { RepoModel, StructuredFile } from "../../../types.js";
import { isRecord, recordAt } from "./values.js";

export interface WorkflowStep {
  index: number;
  step: Record<string, unknown>;
  /** Lower-cased `owner/repo[/path]` of `uses:`, undefined for `run:` steps. */
  action: string | undefined;
  /** Major version of the action ref: `@v9`, `@v6.1.0`, or a SHA with a `# v8` comment. */
  major: number | undefined;
  with: Record<string, unknown>;
  /** Data path of the step, for `lineOf`. */
  path: (string | number)[];
  /** Line of `uses:` (or of the step when it has none). */
  line: number;
}

export interface WorkflowJob {
  file: StructuredFile;
  id: string;
  job: Record<string, unknown>;
  steps: WorkflowStep[];
  line: number;
}

/** The major an action ref names; a pinned SHA is read from the trailing comment Dependabot writes. */
export function actionMajor(ref: string, lineText: string | undefined): number | undefined {
  const tag = /^v?(\d+)(?:\.\d+){0,2}$/.exec(ref);
  if (tag?.[1]) return Number(tag[1]);
  const comment = /#\s*v?(\d+)(?:\.\d+){0,2}\b/.exec(lineText ?? "");
  return comment?.[1] ? Number(comment[1]) : undefined;
}

export function workflowJobs(model: RepoModel): WorkflowJob[] {
  const out: WorkflowJob[] = [];
  for (const file of model.workflows) {
    const jobs = recordAt(file.data, "jobs");
    for (const [id, job] of Object.entries(jobs ?? {})) {
      if (!isRecord(job)) continue;
      const raw = Array.isArray(job["steps"]) ? (job["steps"] as unknown[]) : [];
      const steps: WorkflowStep[] = [];
      raw.forEach((step, index) => {
        if (!isRecord(step)) return;
        const path = ["jobs", id, "steps", index];
        const uses = typeof step["uses"] === "string" ? step["uses"].trim() : undefined;
        const line = file.lineOf(uses !== undefined ? [...path, "uses"] : path);
        const at = uses?.lastIndexOf("@") ?? -1;
        const action = uses && at > 0 ? uses.slice(0, at).toLowerCase() : uses?.toLowerCase();
        const ref = uses && at > 0 ? uses.slice(at + 1) : "";
        steps.push({
          index,
          step,
          action,
          major: uses ? actionMajor(ref, file.lines[line - 1]) : undefined,
          with: recordAt(step, "with") ?? {},
          path,
          line,
        });
      });
      out.push({ file, id, job, steps, line: file.lineOf(["jobs", id]) });
    }
  }
  return out;
}

export const SETUP_GO = "actions/setup-go";
export const GOLANGCI_LINT_ACTION = "golangci/golangci-lint-action";
