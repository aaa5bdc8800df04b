import { describe, expect, it } from "vitest";
import { DF003 } from "../src/check/rules/docker/df003-sources-before-mod-download.js";
import { DF004 } from "../src/check/rules/docker/df004-no-cache-mount.js";
import { GOMOD, lines, repo, runRule, where } from "./check-rules-docker-helpers.js";

/** Stage graphs real repos build: a separate modules stage, copied module caches, replace dirs. */

/** A modules stage that downloads into its layer, and a build stage that copies /go/pkg. */
const MODULES_STAGE = lines(
  "FROM golang:1.26.8 AS modules",
  "COPY go.mod go.sum /modules/",
  "WORKDIR /modules",
  "RUN go mod download",
  "",
  "FROM golang:1.26.8 AS builder",
  "COPY --from=modules /go/pkg /go/pkg",
  "COPY . /app",
  "WORKDIR /app",
  "RUN CGO_ENABLED=0 go build -o /bin/app ./cmd/app",
  "",
  "FROM scratch",
  "COPY --from=builder /bin/app /app",
);

describe("DF003 follows the stage graph", () => {
  it("accepts a modules stage whose /go/pkg (or /go/pkg/mod) the build stage copies", async () => {
    expect(await runRule(DF003, repo(MODULES_STAGE))).toEqual([]);
    const mod = MODULES_STAGE.replace("/go/pkg /go/pkg", "/go/pkg/mod /go/pkg/mod");
    expect(await runRule(DF003, repo(mod))).toEqual([]);
  });

  it("accepts FROM modules AS build followed by COPY . .", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS modules",
      "COPY go.mod go.sum ./",
      "RUN go mod download",
      "FROM modules AS build",
      "COPY . .",
      "RUN go build -o /app .",
    );
    expect(await runRule(DF003, repo(df))).toEqual([]);
  });

  it("still fires when the copied modules stage itself downloads after its sources", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS modules",
      "COPY . /modules/",
      "WORKDIR /modules",
      "RUN go mod download",
      "FROM golang:1.26.8 AS builder",
      "COPY --from=modules /go/pkg /go/pkg",
      "COPY . /app",
      "RUN go build -o /bin/app .",
    );
    const f = await runRule(DF003, repo(df));
    expect(where(f)).toEqual(["Dockerfile:2"]);
    expect(f[0]?.related).toEqual([{ file: "Dockerfile", line: 4, message: "go mod download" }]);
  });

  it("fires when the copied stage never downloaded anything", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS tools",
      "RUN mkdir -p /go/pkg",
      "FROM golang:1.26.8 AS builder",
      "COPY --from=tools /go/pkg /go/pkg",
      "COPY . /app",
      "RUN go build -o /bin/app .",
    );
    expect(where(await runRule(DF003, repo(df)))).toEqual(["Dockerfile:5"]);
  });

  it("treats directories of go.mod's local replace directives as dependencies", async () => {
    const gomod = `${GOMOD}\nreplace example.com/app/api/loki => ./api/loki\n`;
    const df = lines(
      "FROM golang:1.26.8 AS builder",
      "COPY api/ api/",
      "COPY go.mod go.mod",
      "COPY go.sum go.sum",
      "RUN go mod download",
      "COPY internal/ internal/",
      "RUN go build -o manager ./cmd/manager",
    );
    expect(await runRule(DF003, { "go.mod": gomod, Dockerfile: df })).toEqual([]);
    // Without the replace, api/ is a source directory like any other.
    expect(where(await runRule(DF003, repo(df)))).toEqual(["Dockerfile:2"]);
  });

  it("accepts a download that binds the sources but keeps modules in a cache mount", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS build",
      "RUN --mount=type=bind,source=. \\",
      "    --mount=type=cache,target=/go/pkg/mod \\",
      "    go mod download",
      "RUN --mount=type=bind,source=. --mount=type=cache,target=/go/pkg/mod go build -o /out/app .",
    );
    expect(await runRule(DF003, repo(df))).toEqual([]);
  });

  it("reads the module a root Dockerfile copies by directory, and its vendor/", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS build",
      "ADD backend /build/backend",
      "WORKDIR /build/backend",
      "RUN go build -o /app ./app",
    );
    const files = {
      "backend/go.mod": GOMOD,
      "backend/vendor/modules.txt": "# github.com/google/uuid v1.6.0\n",
      Dockerfile: df,
    };
    expect(await runRule(DF003, files)).toEqual([]);
    const unvendored = { "backend/go.mod": GOMOD, Dockerfile: df };
    expect(where(await runRule(DF003, unvendored))).toEqual(["Dockerfile:2"]);
  });
});

describe("DF004 and module caches that move between stages", () => {
  it("does not advise a cache mount on a download whose /go/pkg a later stage copies", async () => {
    const f = await runRule(DF004, repo(MODULES_STAGE));
    // Line 4 (the download) must write into the layer; line 10 needs only the build cache.
    expect(where(f)).toEqual(["Dockerfile:10"]);
    expect(f[0]?.message).toContain("the build cache (/root/.cache/go-build)");
    expect(f[0]?.message).not.toContain("module cache");
  });

  it("still advises the module cache where no stage copies it out", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS modules",
      "COPY go.mod go.sum ./",
      "RUN go mod download",
      "FROM modules AS build",
      "COPY . .",
      "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .",
    );
    const f = await runRule(DF004, repo(df));
    expect(where(f)).toEqual(["Dockerfile:3", "Dockerfile:6"]);
    expect(f[0]?.message).toContain("the module cache (/go/pkg/mod)");
  });

  it("asks only for the build cache when the module is vendored", async () => {
    const df = lines("FROM golang:1.26.8", "COPY . .", "RUN go build -o /app .");
    const f = await runRule(
      DF004,
      repo(df, { "vendor/modules.txt": "# github.com/google/uuid v1.6.0\n" }),
    );
    expect(where(f)).toEqual(["Dockerfile:3"]);
    expect(f[0]?.message).not.toContain("module cache");
    expect(f[0]?.message).toContain("build cache");
  });
});

describe("DF004 and tools installed at a version", () => {
  it("still asks for the module cache for go install pkg@version in a vendored module", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "RUN go install github.com/go-delve/delve/cmd/dlv@v1.27.1",
    );
    const f = await runRule(
      DF004,
      repo(df, { "vendor/modules.txt": "# github.com/google/uuid v1.6.0\n" }),
    );
    expect(f[0]?.message).toContain("the module cache (/go/pkg/mod)");
  });
});
