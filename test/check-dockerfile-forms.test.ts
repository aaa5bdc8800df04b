import { describe, expect, it } from "vitest";
import { modelFromFiles } from "../src/check/model/index.js";
import { RULES } from "../src/check/rules/index.js";
import { runCommands, runGoCalls } from "../src/check/rules/docker/util/run-script.js";
import { contextSources } from "../src/check/rules/docker/util/sources.js";
import { runChecks } from "../src/check/runner.js";
import type { Finding } from "../src/check/types.js";
import { checkProblems } from "./helpers/check-fuzz/oracle.js";

/**
 * Every Dockerfile instruction and flag form BuildKit accepts reaches the rules without breaking
 * one, and heredocs are read as BuildKit runs them (issue 9, "never crash").
 */

const GO_MOD = "module example.com/app\n\ngo 1.26.8\n\nrequire github.com/lib/pq v1.10.9\n";

const EVERY_FORM = [
  "# syntax=docker/dockerfile:1.7-labs",
  "# check=skip=JSONArgsRecommended;error=true",
  "ARG GO_VERSION=1.26.8 BASE=gcr.io/distroless/static-debian12:nonroot",
  "FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build",
  "ARG TARGETOS TARGETARCH",
  "WORKDIR /src",
  "ADD https://go.dev/dl/go1.26.8.linux-amd64.tar.gz /tmp/",
  `ADD --checksum=sha256:${"0a".repeat(32)} https://example.com/tool.tgz /usr/local/bin/`,
  "ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.10.1 /buildkit",
  "ADD git@github.com:example/private.git /private",
  "ADD --chown=65532:65532 --chmod=0644 --link go.mod go.sum ./",
  "COPY <<EOF /etc/app.conf",
  "key = value",
  "EOF",
  "RUN --mount=type=cache,target=/go/pkg/mod <<EOF",
  "set -eux",
  "go mod download",
  "EOF",
  "COPY --link --exclude=*.md --exclude=vendor --parents . .",
  "RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\",
  "    # a comment inside the continuation",
  "    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \\",
  "",
  "    go build -trimpath -o /out/app ./cmd/app",
  "ONBUILD RUN go mod download",
  "ONBUILD COPY . .",
  'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
  'HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD ["/out/app", "health"]',
  "FROM $BASE",
  "COPY --from=build --chown=65532:65532 /out/app /app",
  "HEALTHCHECK NONE",
  "USER 65532:65532",
  "STOPSIGNAL SIGTERM",
  'ENTRYPOINT ["/app"]',
].join("\n");

const run = (files: Record<string, string>) =>
  runChecks(modelFromFiles(files), { rules: RULES, isPublicModule: async () => undefined });
const ids = (fs: Finding[]) => fs.map((f) => `${f.rule}:${f.line}`);

describe("Dockerfile forms", () => {
  it("every instruction and flag form parses and checks cleanly", async () => {
    const files = { "go.mod": GO_MOD, Dockerfile: EVERY_FORM, ".dockerignore": ".git\n" };
    expect(await checkProblems(files)).toEqual([]);
    const findings = await run(files);
    expect(findings.filter((f) => f.file === "Dockerfile")).toEqual([]);
  });

  it("reads the escape directive and its continuations", async () => {
    const df = "# escape=`\nFROM golang:1.26.8\nRUN go mod download `\n    -x\nCOPY . .\n";
    const model = modelFromFiles({ "go.mod": GO_MOD, Dockerfile: df });
    const ins = model.dockerfiles[0]?.ast.getInstructions() ?? [];
    expect(ins.map((i) => i.getKeyword())).toEqual(["FROM", "RUN", "COPY"]);
    expect(runGoCalls(ins[1] as (typeof ins)[number]).map((c) => [c.sub, c.args])).toEqual([
      ["mod download", ["-x"]],
    ]);
    expect(await checkProblems({ "go.mod": GO_MOD, Dockerfile: df })).toEqual([]);
  });

  it("keeps each instruction on its own line with CRLF, a BOM or a lone CR", async () => {
    for (const df of [
      "\uFEFFFROM golang:1.26.8\r\nRUN echo\r\nCOPY . .\r\nRUN go build ./...\r\n",
      'FROM golang:1.26.8\nRUN echo "a\rb"\nCOPY . .\nRUN go build ./...\n',
    ]) {
      const findings = await run({ "go.mod": GO_MOD, Dockerfile: df });
      expect(ids(findings.filter((f) => f.rule === "DF003"))).toEqual(["DF003:3"]);
      expect(await checkProblems({ "go.mod": GO_MOD, Dockerfile: df })).toEqual([]);
    }
  });
});

describe("heredocs", () => {
  const runIns = (df: string) => {
    const model = modelFromFiles({ Dockerfile: `FROM golang:1.26.8\n${df}\n` });
    const ins = model.dockerfiles[0]?.ast.getInstructions()[1];
    if (!ins) throw new Error("no instruction");
    return ins;
  };

  it.each([
    ["RUN <<EOF\ngo mod download\nEOF", [["go", "mod", "download"]]],
    ["RUN <<-EOT\n\tgo mod download \\\n\t  -x\n\tEOT", [["go", "mod", "download", "-x"]]],
    ["RUN <<'EOF'\r\ngo mod download\r\nEOF", [["go", "mod", "download"]]],
    [
      "RUN bash -e <<SCRIPT\ngo mod download\nSCRIPT",
      [
        ["bash", "-e"],
        ["go", "mod", "download"],
      ],
    ],
    [
      "RUN <<A cat > /x && <<B sh\nhello\nA\ngo mod download\nB",
      [["cat", ">", "/x"], ["sh"], ["go", "mod", "download"]],
    ],
    ["RUN python3 <<EOF\nimport os\nEOF", [["python3"]]],
    ["RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF", []],
    ["RUN <<EOF\n#!/bin/bash\ngo mod download\nEOF", [["go", "mod", "download"]]],
    // The shell runs this line; the heredoc is stdin of no command, so its body never runs.
    ["RUN <<EOF && go build ./...\ngo mod download\nEOF", [["go", "build", "./..."]]],
    ["RUN <<EOF\ngo mod download", [["go", "mod", "download"]]],
  ])("%j", (df, expected) => {
    expect(runCommands(runIns(df))).toEqual(expected);
  });

  it("counts a heredoc's go mod download for DF003 and DF004", async () => {
    const ordered = [
      "FROM golang:1.26.8",
      "COPY go.mod go.sum ./",
      "RUN <<EOF", // 3: downloads without a cache mount
      "go mod download",
      "EOF",
      "COPY . .",
      "RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build ./...",
    ].join("\n");
    const findings = await run({
      "go.mod": GO_MOD,
      Dockerfile: ordered,
      ".dockerignore": ".git\n",
    });
    const docker = findings.filter((f) => f.rule === "DF003" || f.rule === "DF004");
    expect(ids(docker)).toEqual(["DF004:3"]);

    const late = ordered.replace("COPY go.mod go.sum ./", "COPY . .");
    const lateFindings = await run({
      "go.mod": GO_MOD,
      Dockerfile: late,
      ".dockerignore": ".git\n",
    });
    expect(ids(lateFindings.filter((f) => f.rule === "DF003"))).toEqual(["DF003:2"]);
  });

  it("does not take a COPY or ADD heredoc, a URL or a git source for the build context", async () => {
    const df = [
      "FROM golang:1.26.8",
      "COPY <<EOF /src/main.go",
      "package main",
      "EOF",
      "ADD <<a.txt <<b.txt /dest/",
      "A",
      "a.txt",
      "B",
      "b.txt",
      "ADD https://example.com/src.tgz git@github.com:a/b.git /src/",
      'ADD ["go.mod", "go.sum", "./"]',
    ].join("\n");
    const model = modelFromFiles({ Dockerfile: df });
    const sources = (model.dockerfiles[0]?.ast.getInstructions() ?? []).map(contextSources);
    expect(sources).toEqual([[], [], [], [], ["go.mod", "go.sum"]]);
    expect(await checkProblems({ "go.mod": GO_MOD, Dockerfile: df })).toEqual([]);
  });
});
