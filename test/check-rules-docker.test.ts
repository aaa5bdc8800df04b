import { describe, expect, it } from "vitest";
import { DF001 } from "../src/check/rules/docker/df001-toolchain-in-final-image.js";
import { DF002 } from "../src/check/rules/docker/df002-unpinned-base-image.js";
import { DF003 } from "../src/check/rules/docker/df003-sources-before-mod-download.js";
import { DF004 } from "../src/check/rules/docker/df004-no-cache-mount.js";
import { DF005 } from "../src/check/rules/docker/df005-cgo-on-static-runtime.js";
import { DF006 } from "../src/check/rules/docker/df006-runs-as-root.js";
import { GOMOD, lines, repo, runRule, where } from "./check-rules-docker-helpers.js";

const GOOD_MULTI_STAGE = lines(
  "FROM golang:1.26.8 AS build",
  "WORKDIR /src",
  "COPY go.mod go.sum ./",
  "RUN --mount=type=cache,target=/go/pkg/mod go mod download",
  "COPY . .",
  "RUN --mount=type=cache,target=/go/pkg/mod \\",
  "    --mount=type=cache,target=/root/.cache/go-build \\",
  "    CGO_ENABLED=0 go build -o /out/app .",
  "",
  "FROM gcr.io/distroless/static-debian13:nonroot",
  "COPY --from=build /out/app /app",
  "USER 65532:65532",
  'ENTRYPOINT ["/app"]',
);

describe("DF001 final image ships the Go toolchain", () => {
  it("fires on a single golang stage that builds, at its FROM, naming the build", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "WORKDIR /src",
      "COPY . .",
      "RUN go build -o /app .",
      'CMD ["/app"]',
    );
    const f = await runRule(DF001, repo(df));
    expect(where(f)).toEqual(["Dockerfile:1"]);
    expect(f[0]?.related).toEqual([{ file: "Dockerfile", line: 4, message: "the Go build" }]);
  });

  it("fires when the final stage derives from a golang stage", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS base",
      "RUN go build -o /app .",
      "FROM base",
      'CMD ["/app"]',
    );
    const f = await runRule(DF001, repo(df));
    expect(where(f)).toEqual(["Dockerfile:3"]);
    expect(f[0]?.message).toContain('through stage "base"');
  });

  it("does not fire on a multi-stage build, a golang image that builds nothing, a dev container or a Delve image", async () => {
    expect(await runRule(DF001, repo(GOOD_MULTI_STAGE))).toEqual([]);
    const toolsOnly = lines(
      "FROM golang:1.26.8",
      "RUN go install golang.org/x/tools/gopls@v0.23.0",
    );
    expect(await runRule(DF001, repo(toolsOnly))).toEqual([]);
    const dev = lines("FROM golang:1.26.8", "COPY . .", "RUN go build ./...");
    expect(await runRule(DF001, { "go.mod": GOMOD, ".devcontainer/Dockerfile": dev })).toEqual([]);
    const debug = lines(
      "FROM golang:1.26.8",
      "RUN go install github.com/go-delve/delve/cmd/dlv@v1.27.1",
      'RUN go build -gcflags="all=-N -l" -o /app .',
      'ENTRYPOINT ["dlv", "exec", "/app", "--headless", "--listen=:2345"]',
    );
    expect(await runRule(DF001, repo(debug))).toEqual([]);
  });
});

describe("DF002 base image latest or untagged", () => {
  it("fires on an untagged and a :latest base, at each FROM", async () => {
    const df = lines("FROM golang AS build", "RUN go build -o /app .", "FROM alpine:latest");
    const f = await runRule(DF002, repo(df));
    expect(where(f)).toEqual(["Dockerfile:1", "Dockerfile:3"]);
    expect(f[0]?.message).toContain("golang:latest");
  });

  it("skips scratch, build args without a default, stage names, digests and tagged images", async () => {
    const df = lines(
      "ARG BASE",
      "FROM golang:1.26.8 AS build",
      "FROM build AS test",
      "FROM $BASE",
      "FROM alpine@sha256:0123456789abcdef",
      "FROM alpine:latest@sha256:0123456789abcdef",
      "FROM registry.example.com:5000/team/app",
      "FROM scratch",
    );
    const f = await runRule(DF002, repo(df));
    // Only the registry image without a tag: the port's colon is not a tag.
    expect(where(f)).toEqual(["Dockerfile:7"]);
  });

  it("resolves a build argument's default: ARG GO=latest makes golang:${GO} unpinned", async () => {
    const df = lines(
      "ARG GO_VER=latest",
      "ARG ALPINE=3.22",
      "FROM golang:${GO_VER}",
      "FROM alpine:$ALPINE",
    );
    const f = await runRule(DF002, repo(df));
    expect(where(f)).toEqual(["Dockerfile:3"]);
    expect(f[0]?.message).toContain("through the build argument default");
  });
});

describe("DF003 sources copied before go mod download", () => {
  it("fires at the COPY when go mod download comes after it", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS build",
      "WORKDIR /src",
      "COPY . .",
      "RUN go mod download",
      "RUN go build -o /app .",
    );
    const f = await runRule(DF003, repo(df));
    expect(where(f)).toEqual(["Dockerfile:3"]);
    expect(f[0]?.related).toEqual([{ file: "Dockerfile", line: 4, message: "go mod download" }]);
  });

  it("fires when a build has no separate dependency step at all", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "COPY cmd/ ./cmd/",
      "COPY internal ./internal",
      "RUN go build ./cmd/app",
    );
    const f = await runRule(DF003, repo(df));
    expect(where(f)).toEqual(["Dockerfile:2"]);
    expect(f[0]?.related?.[0]?.line).toBe(4);
  });

  it("does not fire on go.mod/go.sum, download, then sources — across stages too", async () => {
    expect(await runRule(DF003, repo(GOOD_MULTI_STAGE))).toEqual([]);
    const chained = lines(
      "FROM golang:1.26.8 AS deps",
      "COPY go.mod go.sum ./",
      "RUN go mod download",
      "FROM deps AS src",
      "COPY . .",
      "FROM src AS build",
      "RUN go build -o /app .",
    );
    expect(await runRule(DF003, repo(chained))).toEqual([]);
  });

  it("does not fire with a module cache mount, without requirements, or when vendored", async () => {
    const cached = lines(
      "FROM golang:1.26.8",
      "COPY . .",
      "RUN --mount=type=cache,target=/go/pkg/mod go build -o /app .",
    );
    expect(await runRule(DF003, repo(cached))).toEqual([]);
    const plain = lines("FROM golang:1.26.8", "COPY . .", "RUN go build -o /app .");
    const noDeps = lines("module example.com/app", "", "go 1.25.0");
    expect(await runRule(DF003, { "go.mod": noDeps, Dockerfile: plain })).toEqual([]);
    expect(
      await runRule(
        DF003,
        repo(plain, { "vendor/modules.txt": "# github.com/google/uuid v1.6.0\n" }),
      ),
    ).toEqual([]);
  });

  it("counts a bind mount of the context as copying sources", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "RUN --mount=type=bind,target=. go mod download && go build -o /app .",
    );
    expect(where(await runRule(DF003, repo(df)))).toEqual(["Dockerfile:2"]);
  });
});

describe("DF004 go command without a cache mount", () => {
  it("fires per RUN, naming the missing caches", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "RUN go mod download",
      "RUN --mount=type=cache,target=/go/pkg/mod go build -o /app .",
      'RUN ["go", "test", "./..."]',
    );
    const f = await runRule(DF004, repo(df));
    expect(where(f)).toEqual(["Dockerfile:2", "Dockerfile:3", "Dockerfile:4"]);
    expect(f[0]?.message).toContain("the module cache (/go/pkg/mod)");
    expect(f[0]?.message).not.toContain("build cache");
    expect(f[1]?.message).toContain("the build cache (/root/.cache/go-build)");
    expect(f[1]?.message).not.toContain("module cache");
  });

  it("does not fire with both mounts, custom GOMODCACHE/GOCACHE, or commands that need no cache", async () => {
    expect(await runRule(DF004, repo(GOOD_MULTI_STAGE))).toEqual([]);
    const custom = lines(
      "FROM golang:1.26.8",
      "ENV GOMODCACHE=/cache/mod GOCACHE=/cache/build",
      "RUN --mount=type=cache,target=/cache go build -o /app .",
      "RUN go version && go env",
      "RUN --mount=type=cache,target=${GOMODCACHE} go mod download",
    );
    expect(await runRule(DF004, repo(custom))).toEqual([]);
  });

  it("follows a non-root user's cache location set through HOME", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "ENV HOME=/home/app",
      "RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build .",
    );
    const f = await runRule(DF004, repo(df));
    expect(where(f)).toEqual(["Dockerfile:3"]);
  });
});

describe("DF005 cgo not disabled for a static runtime", () => {
  const withRuntime = (build: string[], runtime = "gcr.io/distroless/static-debian13:nonroot") =>
    lines(...build, `FROM ${runtime}`, "COPY --from=build /app /app", 'ENTRYPOINT ["/app"]');

  it("fires at the go build whose binary is copied into distroless static or scratch", async () => {
    const df = withRuntime(["FROM golang:1.26.8 AS build", "RUN go build -o /app ."]);
    const f = await runRule(DF005, repo(df));
    expect(where(f)).toEqual(["Dockerfile:2"]);
    expect(f[0]?.related).toEqual([
      { file: "Dockerfile", line: 3, message: "the static runtime stage" },
    ]);
    const scratch = withRuntime(
      ["FROM golang:1.26.8 AS build", "RUN CGO_ENABLED=1 go build -o /app ."],
      "scratch",
    );
    const g = await runRule(DF005, repo(scratch));
    expect(where(g)).toEqual(["Dockerfile:2"]);
    expect(g[0]?.message).toContain("sets CGO_ENABLED=1");
  });

  it("fires when CGO_ENABLED=0 is only a shell variable the go command does not see", async () => {
    const df = withRuntime([
      "FROM golang:1.26.8 AS build",
      "RUN CGO_ENABLED=0; go build -o /app .",
    ]);
    expect(where(await runRule(DF005, repo(df)))).toEqual(["Dockerfile:2"]);
  });

  it("does not fire when cgo is disabled inline, by export, ENV, ARG or go env -w", async () => {
    const variants = [
      ["FROM golang:1.26.8 AS build", "RUN CGO_ENABLED=0 GOOS=linux go build -o /app ."],
      ["FROM golang:1.26.8 AS build", "RUN export CGO_ENABLED=0 && go build -o /app ."],
      [
        "FROM golang:1.26.8 AS base",
        "ENV CGO_ENABLED=0",
        "FROM base AS build",
        "RUN go build -o /app .",
      ],
      ["FROM golang:1.26.8 AS build", "ARG CGO_ENABLED=0", "RUN go build -o /app ."],
      ["FROM golang:1.26.8 AS build", "RUN go env -w CGO_ENABLED=0", "RUN go build -o /app ."],
    ];
    for (const build of variants)
      expect(await runRule(DF005, repo(withRuntime(build)))).toEqual([]);
  });

  it("does not fire for runtimes with libc, or an alpine builder without a C compiler", async () => {
    const build = ["FROM golang:1.26.8 AS build", "RUN go build -o /app ."];
    expect(
      await runRule(DF005, repo(withRuntime(build, "gcr.io/distroless/base-debian13"))),
    ).toEqual([]);
    expect(await runRule(DF005, repo(withRuntime(build, "alpine:3.22")))).toEqual([]);
    const alpine = ["FROM golang:1.26.8-alpine AS build", "RUN go build -o /app ."];
    expect(await runRule(DF005, repo(withRuntime(alpine, "scratch")))).toEqual([]);
    const withGcc = [
      "FROM golang:1.26.8-alpine AS build",
      "RUN apk add --no-cache build-base",
      "RUN go build -o /app .",
    ];
    expect(where(await runRule(DF005, repo(withRuntime(withGcc, "scratch"))))).toEqual([
      "Dockerfile:3",
    ]);
  });

  it("does not fire for a wasm module exported from scratch (GOARCH=wasm links no libc)", async () => {
    const exportStage = (build: string[]) =>
      lines(...build, "FROM scratch AS calc-wasm", "COPY --from=build /out/ /");
    for (const build of [
      ["FROM golang:1.26.8 AS build", "RUN GOOS=js GOARCH=wasm go build -o /out/js/calc.wasm ."],
      [
        "FROM golang:1.26.8 AS build",
        "ENV GOARCH=wasm",
        "RUN GOOS=wasip1 go build -o /out/c.wasm .",
      ],
    ])
      expect(await runRule(DF005, repo(exportStage(build)))).toEqual([]);
    // GOARCH=wasm on another command of the RUN does not reach the go build.
    const native = [
      "FROM golang:1.26.8 AS build",
      "RUN GOARCH=wasm true && go build -o /out/app .",
    ];
    expect(where(await runRule(DF005, repo(exportStage(native))))).toEqual(["Dockerfile:2"]);
  });

  it("ignores stages whose output never reaches the final image", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS test",
      "RUN go build ./... && go test ./...",
      "FROM golang:1.26.8 AS build",
      "RUN CGO_ENABLED=0 go build -o /app .",
      "FROM scratch",
      "COPY --from=build /app /app",
    );
    expect(await runRule(DF005, repo(df))).toEqual([]);
  });
});

describe("DF006 final image runs as root", () => {
  it("fires on a last USER root or 0, at the USER", async () => {
    const df = lines("FROM alpine:3.22", "USER app", "RUN true", "USER 0:0", 'CMD ["/app"]');
    const f = await runRule(DF006, repo(df));
    expect(where(f)).toEqual(["Dockerfile:4"]);
    const root = lines("FROM alpine:3.22", "USER root", 'CMD ["/app"]');
    const named = await runRule(DF006, repo(root));
    expect(where(named)).toEqual(["Dockerfile:2"]);
  });

  it("fires without USER on a root base or scratch, at the final FROM", async () => {
    const distroless = lines(
      "FROM golang:1.26.8 AS build",
      "FROM gcr.io/distroless/static-debian13",
      'ENTRYPOINT ["/app"]',
    );
    expect(where(await runRule(DF006, repo(distroless)))).toEqual(["Dockerfile:2"]);
    const scratch = await runRule(DF006, repo(lines("FROM scratch", 'ENTRYPOINT ["/app"]')));
    expect(where(scratch)).toEqual(["Dockerfile:1"]);
    expect(scratch[0]?.message).toContain("scratch has no users");
  });

  it("names the fix that fits the base, and the port a non-root user cannot bind", async () => {
    const message = async (df: string) => (await runRule(DF006, repo(df)))[0]?.message ?? "";
    const debug = await message(
      lines(
        "FROM mirror.example.com/distroless/static-debian12:debug@sha256:ecbc4ac5",
        'ENTRYPOINT ["/app"]',
      ),
    );
    expect(debug).toContain("use the :debug-nonroot base");
    expect(debug).toContain("distroless images other than :nonroot run as root");
    const alpine = await message(
      lines(
        "FROM mirror.example.com/library/alpine:3.22",
        "EXPOSE 8080 443/tcp 80",
        'CMD ["/app"]',
      ),
    );
    expect(alpine).toContain("no USER is set and mirror.example.com/library/alpine:3.22 sets none");
    expect(alpine).not.toContain(":nonroot");
    expect(alpine).toContain(
      "a port of 1024 or above instead of 80, 443 (or CAP_NET_BIND_SERVICE)",
    );
    const asRoot = await message(
      lines(
        "FROM example.com/base:1",
        "ARG PORT=53",
        "EXPOSE $PORT/udp",
        "USER root",
        'CMD ["/app"]',
      ),
    );
    expect(asRoot).toContain("instead of 53");
    const other = await message(lines("FROM example.com/base:1", "EXPOSE 8080", 'CMD ["/app"]'));
    expect(other).toContain("unless example.com/base:1 sets a user itself");
    expect(other).toContain("or use a :nonroot base");
    expect(other).not.toContain("1024");
  });

  it("does not fire on nonroot bases, non-root users, inherited users or unknown users", async () => {
    const cases = [
      lines("FROM gcr.io/distroless/static-debian13:nonroot", 'ENTRYPOINT ["/app"]'),
      lines("FROM gcr.io/distroless/static-debian13:debug-nonroot"),
      lines("FROM scratch", "USER 65532:65532"),
      lines("FROM alpine:3.22 AS base", "USER app", "FROM base"),
      lines("FROM alpine:3.22", "ARG UID", "USER $UID"),
    ];
    for (const df of cases) expect(await runRule(DF006, repo(df))).toEqual([]);
  });

  it("skips dev container and Delve debug images", async () => {
    const dev = lines("FROM golang:1.26.8");
    expect(await runRule(DF006, { ".devcontainer/Dockerfile": dev })).toEqual([]);
    const debug = lines(
      "FROM golang:1.26.8",
      'ENTRYPOINT ["/go/bin/dlv", "exec", "/app", "--headless"]',
    );
    expect(await runRule(DF006, repo(debug))).toEqual([]);
  });
});
