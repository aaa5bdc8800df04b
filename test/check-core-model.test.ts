import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildModel, classifyPath, modelFromFiles } from "../src/check/model/index.js";

const GO_MOD =
  "module example.com/app\n\ngo 1.24\n\ntoolchain go1.26.8\n\nrequire (\n\tgithub.com/a/b v1.2.3\n)\n";

function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "gopave-model-"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe("classifyPath", () => {
  it.each([
    ["go.mod", "gomod"],
    ["svc/go.mod", "gomod"],
    ["go.work", "gowork"],
    ["Dockerfile", "dockerfile"],
    ["build/api.Dockerfile", "maybe-dockerfile"],
    ["Dockerfile.dev", "maybe-dockerfile"],
    ["Containerfile", "dockerfile"],
    [".devcontainer/Dockerfile", "dockerfile"],
    [".dockerignore", "dockerignore"],
    ["api.Dockerfile.dockerignore", "dockerignore"],
    [".devcontainer/devcontainer.json", "devcontainer"],
    [".devcontainer.json", "devcontainer"],
    [".devcontainer/go/devcontainer.json", "devcontainer"],
    ["compose.yaml", "compose"],
    ["deploy/docker-compose.prod.yml", "compose"],
    ["compose.override.yml", "compose"],
    [".github/workflows/ci.yml", "workflow"],
    [".gitlab-ci.yml", "gitlab"],
    [".vscode/launch.json", "launch"],
    [".golangci.yml", "golangci"],
    [".go-version", "go-version"],
    [".tool-versions", "tool-versions"],
    ["mise.toml", "mise"],
    ["scripts/setup.sh", "shell"],
    ["scripts/bootstrap", "maybe-shell"],
    ["Makefile", "makefile"],
    ["make/go.mk", "makefile"],
    ["Makefile.common", "makefile"],
    ["misc/make/tools.Makefile", "makefile"],
    ["build/rules.make", "makefile"],
    ["gopave.yaml", "spec"],
  ])("%s is %s", (path, kind) => {
    expect(classifyPath(path)).toBe(kind);
  });

  it.each([
    "README.md",
    "main.go",
    "Makefile.in",
    "Makefile.am",
    "Dockerfile.md",
    "Dockerfile.tmpl",
    "dockerfile.min.js",
  ])("%s is not read", (path) => expect(classifyPath(path)).toBeUndefined());

  it.each([".github/dependabot.yml", "sub/gopave.yaml", "x.yaml", "composer.yaml"])(
    "%s is read only if its content says what it is",
    (path) => expect(classifyPath(path)).toBe("yaml"),
  );
});

describe("modelFromFiles readers", () => {
  it("reads go.mod and go.work with positions, root module first", () => {
    const m = modelFromFiles({
      "z/go.mod": "module example.com/z\n\ngo 1.23\n",
      "go.mod": GO_MOD,
      "go.work": "go 1.24\n\nuse (\n\t.\n\t./z\n)\n",
    });
    expect(m.gomods.map((g) => g.dir)).toEqual([".", "z"]);
    const root = m.gomods[0];
    expect(root?.mod.go).toEqual({ version: "1.24", line: 3 });
    expect(root?.mod.toolchain).toEqual({ name: "go1.26.8", line: 5 });
    expect(root?.mod.requires[0]).toMatchObject({ path: "github.com/a/b", line: 8 });
    expect(root?.lines[2]).toBe("go 1.24");
    expect(m.gowork?.work.use.map((u) => [u.dir, u.line])).toEqual([
      [".", 4],
      ["./z", 5],
    ]);
  });

  it("parses Dockerfiles with dockerfile-ast", () => {
    const m = modelFromFiles({ Dockerfile: "FROM golang:1.26.8 AS build\nRUN go build ./...\n" });
    const df = m.dockerfiles[0];
    expect(df?.path).toBe("Dockerfile");
    const from = df?.ast.getFROMs()[0];
    expect(from?.getImageName()).toBe("golang");
    expect(from?.getRange().start.line).toBe(0);
    expect(df?.ast.getInstructions()[1]?.getKeyword()).toBe("RUN");
  });

  it("reads .dockerignore patterns with lines, negation and comments", () => {
    const m = modelFromFiles({ ".dockerignore": "# comment\n.git\n\n  *.md  \n!README.md\n" });
    expect(m.dockerignores[0]?.patterns).toEqual([
      { pattern: ".git", line: 2, negated: false },
      { pattern: "*.md", line: 4, negated: false },
      { pattern: "README.md", line: 5, negated: true },
    ]);
  });

  it("reads devcontainer.json as JSONC in every location, with key lines", () => {
    const text = [
      "{",
      "  // comment",
      '  "name": "x",',
      '  "features": {',
      '    "ghcr.io/devcontainers/features/go:1": { "version": "1.26.8" },',
      "  },",
      '  "forwardPorts": [8080, 2345,],',
      "}",
    ].join("\n");
    const m = modelFromFiles({
      ".devcontainer/devcontainer.json": text,
      ".devcontainer.json": "{}",
      ".devcontainer/alt/devcontainer.json": '{"name": "alt"}',
    });
    expect(m.devcontainers.map((d) => d.path)).toEqual([
      ".devcontainer.json",
      ".devcontainer/alt/devcontainer.json",
      ".devcontainer/devcontainer.json",
    ]);
    const dc = m.devcontainers[2];
    expect(dc?.data).toMatchObject({ name: "x", forwardPorts: [8080, 2345] });
    expect(dc?.lineOf(["name"])).toBe(3);
    expect(dc?.lineOf(["features", "ghcr.io/devcontainers/features/go:1", "version"])).toBe(5);
    expect(dc?.lineOf(["forwardPorts", 1])).toBe(7);
    // Absent: the nearest existing parent.
    expect(dc?.lineOf(["features", "nope", "x"])).toBe(4);
    expect(dc?.lineOf([])).toBe(1);
  });

  it("reads YAML files (compose, workflows, gitlab, golangci) with key lines", () => {
    const compose = 'services:\n  db:\n    image: postgres\n    ports:\n      - "5432:5432"\n';
    const m = modelFromFiles({
      "compose.yaml": compose,
      "docker-compose.dev.yml": "x-base: &base\n  image: redis:7\nservices:\n  r:\n    <<: *base\n",
      ".github/workflows/ci.yml":
        "on: push\njobs:\n  test:\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: '1.26'\n",
      ".gitlab-ci.yml": "image: golang:1.26\n",
      ".golangci.yml": 'version: "2"\nlinters:\n  enable: [gosec]\n',
    });
    const c = m.composes.find((f) => f.path === "compose.yaml");
    expect(c?.lineOf(["services", "db", "image"])).toBe(3);
    expect(c?.lineOf(["services", "db", "ports", 0])).toBe(5);
    expect(c?.lineOf(["services", "db", "healthcheck"])).toBe(2);
    const merged = m.composes.find((f) => f.path === "docker-compose.dev.yml");
    expect(merged?.data).toMatchObject({ services: { r: { image: "redis:7" } } });
    const wf = m.workflows[0];
    expect(wf?.lineOf(["jobs", "test", "steps", 0, "with", "go-version"])).toBe(7);
    expect(m.gitlab?.data).toEqual({ image: "golang:1.26" });
    expect(m.golangci?.lineOf(["linters", "enable", 0])).toBe(3);
  });

  it("reads .vscode/launch.json", () => {
    const m = modelFromFiles({
      ".vscode/launch.json":
        '{\n  "configurations": [\n    { "type": "go", "mode": "remote" },\n  ]\n}\n',
    });
    expect(m.launches[0]?.lineOf(["configurations", 0, "mode"])).toBe(3);
  });

  it("reads Go version pins", () => {
    const m = modelFromFiles({
      ".go-version": "\n1.26.8\n",
      ".tool-versions": "nodejs 20.19.0\ngolang 1.26.8 1.25.0\n",
      "svc/.tool-versions": "go 1.25.1\n",
      "mise.toml": '[env]\ngo = "no"\n\n[tools]\nnode = "20"\ngo = "1.26.8"\n',
      "other/mise.toml": 'tools.go = ["1.26.7", "1.25"]\n',
      "third/mise.toml": "[tools]\ngo = { version = '1.24.1' }\n",
    });
    const pins = Object.fromEntries(m.versionPins.map((p) => [p.path, [p.kind, p.go]]));
    expect(pins).toEqual({
      ".go-version": ["go-version", { version: "1.26.8", line: 2 }],
      ".tool-versions": ["tool-versions", { version: "1.26.8", line: 2 }],
      "svc/.tool-versions": ["tool-versions", { version: "1.25.1", line: 1 }],
      "mise.toml": ["mise", { version: "1.26.8", line: 6 }],
      "other/mise.toml": ["mise", { version: "1.26.7", line: 1 }],
      "third/mise.toml": ["mise", { version: "1.24.1", line: 2 }],
    });
  });

  it("extracts go env -w, go install and GO* exports from shell scripts", () => {
    const script = [
      "#!/bin/sh",
      "set -eu",
      "export GOPROXY='https://proxy.example,direct'",
      'GOFLAGS="-mod=readonly"',
      "GOOS=linux go build ./...   # scoped to one command: not an export",
      "go env -w GOPRIVATE=git.corp.example \\",
      '  GONOSUMDB="git.corp.example" GOSUMDB=off',
      "go install golang.org/x/tools/gopls@v0.20.0 && go install github.com/go-delve/delve/cmd/dlv",
      "go install ./... ; go install tool",
      "# go install commented.out/tool@v1",
      'if [ -x "$(command -v go)" ]; then go install -v -tags x honnef.co/go/tools/cmd/staticcheck@2025.1; fi',
    ].join("\n");
    const m = modelFromFiles({ "scripts/setup.sh": script });
    const s = m.scripts[0];
    expect(s?.kind).toBe("shell");
    expect(s?.exports).toEqual([
      { name: "GOPROXY", value: "https://proxy.example,direct", line: 3 },
      { name: "GOFLAGS", value: "-mod=readonly", line: 4 },
    ]);
    expect(s?.goEnvWrites).toEqual([
      { name: "GOPRIVATE", value: "git.corp.example", line: 6 },
      { name: "GONOSUMDB", value: "git.corp.example", line: 6 },
      { name: "GOSUMDB", value: "off", line: 6 },
    ]);
    expect(s?.goInstalls).toEqual([
      { target: "golang.org/x/tools/gopls", version: "v0.20.0", line: 8 },
      { target: "github.com/go-delve/delve/cmd/dlv", version: undefined, line: 8 },
      { target: "honnef.co/go/tools/cmd/staticcheck", version: "2025.1", line: 11 },
    ]);
  });

  it("skips here-documents in shell scripts", () => {
    const m = modelFromFiles({
      "setup.sh":
        "cat > x.sh <<'EOF'\ngo install a.b/c@v1\nEOF\ngo install d.e/f@v2\ngrep x <<< word\ngo install g.h/i@v3\n",
    });
    expect(m.scripts[0]?.goInstalls).toEqual([
      { target: "d.e/f", version: "v2", line: 4 },
      { target: "g.h/i", version: "v3", line: 6 },
    ]);
  });

  it("reads scripts/ files by shebang only", () => {
    const m = modelFromFiles({
      "scripts/bootstrap": "#!/usr/bin/env bash\ngo env -w GOFLAGS=-mod=mod\n",
      "scripts/gen": "#!/usr/bin/env python3\nprint('go env -w GOFLAGS=x')\n",
    });
    expect(m.scripts.map((s) => s.path)).toEqual(["scripts/bootstrap"]);
    expect(m.scripts[0]?.goEnvWrites).toEqual([{ name: "GOFLAGS", value: "-mod=mod", line: 2 }]);
  });

  it("reads Makefiles: recipes as shell, GO* variables", () => {
    const mk = [
      "export GOPROXY := https://proxy.example",
      "GOFLAGS ?= -mod=readonly # why",
      "GO ?= go",
      "tools:",
      "\t@$(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(LINT_VERSION)",
      "\t-go env -w GOPRIVATE=git.corp.example",
      "\tgo install ./cmd/...",
    ].join("\n");
    const m = modelFromFiles({ Makefile: mk });
    const s = m.scripts[0];
    expect(s?.kind).toBe("makefile");
    expect(s?.exports).toEqual([
      { name: "GOPROXY", value: "https://proxy.example", line: 1 },
      { name: "GOFLAGS", value: "-mod=readonly", line: 2 },
      { name: "GO", value: "go", line: 3 },
    ]);
    expect(s?.goInstalls).toEqual([
      {
        target: "github.com/golangci/golangci-lint/v2/cmd/golangci-lint",
        version: "$(LINT_VERSION)",
        line: 5,
      },
    ]);
    expect(s?.goEnvWrites).toEqual([{ name: "GOPRIVATE", value: "git.corp.example", line: 6 }]);
  });

  it("loads gopave.yaml, keeping a load error instead of throwing", () => {
    const ok = modelFromFiles({ "gopave.yaml": "version: 1\nname: x\ngo:\n  version: 1.26.8\n" });
    expect(ok.spec?.loaded?.spec.go.version).toBe("1.26.8");
    expect(ok.spec?.error).toBeUndefined();
    const bad = modelFromFiles({ "gopave.yaml": "version: 1\nname: x\ngo:\n  version: latest\n" });
    expect(bad.spec?.loaded).toBeUndefined();
    expect(bad.spec?.error?.message).toMatch(/go\.version/);
  });

  it("puts malformed files in `malformed` with a line and still builds the rest", () => {
    const m = modelFromFiles({
      "go.mod": "module example.com/x\n\ngo 1.24\nrequire github.com/a/b\n",
      "compose.yaml": "services:\n  db:\n   image: x\n  bad: [\n",
      ".devcontainer/devcontainer.json": '{\n  "name": "x"\n  "image": "y"\n}\n',
      ".vscode/launch.json": "",
      ".github/workflows/ci.yml": "on: push\non: pull_request\n",
      Dockerfile: "FROM golang:1.26.8\n",
    });
    expect(m.malformed.map((x) => [x.path, x.line])).toEqual([
      [".devcontainer/devcontainer.json", 3],
      [".github/workflows/ci.yml", 2],
      [".vscode/launch.json", 1],
      ["compose.yaml", 5],
      ["go.mod", 4],
    ]);
    expect(m.malformed.every((x) => x.message.length > 0)).toBe(true);
    expect(m.gomods).toEqual([]);
    expect(m.composes).toEqual([]);
    expect(m.dockerfiles).toHaveLength(1);
  });

  it("skips vendor, testdata, node_modules and dot directories", () => {
    const m = modelFromFiles({
      "vendor/x/go.mod": "module x\n",
      "a/testdata/go.mod": "module y\n",
      "node_modules/p/Dockerfile": "FROM x\n",
      ".git/Dockerfile": "FROM x\n",
      ".github/workflows/ci.yml": "on: push\n",
    });
    expect(m.gomods).toEqual([]);
    expect(m.dockerfiles).toEqual([]);
    expect(m.workflows).toHaveLength(1);
  });

  it("readFile returns any given file", () => {
    const m = modelFromFiles({ "go.sum": "x" });
    expect(m.readFile?.("go.sum")).toBe("x");
    expect(m.readFile?.("nope")).toBeUndefined();
  });
});

describe("buildModel", () => {
  it("walks the disk the same way as modelFromFiles", async () => {
    const files = {
      "go.mod": GO_MOD,
      "cmd/api/main.go": "package main\n",
      Dockerfile: "FROM golang:1.26.8\n",
      ".dockerignore": ".git\n",
      ".devcontainer/devcontainer.json": "{ // c\n}\n",
      ".github/workflows/ci.yml": "on: push\n",
      ".git/config": "[core]\n",
      ".idea/Dockerfile": "FROM x\n",
      ".gitignore": "/.idea/\n",
      "vendor/modules.txt": "",
      "vendor/x/go.mod": "module x\n",
      "scripts/setup": "#!/bin/sh\ngo env -w GOFLAGS=-mod=mod\n",
      "compose.yaml": "services: [\n",
    };
    const dir = writeTree(files);
    symlinkSync(dir, join(dir, "loop"));
    const disk = await buildModel(dir);
    const mem = modelFromFiles(files, dir);
    const shape = (m: typeof disk) => ({
      gomods: m.gomods.map((g) => g.path),
      dockerfiles: m.dockerfiles.map((d) => d.path),
      dockerignores: m.dockerignores.map((d) => d.path),
      devcontainers: m.devcontainers.map((d) => d.path),
      workflows: m.workflows.map((d) => d.path),
      scripts: m.scripts.map((d) => d.path),
      malformed: m.malformed,
    });
    expect(shape(disk)).toEqual(shape(mem));
    expect(shape(disk).dockerfiles).toEqual(["Dockerfile"]);
    expect(disk.root).toBe(dir);
    expect(disk.readFile?.("cmd/api/main.go")).toBe("package main\n");
    expect(disk.readFile?.("../etc/passwd")).toBeUndefined();
  });

  it("rejects a missing root", async () => {
    await expect(buildModel(join(tmpdir(), "gopave-does-not-exist-x"))).rejects.toThrow();
  });
});
