import { describe, expect, it } from "vitest";
import { DF009 } from "../src/check/rules/docker/df009-go-install-unpinned.js";
import { SH001 } from "../src/check/rules/go/sh001-go-install-unpinned.js";
import { lines, runRule, where as dfWhere } from "./check-rules-docker-helpers.js";
import { check, where } from "./check-rules-go-helpers.js";

/** Tools pinned by go.mod (`tool` directives, requirements) and by commit hashes. */

const TOOL_GOMOD = lines(
  "module example.com/app",
  "",
  "go 1.25.0",
  "",
  "tool github.com/golang-migrate/migrate/v4/cmd/migrate",
  "",
  "require github.com/golang-migrate/migrate/v4 v4.19.1",
);

describe("SH001 and go.mod tool directives", () => {
  it("accepts `go install tool`, a tool directive's package and `go tool`", async () => {
    const findings = await check(SH001, {
      "go.mod": TOOL_GOMOD,
      Makefile: lines(
        "bin-deps:",
        "\tgo install tool",
        "\tgo install -tags 'postgres' github.com/golang-migrate/migrate/v4/cmd/migrate",
        "migrate:",
        "\tgo tool migrate -path migrations up",
      ),
    });
    expect(findings).toEqual([]);
  });

  it("reads the go.mod of the module the script sits in", async () => {
    const findings = await check(SH001, {
      "go.mod": lines("module example.com/app", "", "go 1.25.0"),
      "tools/go.mod": TOOL_GOMOD,
      "tools/install.sh": lines(
        "#!/bin/sh",
        "go install github.com/golang-migrate/migrate/v4/cmd/migrate",
      ),
      "scripts/install.sh": lines(
        "#!/bin/sh",
        "go install github.com/golang-migrate/migrate/v4/cmd/migrate",
      ),
    });
    expect(where(findings)).toEqual(["SH001 scripts/install.sh:2"]);
    expect(findings[0]?.message).toContain("go.mod does not require its module");
  });

  it("accepts a commit hash, which names one revision, but not a branch or a version prefix", async () => {
    const findings = await check(SH001, {
      Makefile: lines(
        "swagger:",
        "\tgo install github.com/go-swagger/go-swagger/cmd/swagger@717e3cb29becaaf00e56953556c6d80f8a01b286",
        "\tgo install github.com/go-swagger/go-swagger/cmd/swagger@717e3cb29bec",
        "\tgo install github.com/go-swagger/go-swagger/cmd/swagger@develop",
        "\tgo install github.com/go-swagger/go-swagger/cmd/swagger@v0",
      ),
    });
    expect(where(findings)).toEqual(["SH001 Makefile:4", "SH001 Makefile:5"]);
  });
});

describe("DF009 in every stage, go run included", () => {
  it("fires on go run pkg@latest and on @latest in a debug stage", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS build",
      "COPY . .",
      "RUN go build -o /app .",
      "FROM golang:1.26.8 AS debug",
      "RUN go install github.com/go-delve/delve/cmd/dlv@latest",
      "RUN go run github.com/swaggo/swag/cmd/swag@latest init -g main.go",
      "RUN go run ./cmd/gen && go run main.go",
    );
    const f = await runRule(DF009, { "go.mod": TOOL_GOMOD, Dockerfile: df });
    expect(dfWhere(f)).toEqual(["Dockerfile:5", "Dockerfile:6"]);
    expect(f[1]?.message).toContain(
      "go run github.com/swaggo/swag/cmd/swag@latest runs a moving target",
    );
  });

  it("accepts commit hashes and tools the built module lists", async () => {
    const df = lines(
      "FROM golang:1.26.8",
      "RUN go install github.com/golang-migrate/migrate/v4/cmd/migrate",
      "RUN go install github.com/go-swagger/go-swagger/cmd/swagger@717e3cb29becaaf00e56953556c6d80f8a01b286",
    );
    expect(await runRule(DF009, { "go.mod": TOOL_GOMOD, Dockerfile: df })).toEqual([]);
  });
});

describe("an install in a command continued over several lines", () => {
  it("is reported on the line it is written on, in a Makefile and in a Dockerfile RUN", async () => {
    const mk = lines(
      "tools:",
      "\tgo install github.com/google/addlicense@v1.2.0 && \\",
      "\t  go install github.com/vektra/mockery/v3@latest",
    );
    expect(where(await check(SH001, { Makefile: mk }))).toEqual(["SH001 Makefile:3"]);
    const df = lines(
      "FROM golang:1.26.8 AS debug",
      "RUN go env GOARCH > /goarch && \\",
      "    go install github.com/go-delve/delve/cmd/dlv@latest",
    );
    expect(dfWhere(await runRule(DF009, { Dockerfile: df }))).toEqual(["Dockerfile:3"]);
  });
});
