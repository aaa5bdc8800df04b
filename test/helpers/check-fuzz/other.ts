import { stringify } from "yaml";
import { jsonc } from "./devcontainer.js";
import type { Rand } from "./random.js";
import { junk, or } from "./values.js";

/** The other files check reads: VS Code launch configs, GitLab CI (with its YAML tags), golangci. */

export function generateLaunch(r: Rand): string {
  const config = () => ({
    name: r.pick(["Attach", "Launch", "dlv"]),
    type: r.pick(["go", "go", "go", "node", ""]),
    request: r.pick(["attach", "attach", "launch"]),
    ...(r.bool(0.7)
      ? { mode: r.pick(["remote", "remote", "remote", "local", "debug", "auto", "exec"]) }
      : {}),
    ...(r.bool(0.5) ? { debugAdapter: r.pick(["dlv-dap", "legacy", ""]) } : {}),
    ...(r.bool(0.5)
      ? { port: r.pick<unknown>([2345, "2345", 12345, "${input:port}"]), host: "127.0.0.1" }
      : {}),
    ...(r.bool(0.4)
      ? {
          substitutePath: or(r, () =>
            r.pick<unknown>([
              [],
              [{ from: "${workspaceFolder}", to: "example.com/app" }],
              [{ from: "/src" }],
            ]),
          ),
        }
      : {}),
    ...(r.bool(0.3)
      ? {
          program: "${workspaceFolder}/cmd/app",
          env: { GOFLAGS: "-mod=mod" },
          buildFlags: r.pick(["-trimpath", "-tags=dev", ""]),
        }
      : {}),
  });
  const doc = {
    version: "0.2.0",
    configurations: or(r, () =>
      r.times(r.between(0, 3), () => (r.bool(0.05) ? junk(r) : config())),
    ),
  };
  return jsonc(r, JSON.stringify(doc, null, 2));
}

export function generateGitlab(r: Rand): string {
  const job = () => ({
    ...(r.bool(0.5)
      ? {
          image: r.pick<unknown>([
            "golang:1.22",
            "golang:1.26.8-alpine",
            { name: "golang:1.22", entrypoint: [""] },
            "${CI_REGISTRY}/go:latest",
          ]),
        }
      : {}),
    ...(r.bool(0.3)
      ? { services: r.pick<unknown>([["postgres:17"], [{ name: "postgres:17", alias: "db" }]]) }
      : {}),
    ...(r.bool(0.4)
      ? {
          variables: r.pick<unknown>([
            { GOFLAGS: "-mod=mod", GOPROXY: { value: "off", description: "offline" } },
            { GOPATH: "$CI_PROJECT_DIR/.go" },
          ]),
        }
      : {}),
    ...(r.bool(0.2) ? { extends: r.pick<unknown>([".go", [".go", ".cache"]]) } : {}),
    script: or(r, () =>
      r.pick<unknown>([
        ["go build ./...", "go test ./..."],
        "go install github.com/x/y@latest",
        ["go env -w GOFLAGS=-mod=mod", ["nested", "list"]],
      ]),
    ),
    ...(r.bool(0.2) ? { cache: { key: "$CI_JOB_NAME", paths: [".go/pkg/mod/"] } } : {}),
  });
  const doc: Record<string, unknown> = {};
  if (r.bool(0.5)) doc.stages = ["test", "build"];
  if (r.bool(0.4))
    doc.variables = { GO_VERSION: r.pick<unknown>(["1.22", 1.22]), GOPRIVATE: "gitlab.com/acme/*" };
  if (r.bool(0.3)) doc.default = job();
  if (r.bool(0.3))
    doc.include = r.pick<unknown>([
      "ci/go.yml",
      [{ local: ".gitlab/ci/go.yml" }, { template: "Go.gitlab-ci.yml" }],
      { project: "acme/ci", file: "/go.yml" },
    ]);
  if (r.bool(0.3)) doc.image = "golang:1.22";
  for (const name of r.some([".go", "test", "build", "lint"], 3))
    doc[name] = r.bool(0.05) ? junk(r) : job();
  let text = stringify(doc);
  // GitLab's own tag: a list of [job, key] whose value is spliced in.
  if (r.bool(0.3))
    text += "reuse:\n  script:\n    - !reference [.go, script]\n    - go vet ./...\n";
  return text;
}

export function generateGolangci(r: Rand): string {
  const doc: Record<string, unknown> = {};
  if (r.bool(0.7)) doc.version = r.pick<unknown>(["2", 2, "1", "", null]);
  if (r.bool(0.5)) doc.run = { timeout: "5m", go: r.pick<unknown>(["1.22", 1.22, "1.26"]) };
  if (r.bool(0.5))
    doc.linters = r.pick<unknown>([
      { default: "standard", enable: ["gosec"] },
      { "enable-all": true, disable: ["lll"] },
      [],
    ]);
  if (r.bool(0.2)) doc.formatters = { enable: ["gofumpt"] };
  return stringify(doc);
}
