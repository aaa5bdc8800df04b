import { describe, expect, it } from "vitest";
import { DF002 } from "../src/check/rules/docker/df002-unpinned-base-image.js";
import { DF007 } from "../src/check/rules/docker/df007-shell-form-on-shellless-image.js";
import { DF008 } from "../src/check/rules/docker/df008-credentials-in-env-arg.js";
import { DF009 } from "../src/check/rules/docker/df009-go-install-unpinned.js";
import { DF010 } from "../src/check/rules/docker/df010-dockerignore-git.js";
import { DF011 } from "../src/check/rules/docker/df011-platform-arg-not-declared.js";
import { DF012 } from "../src/check/rules/docker/df012-golang-image-older-than-go-mod.js";
import { lines, runRule, where } from "./check-rules-docker-helpers.js";

const gomod = (go: string, ...requires: string[]) =>
  lines("module example.com/app", "", `go ${go}`, ...requires.map((r) => `require ${r}`));

describe("DF007 shell-form CMD/ENTRYPOINT on a shell-less image", () => {
  it("fires on each effective shell-form ENTRYPOINT, CMD and HEALTHCHECK CMD", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS build",
      "FROM gcr.io/distroless/static-debian13:nonroot",
      "COPY --from=build /app /app",
      "ENTRYPOINT /app serve",
      "CMD --port 8080",
      "HEALTHCHECK --interval=5s CMD curl -f http://localhost:8080/healthz",
    );
    const f = await runRule(DF007, { Dockerfile: df });
    expect(where(f)).toEqual(["Dockerfile:4", "Dockerfile:5", "Dockerfile:6"]);
    expect(f[2]?.message).toContain("HEALTHCHECK CMD");
    const scratch = await runRule(DF007, { Dockerfile: lines("FROM scratch", "CMD /app") });
    expect(where(scratch)).toEqual(["Dockerfile:2"]);
  });

  it("does not fire on exec form, debug tags, images with a shell, or overridden instructions", async () => {
    const cases = [
      lines(
        "FROM gcr.io/distroless/static-debian13:nonroot",
        'ENTRYPOINT ["/app", "serve"]',
        'HEALTHCHECK CMD ["/app", "healthcheck"]',
      ),
      lines("FROM gcr.io/distroless/static-debian13:debug-nonroot", "CMD /app"),
      lines("FROM alpine:3.22", "CMD /app"),
      lines("FROM scratch", "CMD /app", 'CMD ["/app"]', "HEALTHCHECK NONE"),
    ];
    for (const df of cases) expect(await runRule(DF007, { Dockerfile: df })).toEqual([]);
  });
});

describe("DF008 credentials in ENV or ARG", () => {
  it("fires on secret-looking names and URLs with credentials, never printing the value", async () => {
    const df = lines(
      "ARG GITHUB_TOKEN",
      "FROM golang:1.26.8",
      "ARG VERSION NPM_TOKEN=abc123",
      "ENV DB_PASSWORD=hunter2 \\",
      "    AWS_SECRET_ACCESS_KEY=s3cr3t",
      "ENV GOPROXY=https://builder:pr0xyPass@goproxy.example.com,direct",
      "ARG GOPROXY=https://tok3nvalue@goproxy.example.com",
      'ARG NETRC="machine git.example.com login ci password n3trcpw"',
    );
    const f = await runRule(DF008, { Dockerfile: df });
    expect(where(f)).toEqual([
      "Dockerfile:1",
      "Dockerfile:3",
      "Dockerfile:4",
      "Dockerfile:5",
      "Dockerfile:6",
      "Dockerfile:7",
      "Dockerfile:8",
    ]);
    expect(f.map((x) => x.message).join("\n")).not.toMatch(
      /abc123|hunter2|s3cr3t|pr0xyPass|tok3nvalue|builder|n3trcpw/,
    );
    expect(f[0]?.message).toContain("RUN --mount=type=secret");
    expect(f[4]?.message).toContain("user:****@host");
  });

  it("does not fire on settings without credentials or names that point at a secret", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "ARG GOPROXY=https://goproxy.example.com,direct",
      "ENV GOPRIVATE=git.example.com/* GONOSUMDB=git.example.com/*",
      "ENV POSTGRES_PASSWORD_FILE=/run/secrets/db TOKEN_URL=https://auth.example.com/token",
      "ENV GOFLAGS=-mod=mod NETRC=/run/secrets/netrc",
    );
    expect(await runRule(DF008, { Dockerfile: df })).toEqual([]);
  });
});

describe("DF009 go install without a pinned version", () => {
  it("fires on @latest, a missing version and moving branches, in sh -c too", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "RUN go install github.com/go-delve/delve/cmd/dlv@latest",
      "RUN go install -ldflags='-s -w' golang.org/x/tools/gopls",
      'RUN sh -c "go install honnef.co/go/tools/cmd/staticcheck@master"',
    );
    const f = await runRule(DF009, { "go.mod": gomod("1.25.0"), Dockerfile: df });
    expect(where(f)).toEqual(["Dockerfile:2", "Dockerfile:3", "Dockerfile:4"]);
    expect(f[1]?.message).toContain("golang.org/x/tools/gopls has no @version");
  });

  it("does not fire on pinned versions, local packages, or tools go.mod requires", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "ARG DLV_VERSION=v1.27.1",
      "RUN go install github.com/go-delve/delve/cmd/dlv@v1.27.1 && go install ./cmd/...",
      "RUN go install",
      "RUN go install github.com/go-delve/delve/cmd/dlv@${DLV_VERSION}",
      "RUN go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint",
    );
    const mod = gomod("1.25.0", "github.com/golangci/golangci-lint/v2 v2.13.1");
    expect(await runRule(DF009, { "go.mod": mod, Dockerfile: df })).toEqual([]);
  });
});

describe("DF010 .dockerignore missing or not excluding .git", () => {
  const copyAll = lines("FROM golang:1.26.8", "WORKDIR /src", "COPY . .", "RUN go build ./...");

  it("fires at the COPY when there is no .dockerignore", async () => {
    const f = await runRule(DF010, { Dockerfile: copyAll });
    expect(where(f)).toEqual(["Dockerfile:3"]);
  });

  it("fires on a .dockerignore without .git, pointing back at the COPY", async () => {
    const f = await runRule(DF010, { Dockerfile: copyAll, ".dockerignore": lines("bin/", ".env") });
    expect(where(f)).toEqual([".dockerignore:1"]);
    expect(f[0]?.related).toEqual([
      { file: "Dockerfile", line: 3, message: "copies the whole context" },
    ]);
  });

  it("fires at a negation that re-includes .git", async () => {
    const ignore = lines("# context", ".git", "bin/", "!.git");
    const f = await runRule(DF010, { Dockerfile: copyAll, ".dockerignore": ignore });
    expect(where(f)).toEqual([".dockerignore:4"]);
    expect(f[0]?.message).toContain("`!.git`");
  });

  it("accepts .git, **/.git, .*, /.git/, everything-but lists and Dockerfile-specific ignores", async () => {
    for (const ignore of [
      ".git\n",
      "**/.git\n",
      ".*\n",
      "/.git/\n",
      "*\n!cmd\n!go.mod\n",
      ".git/**\n",
    ]) {
      expect(
        await runRule(DF010, { Dockerfile: copyAll, ".dockerignore": ignore }),
        ignore,
      ).toEqual([]);
    }
    const specific = {
      Dockerfile: copyAll,
      "Dockerfile.dockerignore": ".git\n",
      ".dockerignore": "bin/\n",
    };
    expect(await runRule(DF010, specific)).toEqual([]);
  });

  it("uses the context compose gives, else the Dockerfile's directory or the repo root", async () => {
    const nested = { "deploy/Dockerfile": copyAll, ".dockerignore": ".git\n" };
    expect(await runRule(DF010, nested)).toEqual([]);
    const compose = lines(
      "services:",
      "  api:",
      "    build:",
      "      context: .",
      "      dockerfile: deploy/Dockerfile",
    );
    const viaCompose = { ...nested, "deploy/.dockerignore": "bin/\n", "compose.yaml": compose };
    expect(await runRule(DF010, viaCompose)).toEqual([]);
  });

  it("does not fire when the Dockerfile copies only chosen files", async () => {
    const df = lines("FROM golang:1.26.8", "COPY go.mod go.sum ./", "COPY cmd ./cmd");
    expect(await runRule(DF010, { Dockerfile: df })).toEqual([]);
  });
});

describe("DF011 TARGETOS/TARGETARCH not declared in the stage", () => {
  it("fires at the first use in each stage, whatever the reference syntax", async () => {
    const df = lines(
      "ARG TARGETARCH",
      "FROM --platform=$BUILDPLATFORM golang:1.26.8 AS build",
      "RUN GOOS=${TARGETOS} GOARCH=$TARGETARCH go build -o /app .",
      "RUN echo $TARGETARCH",
      "FROM build AS other",
      "ARG TARGETOS",
      "RUN GOARCH=${TARGETARCH:-amd64} go build .",
      "ARG TARGETARCH",
    );
    const f = await runRule(DF011, { Dockerfile: df });
    expect(where(f)).toEqual(["Dockerfile:3", "Dockerfile:3", "Dockerfile:7"]);
    expect(f.map((x) => x.message.split(" ")[0])).toEqual([
      "$TARGETOS",
      "$TARGETARCH",
      "$TARGETARCH",
    ]);
    expect(f[0]?.message).toContain('stage "build"');
  });

  it("does not fire with multi-name ARG, a parent stage's ARG, or in FROM lines", async () => {
    const df = lines(
      "FROM --platform=$BUILDPLATFORM golang:1.26.8 AS base",
      "ARG TARGETOS TARGETARCH",
      "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .",
      "FROM base AS build",
      "RUN GOARCH=$TARGETARCH go build .",
      "FROM --platform=$TARGETPLATFORM alpine:3.22",
      'CMD ["sh", "-c", "echo $TARGETARCH"]',
    );
    expect(await runRule(DF011, { Dockerfile: df })).toEqual([]);
  });
});

describe("DF012 golang image older than go.mod", () => {
  it("fires at the FROM with the go line as related", async () => {
    const df = lines("FROM golang:1.22-alpine AS build", "RUN go build -o /app .");
    const f = await runRule(DF012, { "go.mod": gomod("1.25.0"), Dockerfile: df });
    expect(where(f)).toEqual(["Dockerfile:1"]);
    expect(f[0]?.related).toEqual([{ file: "go.mod", line: 3, message: "go 1.25.0" }]);
    expect(f[0]?.message).toContain("Go 1.22.x");
  });

  it("compares exact tags exactly and resolves the tag through a global ARG", async () => {
    const exact = lines("FROM golang:1.25.0-bookworm", "RUN go build .");
    expect(where(await runRule(DF012, { "go.mod": gomod("1.25.3"), Dockerfile: exact }))).toEqual([
      "Dockerfile:1",
    ]);
    const viaArg = lines(
      "ARG GO_VERSION=1.24",
      "FROM golang:${GO_VERSION}-alpine",
      "RUN go build .",
    );
    expect(where(await runRule(DF012, { "go.mod": gomod("1.25.0"), Dockerfile: viaArg }))).toEqual([
      "Dockerfile:2",
    ]);
  });

  it("does not fire when the image is new enough, untagged, auto-switching or not running go", async () => {
    const mod = gomod("1.25.3");
    const cases = [
      lines("FROM golang:1.25-alpine", "RUN go build ."),
      lines("FROM golang:1.26.8", "RUN go build ."),
      lines("FROM golang:alpine", "RUN go build ."),
      lines("FROM golang:1.22", "ENV GOTOOLCHAIN=auto", "RUN go build ."),
      lines("FROM golang:1.22", "RUN GOTOOLCHAIN=go1.25.3 go build ."),
      lines("FROM golang:1.22", "COPY --from=golang:1.26.8 /usr/local/go /usr/local/go"),
    ];
    for (const df of cases)
      expect(await runRule(DF012, { "go.mod": mod, Dockerfile: df }), df).toEqual([]);
  });

  it("reads the go.mod beside a nested Dockerfile", async () => {
    const df = lines("FROM golang:1.24", "RUN go build .");
    const files = {
      "go.mod": gomod("1.22.0"),
      "services/api/go.mod": lines("module example.com/api", "", "go 1.25.0"),
      "services/api/Dockerfile": df,
    };
    const f = await runRule(DF012, files);
    expect(where(f)).toEqual(["services/api/Dockerfile:1"]);
    expect(f[0]?.related?.[0]?.file).toBe("services/api/go.mod");
  });
});

describe("ADD in a Dockerfile", () => {
  it("is read like COPY by every Docker rule: context sources, --from, and URLs left out", async () => {
    const { DOCKER_RULES } = await import("../src/check/rules/docker/index.js");
    const df = lines(
      "FROM golang:1.26.8 AS build",
      "WORKDIR /src",
      "ADD go.mod go.sum ./",
      "RUN go mod download",
      "ADD https://example.com/tool.tar.gz /tmp/",
      "ADD . .",
      "RUN go build -o /app .",
      "FROM gcr.io/distroless/static-debian13:nonroot",
      "ADD --from=build /app /app",
      'ENTRYPOINT ["/app"]',
    );
    for (const rule of DOCKER_RULES) {
      await expect(
        runRule(rule, { Dockerfile: df, "go.mod": gomod("1.26") }),
      ).resolves.toBeInstanceOf(Array);
    }
    // ADD . . copies the whole context: the .dockerignore matters (DF010), the download came first (DF003).
    expect(where(await runRule(DF010, { Dockerfile: df, "go.mod": gomod("1.26") }))).toEqual([
      "Dockerfile:6",
    ]);
  });
});

describe("DF002 on golang variant tags, distroless and build arguments", () => {
  it("reports golang:alpine, pins distroless by digest, and says `through` only for an ARG tag", async () => {
    const df = lines(
      "ARG ARCH=amd64",
      "FROM golang:alpine AS build",
      "FROM golang:1.26.8-alpine AS ok",
      "FROM gcr.io/distroless/static-debian13",
      "FROM quay.io/prometheus/busybox-linux-${ARCH}:latest",
    );
    const f = await runRule(DF002, { Dockerfile: df });
    expect(f.map((x) => x.line)).toEqual([2, 4, 5]);
    expect(f[0]?.message).toContain("names no Go version (:alpine is the newest Go release)");
    expect(f[1]?.message).toContain("pin it by digest (distroless images have no version tags)");
    expect(f[2]?.message).not.toContain("through the build argument");
  });
});
