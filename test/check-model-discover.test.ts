import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildModel, modelFromFiles } from "../src/check/model/index.js";
import { DF010 } from "../src/check/rules/docker/df010-dockerignore-git.js";
import { diskTree, memoryTree, walkTree } from "../src/check/model/walk.js";
import type { RepoModel } from "../src/check/types.js";
import { DISCOVER_BUILDS, DISCOVER_FILES, DISCOVER_REPO } from "./check-model-discover-fixture.js";
import { gopave } from "./helpers/cli.js";

function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "gopave-discover-"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

/** git with no user or system config, so a developer's global excludes change nothing. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
}

const builds = (m: RepoModel) =>
  m.builds.map(
    (b) =>
      `${b.dockerfile} <- ${b.context ?? "(staging)"} [${b.dockerignore ?? "-"}] (${b.source.kind} ${b.source.file}:${b.source.line})${b.target ? ` target ${b.target}` : ""}`,
  );

describe("discovery reads every environment file, wherever and however named", () => {
  it("in memory: exactly these files, each as what it is", () => {
    const m = modelFromFiles(DISCOVER_REPO);
    expect(m.files).toEqual(DISCOVER_FILES);
    expect(m.malformed).toEqual([]);
  });

  it("on disk without git: the walk applies .gitignore and skips vendor/, node_modules/, testdata/", async () => {
    const m = await buildModel(writeTree(DISCOVER_REPO));
    expect(m.discovery).toEqual({ method: "walk", truncated: false });
    expect(m.files).toEqual(DISCOVER_FILES);
  });

  it("in a git work tree: git lists the files, and a tracked file is read even if ignored", async () => {
    const dir = writeTree(DISCOVER_REPO);
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "x");
    const m = await buildModel(dir);
    expect(m.discovery.method).toBe("git");
    expect(m.files).toEqual(DISCOVER_FILES);
    // `git add -f` makes an ignored file the repo's: git no longer ignores it, nor does check.
    git(dir, "add", "-f", "build/Dockerfile");
    const tracked = await buildModel(dir);
    expect(tracked.files.filter((f) => !DISCOVER_FILES.some((d) => d.path === f.path))).toEqual([
      { path: "build/Dockerfile", kind: "dockerfile" },
    ]);
  });

  it("reads what .gitlab-ci.yml includes locally, nested includes too, in GitLab's order", () => {
    const m = modelFromFiles(DISCOVER_REPO);
    expect(m.gitlab?.path).toBe(".gitlab-ci.yml");
    expect(m.gitlabIncludes.map((f) => f.path)).toEqual([
      ".gitlab/ci/build.yml",
      ".gitlab/ci/nested/deploy.yaml",
      "ci/lint.yml",
    ]);
  });

  it("reads compose files by content (overrides of services defined beside them too), and Helm values, CI services and manifests not as compose", () => {
    const m = modelFromFiles(DISCOVER_REPO);
    expect(m.composes.map((c) => c.path)).toEqual([
      "compose.yaml",
      "deploy/stack.yaml",
      "keep.local.yml",
      "quickstart-debug.yml",
      "quickstart.yml",
    ]);
  });

  it("reads the golangci-lint config of each directory that has one, in its lookup order, root first", () => {
    const m = modelFromFiles({
      ".golangci.yaml": "version: '2'\n",
      ".golangci.yml": "version: '2'\n",
      "backend/.golangci.yml": "linters: {}\n",
      "backend/.golangci.bck.yml": "linters: {}\n",
    });
    expect(m.golangci?.path).toBe(".golangci.yml");
    expect(m.golangciConfigs.map((f) => f.path)).toEqual([
      ".golangci.yml",
      "backend/.golangci.yml",
    ]);
  });

  it("reads GoReleaser's builds (Go version, flags, env) and images", () => {
    const [cfg] = modelFromFiles(DISCOVER_REPO).goreleasers;
    expect(cfg?.version).toBe(2);
    expect(cfg?.env).toEqual([{ name: "GOPROXY", value: "https://proxy.golang.org", line: 3 }]);
    expect(cfg?.builds).toEqual([
      {
        index: 0,
        line: 5,
        id: "app",
        builder: "go",
        skip: false,
        main: "./cmd/app",
        dir: ".",
        binary: undefined,
        goBinary: { value: "go1.24.2", key: "tool", line: 7 },
        flags: ["-trimpath", "-tags=netgo"],
        ldflags: ["-s -w"],
        tags: ["netgo"],
        env: [{ name: "CGO_ENABLED", value: "0", line: 10 }],
        goos: [],
        goarch: [],
      },
    ]);
    expect(cfg?.dockers).toEqual([
      {
        section: "dockers",
        index: 0,
        line: 12,
        dockerfile: "services/api/Dockerfile",
        images: ["example/api:{{ .Version }}"],
        buildFlags: [],
        extraFiles: ["config.yml"],
        ids: [],
      },
      {
        section: "dockers_v2",
        index: 0,
        line: 16,
        dockerfile: "goreleaser.Dockerfile",
        images: ["example/app:{{ .Version }}"],
        buildFlags: [],
        extraFiles: [],
        ids: [],
      },
    ]);
  });

  it("takes gobinary (older GoReleaser) and the default build when there is no builds list", () => {
    const m = modelFromFiles({
      ".goreleaser.yml": "builds:\n  - main: ./cmd/x\n    gobinary: go1.21.5\n",
      "release/goreleaser.yml": "project_name: x\n",
      "notes/goreleaser.yml": "title: not a config\n",
    });
    expect(m.files).toEqual([
      { path: ".goreleaser.yml", kind: "goreleaser" },
      { path: "release/goreleaser.yml", kind: "goreleaser" },
    ]);
    expect(m.goreleasers[0]?.builds[0]?.goBinary).toEqual({
      value: "go1.21.5",
      key: "gobinary",
      line: 3,
    });
    expect(m.goreleasers[1]?.builds.map((b) => [b.main, b.line])).toEqual([[".", 1]]);
  });
});

describe("which Dockerfile goes with which context and .dockerignore", () => {
  it("from compose, the dev container, workflows, GitLab, Makefile, scripts and GoReleaser", () => {
    expect(builds(modelFromFiles(DISCOVER_REPO))).toEqual(DISCOVER_BUILDS);
  });

  it("names every Dockerfile a path with variables matches, binding the context to the same value", () => {
    const df = "FROM scratch\n";
    const m = modelFromFiles({
      "cmd/api/Dockerfile": df,
      "cmd/worker/Dockerfile": df,
      "cmd/worker/Dockerfile_debug": df,
      Makefile: [
        "DEBUG_FILE := Dockerfile_debug",
        "image:",
        "\tdocker build -t x --build-arg=TARGETARCH=$(GOARCH) -f ./cmd/$(COMPONENT)/Dockerfile .",
        "debug:",
        "\tdocker build -f cmd/$(COMPONENT)/$(DEBUG_FILE) cmd/$(COMPONENT)",
        "any:",
        "\tdocker build -f $(DOCKERFILE) .",
        "",
      ].join("\n"),
      ".github/workflows/images.yml": [
        "on: push",
        "jobs:",
        "  images:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        '      - run: docker build -f "cmd/${{ matrix.component }}/Dockerfile" .',
        "",
      ].join("\n"),
    });
    expect(builds(m)).toEqual([
      "cmd/api/Dockerfile <- . [-] (workflow .github/workflows/images.yml:6)",
      "cmd/api/Dockerfile <- . [-] (makefile Makefile:3)",
      "cmd/worker/Dockerfile <- . [-] (workflow .github/workflows/images.yml:6)",
      "cmd/worker/Dockerfile <- . [-] (makefile Makefile:3)",
      "cmd/worker/Dockerfile_debug <- cmd/worker [-] (makefile Makefile:5)",
    ]);
  });

  it("follows a job's checkout path and working-directory, and make variables set in ifeq blocks", () => {
    const m = modelFromFiles({
      "cmd/loki/Dockerfile": "FROM scratch\n",
      "tools/Dockerfile": "FROM scratch\n",
      ".dockerignore": ".git\n",
      ".github/workflows/release.yml": [
        "on: push",
        "jobs:",
        "  image:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "        with: { path: lib, repository: grafana/loki-release }",
        "      - uses: actions/checkout@v4",
        "        with: { path: release }",
        "      - uses: docker/build-push-action@v6",
        "        with:",
        "          context: release",
        "          file: release/cmd/loki/Dockerfile",
        "      - run: docker build -f tools/Dockerfile .",
        "        working-directory: release",
        "",
      ].join("\n"),
      Makefile: [
        "ifeq ($(CI),true)",
        "\tOCI_BUILD := DOCKER_BUILDKIT=1 docker buildx build $(OCI_PLATFORMS)",
        "else",
        "\tOCI_BUILD := docker build",
        "endif",
        "loki-image:",
        "\t$(OCI_BUILD) -t $(IMAGE) -f cmd/loki/Dockerfile .",
        "",
      ].join("\n"),
    });
    expect(builds(m)).toEqual([
      "cmd/loki/Dockerfile <- . [.dockerignore] (workflow .github/workflows/release.yml:10)",
      "cmd/loki/Dockerfile <- . [.dockerignore] (makefile Makefile:7)",
      "tools/Dockerfile <- . [.dockerignore] (workflow .github/workflows/release.yml:14)",
    ]);
  });

  it("resolves a compose file merged into another from the directory above it where the Dockerfile is, and assumes nothing for a deeper Dockerfile nothing builds", () => {
    const m = modelFromFiles({
      "Dockerfile.dev": "FROM golang:1.24.2\n",
      ".devcontainer/devcontainer.json":
        '{ "dockerComposeFile": ["../compose.yaml", "compose.extend.yaml"] }\n',
      ".devcontainer/compose.extend.yaml":
        "services:\n  dev:\n    build:\n      context: .\n      dockerfile: Dockerfile.dev\n",
      "compose.yaml": "services:\n  db:\n    image: postgres:17\n",
      "deploy/Dockerfile": "FROM scratch\nCOPY . .\n",
      "deploy/.dockerignore": ".git\n",
      // Run as `docker compose -f example/pam/compose.yml ...` from suites/: paths are from there.
      "suites/example/pam/Dockerfile": "FROM scratch\n",
      "suites/example/pam/compose.yml":
        "services:\n  pam:\n    build: { context: example/pam, dockerfile: Dockerfile }\n",
    });
    expect(builds(m)).toEqual([
      "Dockerfile.dev <- . [-] (compose .devcontainer/compose.extend.yaml:3)",
      "suites/example/pam/Dockerfile <- suites/example/pam [-] (compose suites/example/pam/compose.yml:3)",
    ]);
  });

  it("names the images each build tags, binding or globbing the variables in them", () => {
    const df = "FROM scratch\n";
    const m = modelFromFiles({
      "cmd/tempo/Dockerfile_debug": df,
      "cmd/tempo/Dockerfile": df,
      "web/Dockerfile": df,
      "api/Dockerfile": df,
      "Dockerfile.release": df,
      Makefile: [
        "REGISTRY := registry.example.com/acme",
        "IMAGE := $(REGISTRY)/$(COMPONENT)",
        "debug:",
        "\tdocker build -t grafana/$(COMPONENT)-debug -f ./cmd/$(COMPONENT)/Dockerfile_debug .",
        "image:",
        "\tdocker buildx build --tag=$(IMAGE):$(VERSION) -tlatest-only -f cmd/$(COMPONENT)/Dockerfile .",
        "any:",
        "\tpodman build -t $(IMAGE_NAME) -t acme/$(NAME):$(TAG) web",
        "",
      ].join("\n"),
      "compose.yaml": [
        "services:",
        "  api:",
        "    build: ./api",
        "    image: ${REGISTRY:-acme}/api",
        "",
      ].join("\n"),
      ".github/workflows/release.yml": [
        "on: push",
        "jobs:",
        "  image:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - id: meta",
        "        uses: docker/metadata-action@v5",
        "        with:",
        "          images: |",
        "            registry.example.com/acme/web",
        "            name=acme/web,enable=true",
        "      - uses: docker/build-push-action@v6",
        "        with:",
        "          context: web",
        "          tags: ${{ steps.meta.outputs.tags }}",
        "      - uses: docker/build-push-action@v6",
        "        with:",
        "          file: Dockerfile.release",
        "          tags: acme/app:${{ github.ref_name }},acme/app:latest",
        "",
      ].join("\n"),
      ".goreleaser.yaml": [
        "dockers:",
        "  - dockerfile: Dockerfile.release",
        "    image_templates:",
        '      - "{{ .Env.REGISTRY }}/app:{{ .Version }}"',
        '      - "{{ .Env.IMAGE }}:{{ .Version }}"',
        "",
      ].join("\n"),
    });
    expect(
      m.builds.map((b) => `${b.dockerfile} (${b.source.file}): ${b.images.join(" ")}`),
    ).toEqual([
      "Dockerfile.release (.github/workflows/release.yml): acme/app:* acme/app:latest",
      "Dockerfile.release (.goreleaser.yaml): */app:*",
      "api/Dockerfile (compose.yaml): acme/api",
      "cmd/tempo/Dockerfile (Makefile): registry.example.com/acme/tempo:* latest-only",
      "cmd/tempo/Dockerfile_debug (Makefile): grafana/tempo-debug",
      "web/Dockerfile (.github/workflows/release.yml): registry.example.com/acme/web:* acme/web:*",
      "web/Dockerfile (Makefile): ",
    ]);
  });

  it("follows a Makefile's call of a build script with arguments into the script", () => {
    const df = "FROM scratch\n";
    const m = modelFromFiles({
      "docker/app/noble/Dockerfile": df,
      "docker/demo/Dockerfile": df,
      Makefile: [
        "preview:",
        '\tscripts/docker/build.sh app preview-ce /noble "-t acme/app:preview-ce-ubuntu"',
        "demo:",
        "\tbash ./scripts/docker/build.sh demo ce",
        "",
      ].join("\n"),
      "scripts/docker/build.sh": [
        "#!/usr/bin/env bash",
        'if [[ $2 == "latest" ]]; then',
        "  docker build -t acme/$1:latest -f docker/${1/-//}$3/Dockerfile .",
        "else",
        '  docker build -t acme/$1:$2 $4 -f "docker/${1/-//}$3/Dockerfile" .',
        "fi",
        "",
      ].join("\n"),
    });
    expect(
      m.builds.map(
        (b) => `${b.dockerfile} (${b.source.file}:${b.source.line}): ${b.images.join(" ")}`,
      ),
    ).toEqual([
      "docker/app/noble/Dockerfile (scripts/docker/build.sh:3): acme/app:latest",
      "docker/app/noble/Dockerfile (scripts/docker/build.sh:5): acme/app:preview-ce acme/app:preview-ce-ubuntu",
      "docker/demo/Dockerfile (scripts/docker/build.sh:3): acme/demo:latest",
      "docker/demo/Dockerfile (scripts/docker/build.sh:5): acme/demo:ce",
    ]);
  });

  it("reads Woodpecker steps: docker plugin settings and commands", () => {
    const df = "FROM scratch\n";
    const m = modelFromFiles({
      "docker/Dockerfile.agent": df,
      "docker/Dockerfile.agent.alpine": df,
      "cli/Dockerfile": df,
      ".woodpecker/docker.yaml": [
        "variables:",
        "  - &buildx 'woodpeckerci/plugin-docker-buildx:6.1.1'",
        "  - &repos 'acme/agent,registry.example.com/acme/agent'",
        "steps:",
        "  publish-agent:",
        "    image: *buildx",
        "    settings:",
        "      repo: *repos",
        "      dockerfile: docker/Dockerfile.agent",
        "      tag: [next, 'next-${CI_COMMIT_SHA:0:10}']",
        "  release-agent-alpine:",
        "    image: *buildx",
        "    settings:",
        "      repo: acme/agent",
        "      dockerfile: docker/Dockerfile.agent.alpine",
        "      tags: '${CI_COMMIT_TAG%%.*}-alpine'",
        "  cli:",
        "    image: docker:27-cli",
        "    commands:",
        "      - docker build -t acme/cli cli",
        "",
      ].join("\n"),
    });
    expect(
      m.builds.map(
        (b) =>
          `${b.dockerfile} <- ${b.context} (${b.source.kind} ${b.source.file}:${b.source.line}): ${b.images.join(" ")}`,
      ),
    ).toEqual([
      "cli/Dockerfile <- cli (woodpecker .woodpecker/docker.yaml:20): acme/cli",
      "docker/Dockerfile.agent <- . (woodpecker .woodpecker/docker.yaml:6): acme/agent:next acme/agent:next-* registry.example.com/acme/agent:next registry.example.com/acme/agent:next-*",
      "docker/Dockerfile.agent.alpine <- . (woodpecker .woodpecker/docker.yaml:12): acme/agent:*-alpine",
    ]);
  });

  it("prefers <Dockerfile>.dockerignore beside the Dockerfile to the context's .dockerignore", () => {
    const m = modelFromFiles({
      "build/app.Dockerfile": "FROM scratch\n",
      "build/app.Dockerfile.dockerignore": ".git\n",
      ".dockerignore": "bin/\n",
      "compose.yaml":
        "services:\n  app:\n    build: { context: ., dockerfile: build/app.Dockerfile }\n",
    });
    expect(m.builds.map((b) => b.dockerignore)).toEqual(["build/app.Dockerfile.dockerignore"]);
  });

  it("reads the docker build command forms: buildx, image build, podman, buildah, flags with values", () => {
    const m = modelFromFiles({
      "a/Dockerfile": "FROM scratch\n",
      "b/Containerfile": "FROM scratch\n",
      "scripts/build.sh": [
        "#!/bin/sh",
        "docker buildx build --platform linux/amd64,linux/arm64 --push -t x a",
        "docker image build --file=b/Containerfile --target=app b",
        "podman build -f b/Containerfile --build-arg X=1 b",
        "buildah bud -f b/Containerfile b",
        "docker build - < a/Dockerfile",
        "docker build https://github.com/x/y.git",
        "cat <<EOF",
        "docker build -f a/Dockerfile .",
        "EOF",
        "",
      ].join("\n"),
    });
    expect(builds(m)).toEqual([
      "a/Dockerfile <- a [-] (script scripts/build.sh:2)",
      "b/Containerfile <- b [-] (script scripts/build.sh:3) target app",
      "b/Containerfile <- b [-] (script scripts/build.sh:4)",
      "b/Containerfile <- b [-] (script scripts/build.sh:5)",
    ]);
  });
});

describe("the walk honours .gitignore as git does, and is bounded", () => {
  const PATTERNS: Record<string, string> = {
    ".gitignore": [
      "# comment",
      "*.log",
      "!keep.log",
      "build/",
      "/dist",
      "docs/**/*.tmp",
      "**/generated",
      "tmp?/",
      "[Bb]ackup*",
      "\\#notes",
      "trailing\\ ",
      "spaces   ",
      "sub/only-here.txt",
      "cache/*",
      "!cache/keep/",
      "a/**/z",
      "[!a-c]x.txt",
      "",
    ].join("\n"),
    "sub/.gitignore": ["local/", "!important.log", "/anchored.txt", "*.txt", "!keep.txt", ""].join(
      "\n",
    ),
    "sub/deeper/.gitignore": ["!*.txt", "x/", ""].join("\n"),
  };
  const FILES = [
    "a.log",
    "keep.log",
    "sub/keep.log",
    "sub/important.log",
    "build/Dockerfile",
    "src/build/Dockerfile",
    "src/build",
    "dist/app",
    "src/dist/app",
    "docs/a.tmp",
    "docs/x/y/b.tmp",
    "docs/x/c.md",
    "generated/f",
    "src/generated/f",
    "tmp1/f",
    "tmp12/f",
    "tmp1",
    "Backup.txt",
    "backup-1",
    "#notes",
    "notes",
    "trailing ",
    "trailing",
    "spaces",
    "sub/only-here.txt",
    "only-here.txt",
    "cache/a",
    "cache/keep/b",
    "a/z",
    "a/b/c/z",
    "ax.txt",
    "dx.txt",
    "sub/local/f",
    "sub/anchored.txt",
    "sub/x/anchored.txt",
    "sub/keep.txt",
    "sub/other.txt",
    "sub/deeper/c.txt",
    "sub/deeper/x/f",
    "sub/deeper/y/x",
  ];

  it("lists exactly what `git ls-files --others --exclude-standard` lists", () => {
    const files = { ...PATTERNS, ...Object.fromEntries(FILES.map((f) => [f, "x\n"])) };
    // A path cannot be both a file and a directory: keep the directory.
    delete files["src/build"];
    delete files["tmp1"];
    const dir = writeTree(files);
    git(dir, "init", "-q");
    const byGit = git(dir, "ls-files", "-z", "--others", "--exclude-standard")
      .split("\0")
      .filter((p) => p !== "")
      .sort();
    const walked = walkTree(diskTree(dir)).paths.filter((p) => !p.startsWith(".git/"));
    expect(walked).toEqual(byGit);
    expect(walkTree(memoryTree(files)).paths).toEqual(byGit);
    // The cases that matter most, spelled out.
    expect(byGit).toContain("keep.log");
    expect(byGit).toContain("sub/important.log");
    expect(byGit).not.toContain("src/build/Dockerfile");
    expect(byGit).toContain("src/dist/app");
    expect(byGit).toContain("cache/keep/b");
  });

  it("stops at its limits and says so, breadth first", () => {
    const files = Object.fromEntries(
      ["Dockerfile", "a/Dockerfile", "a/b/Dockerfile", "a/b/c/Dockerfile"].map((p) => [
        p,
        "FROM x\n",
      ]),
    );
    expect(walkTree(memoryTree(files), { entries: 100, depth: 2 })).toEqual({
      paths: ["Dockerfile", "a/Dockerfile", "a/b/Dockerfile"],
      method: "walk",
      truncated: true,
    });
    expect(walkTree(memoryTree(files), { entries: 3, depth: 10 }).truncated).toBe(true);
  });

  it("leaves out nested repositories and submodules", () => {
    const m = modelFromFiles({
      Dockerfile: "FROM x\n",
      "third_party/lib/.git": "gitdir: ../../.git/modules/lib\n",
      "third_party/lib/Dockerfile": "FROM x\n",
    });
    expect(m.files.map((f) => f.path)).toEqual(["Dockerfile"]);
  });
});

describe("check --format json lists the files read", () => {
  it("keeps the findings array and adds files with their kinds", async () => {
    const dir = writeTree(DISCOVER_REPO);
    const r = await gopave(dir, ["check", "--format", "json"]);
    const out = JSON.parse(r.stdout) as { findings: unknown[]; files: unknown[] };
    expect(Object.keys(out)).toEqual(["findings", "files"]);
    expect(Array.isArray(out.findings)).toBe(true);
    expect(out.files).toEqual(DISCOVER_FILES);
  });
});

describe("DF010 judges a .dockerignore only for the contexts that use it", () => {
  const copyAll = "FROM golang:1.24.2\nWORKDIR /src\nCOPY . .\n";
  const df010 = async (files: Record<string, string>) =>
    (
      await DF010.check({ model: modelFromFiles(files), isPublicModule: async () => undefined })
    ).map((f) => `${f.file}:${f.line} ${f.message.split(/[:,]/)[0]}`);

  it("judges neither ignore file for a build whose context is a subdirectory, which holds no .git", async () => {
    const files = {
      "deploy/Dockerfile": copyAll,
      ".dockerignore": "bin/\n",
      Makefile: "image:\n\tdocker build deploy\n",
    };
    expect(await df010(files)).toEqual([]);
  });

  it("leaves an ignore file alone that a build reading git shares", async () => {
    const files = {
      "a/Dockerfile": copyAll,
      "b/Dockerfile": "FROM golang:1.26\nCOPY . .\nRUN git describe --tags > /version\n",
      ".dockerignore": "bin/\n",
      Makefile: "a:\n\tdocker build -f a/Dockerfile .\nb:\n\tdocker build -f b/Dockerfile .\n",
    };
    expect(await df010(files)).toEqual([]);
  });

  it("judges each context a Dockerfile is built with", async () => {
    const files = {
      "deploy/Dockerfile": copyAll,
      ".dockerignore": "bin/\n",
      "deploy/.dockerignore": ".git\n",
      Makefile: "a:\n\tdocker build deploy\nb:\n\tdocker build -f deploy/Dockerfile .\n",
    };
    expect(await df010(files)).toEqual([".dockerignore:1 .dockerignore does not exclude .git"]);
  });

  it("says nothing about a deeper Dockerfile nothing builds while some possible context has one", async () => {
    expect(await df010({ "deploy/Dockerfile": copyAll, ".dockerignore": "bin/\n" })).toEqual([]);
    expect(await df010({ "deploy/Dockerfile": copyAll })).toEqual([
      "deploy/Dockerfile:3 COPY of the whole build context with no .dockerignore",
    ]);
  });

  it("leaves GoReleaser's staging context alone: it holds binaries, not the repo", async () => {
    const files = {
      "release.Dockerfile": "FROM scratch\nCOPY . .\n",
      ".goreleaser.yaml": "dockers:\n  - dockerfile: release.Dockerfile\n",
    };
    expect(await df010(files)).toEqual([]);
  });
});
