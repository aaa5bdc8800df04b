import { describe, expect, it } from "vitest";
import { DF010 } from "../src/check/rules/docker/df010-dockerignore-git.js";
import { lines, runRule, where } from "./check-rules-docker-helpers.js";

/** A build that reads git history needs .git in its context. */

const build = (run: string) =>
  lines("FROM golang:1.26.8 AS build", "WORKDIR /src", "COPY . .", run, "FROM scratch");

describe("DF010 when the build needs .git", () => {
  it("does not ask to exclude .git when a RUN reads git", async () => {
    for (const run of [
      'RUN go build -ldflags "-X main.version=$(git describe --tags)" -o /app .',
      "RUN VERSION=$(git rev-parse --short HEAD) && go build -o /app .",
    ]) {
      expect(await runRule(DF010, { Dockerfile: build(run) })).toEqual([]);
      expect(await runRule(DF010, { Dockerfile: build(run), ".dockerignore": "bin/\n" })).toEqual(
        [],
      );
    }
  });

  it("follows make to the Makefile, and $(shell script) to the script", async () => {
    const files = {
      Dockerfile: build("RUN make build"),
      Makefile: lines("GITREV=`git describe | cut -c 2-`", "build:", "\tgo build -o /app ."),
    };
    expect(await runRule(DF010, files)).toEqual([]);
    const viaScript = {
      Dockerfile: build("RUN make release-binary"),
      Makefile: lines(
        "VERSION ?= $(shell ./scripts/git-version)",
        "release-binary:",
        "\tgo build .",
      ),
      "scripts/git-version": lines("#!/bin/sh", "git describe --tags --dirty"),
    };
    expect(await runRule(DF010, viaScript)).toEqual([]);
    const script = {
      Dockerfile: build("RUN ./scripts/build.sh"),
      "scripts/build.sh": lines(
        "#!/bin/sh",
        'go build -ldflags "-X main.sha=$(git rev-parse HEAD)" .',
      ),
    };
    expect(await runRule(DF010, script)).toEqual([]);
  });

  it("still fires when make and the scripts never touch git", async () => {
    const files = {
      Dockerfile: build("RUN make build"),
      Makefile: lines("build:", "\tgo build -o /app .", "clean:", "\tgit clean -fdx"),
      ".dockerignore": "engine\n",
    };
    expect(where(await runRule(DF010, files))).toEqual([".dockerignore:1"]);
  });
});

describe("DF010 reads only the make targets the build runs", () => {
  it("ignores git in recipes of other targets, follows prerequisites", async () => {
    const mk = lines(
      "VERSION := 1.0.0",
      "build: deps",
      "\tgo build -o /app .",
      "deps:",
      "\tgo mod download",
      "verify:",
      "\t@git diff --exit-code",
      "release: stamp",
      "stamp:",
      "\techo $$(git describe --tags) > VERSION",
    );
    const files = (run: string) => ({
      Dockerfile: build(run),
      Makefile: mk,
      ".dockerignore": "bin/\n",
    });
    expect(where(await runRule(DF010, files("RUN make build")))).toEqual([".dockerignore:1"]);
    expect(await runRule(DF010, files("RUN make release"))).toEqual([]);
    expect(where(await runRule(DF010, files("RUN make")))).toEqual([".dockerignore:1"]);
  });
});

describe("DF010 and builder images that build when they run", () => {
  it("reads the script the image's CMD runs from the copied context", async () => {
    const files = {
      "packaging/debian/Dockerfile": lines(
        "FROM golang:1.26.8",
        "ADD . /src",
        'CMD ["/src/packaging/debian/build.sh"]',
      ),
      "packaging/debian/build.sh": lines("#!/bin/sh", "V=$(cd /src && git describe --tags)"),
    };
    expect(await runRule(DF010, files)).toEqual([]);
  });
});
