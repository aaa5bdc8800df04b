import { describe, expect, it } from "vitest";
import { DC001 } from "../src/check/rules/go/dc001-go-at-latest.js";
import { DC002 } from "../src/check/rules/go/dc002-golangci-version-leading-v.js";
import { DC003 } from "../src/check/rules/go/dc003-module-cache-not-writable.js";
import { DC004 } from "../src/check/rules/go/dc004-no-go-extension.js";
import { SH001 } from "../src/check/rules/go/sh001-go-install-unpinned.js";
import { VS001 } from "../src/check/rules/go/vs001-remote-attach-without-dlv-dap.js";
import { VS002 } from "../src/check/rules/go/vs002-remote-attach-without-substitute-path.js";
import { check, gomod, where } from "./check-rules-go-helpers.js";

const LAUNCH = ".vscode/launch.json";
const DC = ".devcontainer/devcontainer.json";
const GO_FEATURE = "ghcr.io/devcontainers/features/go:1";

/** launch.json with one configuration per argument; configuration n starts at line 3 + n. */
function launch(...configs: object[]): string {
  return `{\n  "configurations": [\n${configs.map((c) => `    ${JSON.stringify(c)}`).join(",\n")}\n  ]\n}\n`;
}
const attach = { name: "Attach", type: "go", request: "attach", mode: "remote", port: 2345 };

describe("VS001 remote attach without dlv-dap", () => {
  it("fires without debugAdapter and with the legacy adapter", async () => {
    const findings = await check(VS001, {
      [LAUNCH]: `{\n  "configurations": [\n    ${JSON.stringify(attach)},\n    {\n      "type": "go", "request": "attach", "mode": "remote",\n      "debugAdapter": "legacy"\n    }\n  ]\n}\n`,
    });
    expect(where(findings)).toEqual([`VS001 ${LAUNCH}:3`, `VS001 ${LAUNCH}:6`]);
    expect(findings[0]?.message).toContain("legacy adapter");
  });

  it("accepts dlv-dap, launch configurations and local attach", async () => {
    const findings = await check(VS001, {
      [LAUNCH]: launch(
        { ...attach, debugAdapter: "dlv-dap" },
        { type: "go", request: "launch", mode: "auto", program: "${workspaceFolder}" },
        { type: "go", request: "attach", mode: "local", processId: 1 },
      ),
    });
    expect(findings).toEqual([]);
  });
});

describe("VS002 remote attach without substitutePath under -trimpath", () => {
  const dockerfile =
    'FROM golang:1.26.8\nWORKDIR /src\nCOPY . .\nRUN go build -trimpath -gcflags="all=-N -l" -o /app .\n';

  it("fires when a Dockerfile builds with -trimpath", async () => {
    const findings = await check(VS002, {
      "go.mod": gomod("1.26.0"),
      Dockerfile: dockerfile,
      [LAUNCH]: launch({ ...attach, debugAdapter: "dlv-dap" }),
    });
    expect(where(findings)).toEqual([`VS002 ${LAUNCH}:3`]);
    expect(findings[0]?.message).toContain('map "${workspaceFolder}" to "example.com/app"');
    expect(findings[0]?.related).toEqual([{ file: "Dockerfile", line: 4, message: "-trimpath" }]);
  });

  it("ignores a -trimpath release build: the debugged binary is another build", async () => {
    const findings = await check(VS002, {
      "go.mod": gomod("1.26.0"),
      Dockerfile: "FROM golang:1.26.8\nCOPY . .\nRUN go build -trimpath -o /app .\n",
      [LAUNCH]: launch({ ...attach, debugAdapter: "dlv-dap" }),
    });
    expect(findings).toEqual([]);
  });

  it("fires when GOFLAGS carries -trimpath", async () => {
    const findings = await check(VS002, {
      "go.mod": gomod("1.26.0"),
      "scripts/env.sh": "#!/bin/sh\ngo env -w GOFLAGS=-trimpath\n",
      [LAUNCH]: launch({ ...attach, debugAdapter: "dlv-dap", substitutePath: [] }),
    });
    expect(where(findings)).toEqual([`VS002 ${LAUNCH}:3`]);
  });

  it("accepts substitutePath, and builds without -trimpath", async () => {
    const mapped = {
      ...attach,
      debugAdapter: "dlv-dap",
      substitutePath: [{ from: "${workspaceFolder}", to: "example.com/app" }],
    };
    expect(await check(VS002, { Dockerfile: dockerfile, [LAUNCH]: launch(mapped) })).toEqual([]);
    expect(
      await check(VS002, {
        Dockerfile: "FROM golang:1.26.8\nRUN go build -o /app .\n",
        [LAUNCH]: launch({ ...attach, debugAdapter: "dlv-dap" }),
      }),
    ).toEqual([]);
  });
});

describe("DC001 Go or golangci-lint at latest", () => {
  it("fires on a Go feature without versions, latest values and an untagged Go image", async () => {
    const findings = await check(DC001, {
      [DC]: `{\n  "image": "golang",\n  "features": {\n    "${GO_FEATURE}": {\n      "version": "latest"\n    }\n  }\n}\n`,
    });
    expect(where(findings)).toEqual([`DC001 ${DC}:2`, `DC001 ${DC}:4`, `DC001 ${DC}:5`]);
    expect(findings[1]?.message).toContain("golangciLintVersion is not set (default: latest)");
    expect(findings[2]?.message).toContain("@latest");
  });

  it("accepts pinned options, version none, and a tagged image", async () => {
    const findings = await check(DC001, {
      [DC]: JSON.stringify({
        image: "mcr.microsoft.com/devcontainers/go:1-1.26-bookworm",
        features: { [GO_FEATURE]: { version: "1.26.8", golangciLintVersion: "2.13.1" } },
      }),
      ".devcontainer/other/devcontainer.json": JSON.stringify({
        image: "golang:1.26.8",
        features: { [GO_FEATURE]: { version: "none", golangciLintVersion: "2.13.1" } },
      }),
    });
    expect(findings).toEqual([]);
  });
});

describe("DC002 golangciLintVersion with a leading v", () => {
  it("fires on v2.13.1", async () => {
    const findings = await check(DC002, {
      [DC]: `{\n  "features": {\n    "${GO_FEATURE}": {\n      "version": "1.26.8",\n      "golangciLintVersion": "v2.13.1"\n    }\n  }\n}\n`,
    });
    expect(where(findings)).toEqual([`DC002 ${DC}:5`]);
    expect(findings[0]?.message).toContain('write "2.13.1"');
  });

  it("accepts a bare version", async () => {
    const findings = await check(DC002, {
      [DC]: JSON.stringify({ features: { [GO_FEATURE]: { golangciLintVersion: "2.13.1" } } }),
    });
    expect(findings).toEqual([]);
  });
});

describe("DC003 non-root user and a root-owned module cache", () => {
  const devcontainer = (extra = "") =>
    `{\n  "build": { "dockerfile": "Dockerfile" },\n  "remoteUser": "vscode"${extra}\n}\n`;

  it("fires when the image build runs go as root before switching user", async () => {
    const findings = await check(DC003, {
      [DC]: devcontainer(),
      ".devcontainer/Dockerfile":
        "FROM golang:1.26.8\nRUN go install golang.org/x/tools/gopls@v0.23.0\nRUN useradd -m vscode\nUSER vscode\n",
    });
    expect(where(findings)).toEqual([`DC003 ${DC}:3`]);
    expect(findings[0]?.message).toContain("permission denied");
    expect(findings[0]?.related).toEqual([
      {
        file: ".devcontainer/Dockerfile",
        line: 2,
        message: "a go command run as root during the image build",
      },
    ]);
  });

  it("fires on a compose volume over /go/pkg/mod with nothing handing it to the user", async () => {
    const findings = await check(DC003, {
      [DC]: `{\n  "dockerComposeFile": "compose.yaml",\n  "service": "dev",\n  "workspaceFolder": "/src",\n  "containerUser": "1000"\n}\n`,
      ".devcontainer/compose.yaml":
        "services:\n  dev:\n    build:\n      context: .\n    volumes:\n      - ..:/src\n      - gomod:/go/pkg/mod\nvolumes:\n  gomod: {}\n",
      ".devcontainer/Dockerfile": "FROM golang:1.26.8-bookworm\n",
    });
    expect(where(findings)).toEqual([`DC003 ${DC}:5`]);
    expect(findings[0]?.related).toEqual([
      { file: ".devcontainer/compose.yaml", line: 7, message: "a volume on /go/pkg/mod" },
    ]);
  });

  it("accepts a chown, a cache in the user's home, the Go feature, root, and a golang image as is", async () => {
    const asRoot = "FROM golang:1.26.8\nRUN go install golang.org/x/tools/gopls@v0.23.0\n";
    const cases: Record<string, string>[] = [
      {
        [DC]: devcontainer(),
        ".devcontainer/Dockerfile": `${asRoot}RUN useradd -m vscode && chown -R vscode /go\nUSER vscode\n`,
      },
      {
        [DC]: devcontainer(',\n  "containerEnv": { "GOMODCACHE": "/home/vscode/go/pkg/mod" }'),
        ".devcontainer/Dockerfile": asRoot,
      },
      {
        [DC]: devcontainer(',\n  "postCreateCommand": "sudo chown -R vscode /go"'),
        ".devcontainer/Dockerfile": asRoot,
      },
      {
        [DC]: devcontainer(`,\n  "features": { "${GO_FEATURE}": {} }`),
        ".devcontainer/Dockerfile": asRoot,
      },
      { [DC]: devcontainer().replace("vscode", "root"), ".devcontainer/Dockerfile": asRoot },
      { [DC]: '{ "image": "golang:1.26.8", "containerUser": "1000" }' },
    ];
    for (const files of cases) expect(await check(DC003, files)).toEqual([]);
  });
});

describe("DC004 dev container without the Go extension", () => {
  it("notes a Go repo's dev container without golang.go", async () => {
    const findings = await check(DC004, {
      "go.mod": gomod("1.26.0"),
      [DC]: `{\n  "image": "golang:1.26.8",\n  "customizations": {\n    "vscode": {\n      "extensions": ["ms-azuretools.vscode-docker"]\n    }\n  }\n}\n`,
    });
    expect(where(findings)).toEqual([`DC004 ${DC}:5`]);
    expect(findings[0]?.severity).toBe("note");
  });

  it("accepts golang.go in any case or with a version, the Go feature and the Go dev container image", async () => {
    const findings = await check(DC004, {
      "go.mod": gomod("1.26.0"),
      [DC]: JSON.stringify({
        image: "golang:1.26.8",
        customizations: { vscode: { extensions: ["Golang.Go@0.50.0"] } },
      }),
      ".devcontainer/a/devcontainer.json": JSON.stringify({
        image: "debian",
        features: { [GO_FEATURE]: {} },
      }),
      ".devcontainer/b/devcontainer.json": JSON.stringify({
        image: "mcr.microsoft.com/devcontainers/go:1.26",
      }),
    });
    expect(findings).toEqual([]);
  });
});

describe("SH001 go install without a pinned version", () => {
  it("fires on @latest, a branch and no version in scripts and Makefiles", async () => {
    const findings = await check(SH001, {
      "scripts/tools.sh":
        "#!/bin/sh\nset -eu\ngo install golang.org/x/tools/gopls@latest\ngo install github.com/go-delve/delve/cmd/dlv@master\n",
      Makefile: "tools:\n\tgo install mvdan.cc/gofumpt\n",
    });
    expect(where(findings)).toEqual([
      "SH001 Makefile:2",
      "SH001 scripts/tools.sh:3",
      "SH001 scripts/tools.sh:4",
    ]);
    expect(findings[0]?.message).toContain("has no @version");
    expect(findings[1]?.message).toContain("newest release");
  });

  it("accepts pinned versions, local packages, the tool pattern and variables", async () => {
    const findings = await check(SH001, {
      "scripts/tools.sh":
        '#!/bin/sh\ngo install golang.org/x/tools/gopls@v0.23.0\ngo install ./cmd/api\ngo install tool\ngo install "$pkg@$version"\n',
    });
    expect(findings).toEqual([]);
  });
});
