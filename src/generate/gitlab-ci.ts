import { builderImage, withDigest } from "../spec/images.js";
import { dependencyFiles, golangciLintVersion, packagePatterns } from "./github-workflow.js";
import { driftCheck } from "./drift-check.js";
import { ciTagSets, tagsFlags } from "./app-build-flags.js";
import { moduleEnv } from "./module-env.js";
import { wasmLegs } from "./wasm-ci.js";
import { devboxGitlabJob } from "./devbox/devbox-ci.js";
import { WASM_OUT_DIR } from "../spec/wasm.js";
import type { GeneratedFile, Generator } from "./types.js";

/**
 * GitHub-style branch globs as a GitLab rule: `*` stays within a path segment, `**` does not.
 * Every "/" is escaped, even in a class: GitLab ends the regex literal at the first bare one.
 */
function branchRule(branch: string): string {
  if (!branch.includes("*")) return `$CI_COMMIT_BRANCH == "${branch}"`;
  const re = branch
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
        .join("[^\\/]*"),
    )
    .join(".*");
  return `$CI_COMMIT_BRANCH =~ /^${re}$/`;
}

export const generateGitlabCi: Generator = (ctx): GeneratedFile[] => {
  const { spec, repo } = ctx;
  // GitLab reads one pipeline file: a kept one is the repo's, and gopave adds nothing to it.
  if (spec.ci.provider !== "gitlab" || spec.keep.ci !== undefined) return [];
  const patterns = packagePatterns(repo).join(" ");
  const lintVersion = golangciLintVersion(ctx);
  const lintPackage = ctx.tools.find((t) => t.name === "golangci-lint")?.package;
  const jobs: Record<string, unknown> = {};
  if (lintVersion !== undefined && lintPackage !== undefined) {
    // Built with the pinned Go rather than taken from the golangci-lint image, whose Go differs.
    jobs["lint"] = {
      stage: "lint",
      script: [`go run ${lintPackage}@${lintVersion} run ${patterns}`],
    };
  }
  // Vet, test and build once per tag set the apps build with (see ciTagSets).
  const flagSets = ciTagSets(spec).map((tags) =>
    tagsFlags(tags)
      .map((f) => `${f} `)
      .join(""),
  );
  jobs["test"] = {
    stage: "test",
    script: flagSets.flatMap((f) => [`go vet ${f}${patterns}`, `go test -race ${f}${patterns}`]),
  };
  for (const leg of wasmLegs(ctx)) {
    jobs[leg.job] = {
      stage: "test",
      script: [
        // The builder image has no Node; Debian's is enough for the toolchain's wasm_exec_node.js.
        ...(leg.target === "js"
          ? ["apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs"]
          : []),
        // Before GOOS is exported: the runtime runs on the runner, not in wasm.
        ...(leg.install ? [leg.install] : []),
        `export ${Object.entries(leg.env)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")}`,
        leg.vet,
        leg.test,
        ...leg.build,
      ],
      artifacts: { paths: [`${WASM_OUT_DIR}/${leg.target}/`] },
    };
  }
  const devbox = devboxGitlabJob(spec);
  if (devbox !== undefined) jobs["devbox"] = devbox;
  jobs["build"] = { stage: "build", script: flagSets.map((f) => `go build ${f}${patterns}`) };
  jobs["drift"] = {
    stage: "drift",
    image: "node:22",
    // No Go here: the drift check only reads files.
    cache: [],
    script: driftCheck(ctx).commands,
  };
  return [
    {
      path: ".gitlab-ci.yml",
      format: "yaml",
      data: {
        workflow: {
          rules: [
            { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
            ...spec.ci.branches.map((b) => ({ if: branchRule(b) })),
          ],
        },
        // The Docker build's builder image: CI compiles with exactly the same Go.
        image: withDigest(
          builderImage(spec.go.version, spec.image.builder),
          spec.image.digests.builder,
        ),
        stages: [...(jobs["lint"] ? ["lint"] : []), "test", "build", "drift"],
        variables: {
          ...Object.fromEntries(moduleEnv(spec)),
          // Caches can only hold paths inside the project directory.
          GOPATH: "$CI_PROJECT_DIR/.go",
          GOMODCACHE: "$CI_PROJECT_DIR/.go/pkg/mod",
          GOCACHE: "$CI_PROJECT_DIR/.go/cache",
        },
        cache: {
          // GitLab takes at most two files for a cache key.
          key: { files: dependencyFiles(repo).slice(0, 2) },
          paths: [".go/pkg/mod", ".go/cache"],
        },
        ...jobs,
      },
    },
  ];
};
