import type { Rand } from "./random.js";
import { expr, junk, or } from "./values.js";

/**
 * devcontainer.json in the shapes devContainer.base.schema.json allows (image, build or the legacy
 * dockerFile, dockerComposeFile as string or list, features with options), written as JSONC with
 * comments and trailing commas.
 */
export function generateDevcontainer(r: Rand): string {
  const d: Record<string, unknown> = { name: "dev" };
  r.oneOf<unknown>([
    [
      3,
      () =>
        void (d.image = or(r, () =>
          r.pick([
            "mcr.microsoft.com/devcontainers/go:1-1.22-bookworm",
            "golang:1.26.8",
            "mcr.microsoft.com/devcontainers/base:ubuntu",
            "golang",
          ]),
        )),
    ],
    [
      2,
      () =>
        void (d.build = or(r, () => ({
          dockerfile: r.pick(["Dockerfile", "../Dockerfile"]),
          ...(r.bool() ? { context: ".." } : {}),
          ...(r.bool(0.3) ? { args: { GO_VERSION: "1.22" }, target: "dev" } : {}),
        }))),
    ],
    [1, () => void (d.dockerFile = "Dockerfile")],
    [
      2,
      () => {
        d.dockerComposeFile = or(r, () =>
          r.pick<unknown>([
            "../compose.yaml",
            ["../compose.yaml", "compose.extend.yml"],
            "docker-compose.yml",
          ]),
        );
        d.service = r.pick<unknown>(["app", "dev", 1]);
        if (r.bool()) d.runServices = ["db"];
        d.workspaceFolder = "/workspaces/x";
      },
    ],
    [1, () => undefined],
  ]);
  if (r.bool(0.6)) {
    d.features = or(r, () =>
      Object.fromEntries(
        r.some(
          [
            [
              "ghcr.io/devcontainers/features/go:1",
              r.pick<unknown>([
                {},
                { version: "1.22" },
                { version: "latest", golangciLintVersion: "v1.64.8" },
                { version: 1.22 },
                "1.22",
                null,
              ]),
            ],
            ["ghcr.io/devcontainers/features/docker-in-docker:2", {}],
            ["ghcr.io/devcontainers/features/common-utils", { username: "vscode" }],
            ["./local-feature", true],
          ] as [string, unknown][],
          3,
        ),
      ),
    );
  }
  if (r.bool(0.4))
    d.containerEnv = {
      GOFLAGS: r.pick<unknown>(["-mod=mod", null, "${localEnv:GOFLAGS}"]),
      GOPATH: "/go",
    };
  if (r.bool(0.2))
    d.remoteEnv = {
      GOPROXY: r.pick<unknown>(["direct", "off", null]),
      PATH: "${containerEnv:PATH}:/go/bin",
    };
  if (r.bool(0.3)) d.remoteUser = r.pick<unknown>(["vscode", "root", ""]);
  if (r.bool(0.2))
    d.mounts = r.pick<unknown>([
      ["source=gomod,target=/go/pkg/mod,type=volume"],
      [{ source: "gomod", target: "/go/pkg/mod", type: "volume" }],
      ["type=bind,source=${localEnv:HOME}/.ssh,target=/home/vscode/.ssh"],
    ]);
  if (r.bool(0.3)) d.forwardPorts = r.pick<unknown>([[8080, "db:5432"], [2345], []]);
  if (r.bool(0.3))
    d.postCreateCommand = r.pick<unknown>([
      "go mod download",
      ["go", "install", "golang.org/x/tools/gopls@latest"],
      {
        tools: "go install github.com/go-delve/delve/cmd/dlv@latest",
        deps: ["go", "mod", "download"],
      },
    ]);
  if (r.bool(0.3))
    d.customizations = {
      vscode: {
        extensions: r.pick<unknown>([["golang.go"], ["golang.Go"], [], "golang.go"]),
        settings: { "go.toolsManagement.checkForUpdates": "local", "go.gopath": "/go" },
      },
    };
  if (r.bool(0.05)) d.x = junk(r);
  if (r.bool(0.05)) d.image = expr(r);
  return jsonc(r, JSON.stringify(d, null, 2));
}

/** Comments and trailing commas, which VS Code and the dev container CLI accept. */
export function jsonc(r: Rand, json: string): string {
  const lines = json.split("\n");
  const out: string[] = [];
  lines.forEach((line, i) => {
    const next = lines[i + 1]?.trim() ?? "";
    let l = line;
    if (/[^,{[]$/.test(l) && /^[}\]]/.test(next) && r.bool(0.3)) l += ",";
    if (r.bool(0.05)) out.push("  // a comment");
    if (r.bool(0.03)) l += " /* inline */";
    out.push(l);
  });
  return out.join("\n");
}
