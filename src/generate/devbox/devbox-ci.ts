import type { Spec } from "../../spec/schema.js";
import { SPEC_FILE } from "../../spec/load.js";
import type { GeneratedFile, Generator } from "../types.js";
import { DEVBOX_DIR } from "./devbox.js";

/**
 * What CI runs on the dev box module, in devbox/: formatting, a provider install without the
 * team's state (-backend=false needs no credentials), validation, and the module's own test with
 * the provider mocked. Nothing is planned against the cloud.
 */
export const DEVBOX_CI_COMMANDS = [
  "terraform fmt -check -recursive",
  "terraform init -backend=false -input=false",
  "terraform validate",
  "terraform test",
] as const;

/** The files whose change can change the module: its own, and the spec it comes from. */
export function devboxCiPaths(): string[] {
  return [`${DEVBOX_DIR}/**`, SPEC_FILE];
}

/**
 * A workflow of its own (GitHub runs a workflow, not a job, on path filters), beside the repo's
 * CI whether gopave writes that or the repo keeps its own: neither knows the dev box.
 */
export const generateDevboxWorkflow: Generator = (ctx): GeneratedFile[] => {
  const { spec } = ctx;
  if (spec.devbox === undefined || spec.ci.provider !== "github") return [];
  const paths = devboxCiPaths();
  return [
    {
      path: ".github/workflows/devbox.yml",
      format: "yaml",
      data: {
        name: "devbox",
        on: {
          push: { branches: spec.ci.branches, paths },
          pull_request: { paths },
        },
        permissions: { contents: "read" },
        jobs: {
          terraform: {
            "runs-on": "ubuntu-latest",
            defaults: { run: { "working-directory": DEVBOX_DIR } },
            steps: [
              { uses: "actions/checkout@v5", with: { "persist-credentials": false } },
              {
                uses: "hashicorp/setup-terraform@v3",
                // No wrapper: it rewrites the commands' output and exit codes for later steps.
                with: { terraform_version: spec.devbox.terraform, terraform_wrapper: false },
              },
              ...DEVBOX_CI_COMMANDS.map((run) => ({ run })),
            ],
          },
        },
      },
    },
  ];
};

/** GitLab's job, added to the pipeline gopave writes (a kept pipeline gets nothing added). */
export function devboxGitlabJob(spec: Spec): Record<string, unknown> | undefined {
  if (spec.devbox === undefined) return undefined;
  return {
    stage: "test",
    image: { name: `hashicorp/terraform:${spec.devbox.terraform}`, entrypoint: [""] },
    cache: [],
    rules: [{ changes: devboxCiPaths() }],
    script: [`cd ${DEVBOX_DIR}`, ...DEVBOX_CI_COMMANDS],
  };
}
