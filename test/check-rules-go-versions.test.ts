import { describe, expect, it } from "vitest";
import { modelFromFiles } from "../src/check/model/index.js";
import { GV001 } from "../src/check/rules/go/gv001-go-versions-disagree.js";
import { GV002 } from "../src/check/rules/go/gv002-pin-below-go-line.js";
import { GV003 } from "../src/check/rules/go/gv003-go-toolchain-lines.js";
import { goVersionPins } from "../src/check/rules/go/sources/version-pins.js";
import { check, gomod, where } from "./check-rules-go-helpers.js";

const SPEC = `version: 1
name: app
go:
  version: 1.26.8
`;

describe("goVersionPins", () => {
  it("finds every place that states a Go version, with its line and precision", () => {
    const model = modelFromFiles({
      "go.mod": gomod("1.25.0", "go1.26.8"),
      Dockerfile:
        "ARG GO_VERSION=1.26.8\nFROM golang:${GO_VERSION}-alpine AS build\nFROM scratch\n",
      ".devcontainer/devcontainer.json":
        '{\n  "image": "mcr.microsoft.com/devcontainers/go:1-1.26-bookworm",\n  "features": {\n    "ghcr.io/devcontainers/features/go:1": { "version": "1.26.8" }\n  }\n}\n',
      ".github/workflows/ci.yml":
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: golang:1.26.8\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: stable\n",
      ".gitlab-ci.yml":
        'variables:\n  GO_VERSION: "1.26.8"\ntest:\n  image: golang:$GO_VERSION\n  script: [go test ./...]\n',
      "compose.yaml": "services:\n  dev:\n    image: golang:1.26\n",
      ".go-version": "1.26.8\n",
      "gopave.yaml": SPEC,
    });
    expect(
      goVersionPins(model).map(
        (p) => `${p.kind} ${p.file}:${p.line} ${p.version ?? "-"} ${p.precision}`,
      ),
    ).toEqual([
      "go-line go.mod:3 1.25.0 minimum",
      "toolchain go.mod:5 1.26.8 exact",
      "dockerfile Dockerfile:1 1.26.8 exact",
      "devcontainer-image .devcontainer/devcontainer.json:2 1.26 minor",
      "devcontainer-feature .devcontainer/devcontainer.json:4 1.26.8 exact",
      "compose-image compose.yaml:3 1.26 minor",
      "workflow-container .github/workflows/ci.yml:5 1.26.8 exact",
      "setup-go .github/workflows/ci.yml:9 - floating",
      "gitlab-image .gitlab-ci.yml:4 1.26.8 exact",
      "version-file .go-version:1 1.26.8 exact",
      "spec gopave.yaml:4 1.26.8 exact",
    ]);
  });
});

describe("GV001 Go versions disagree", () => {
  it("reports each place that differs from the pinned release, naming every other source", async () => {
    const findings = await check(GV001, {
      "go.mod": gomod("1.25.0", "go1.26.8"),
      Dockerfile: "FROM golang:1.25.4 AS build\n",
      ".go-version": "1.26.8\n",
      ".tool-versions": "nodejs 22.1.0\ngolang 1.26.7\n",
    });
    expect(where(findings)).toEqual(["GV001 .tool-versions:2", "GV001 Dockerfile:1"]);
    const docker = findings[1];
    expect(docker?.severity).toBe("error");
    expect(docker?.message).toContain("Go 1.25.4 here");
    expect(docker?.message).toContain("go.mod toolchain go1.26.8");
    expect(docker?.related?.map((r) => `${r.file}:${r.line}`)).toEqual([
      "go.mod:5",
      ".go-version:1",
      ".tool-versions:2",
    ]);
  });

  it("takes gopave.yaml's go.version as the reference", async () => {
    const findings = await check(GV001, {
      "go.mod": gomod("1.25.0", "go1.26.7"),
      "gopave.yaml": SPEC,
      Dockerfile: "FROM golang:1.26.8\n",
    });
    expect(where(findings)).toEqual(["GV001 go.mod:5"]);
    expect(findings[0]?.message).toContain(
      "but the repo pins 1.26.8 (gopave.yaml go.version 1.26.8)",
    );
  });

  it("reports every side of a tie when nothing is the reference", async () => {
    const findings = await check(GV001, {
      "go.mod": gomod("1.25.0"),
      Dockerfile: "FROM golang:1.25.4\n",
      ".go-version": "1.26.8\n",
    });
    expect(where(findings)).toEqual(["GV001 .go-version:1", "GV001 Dockerfile:1"]);
  });

  it("accepts a minor-only source for any patch of that minor, and ignores the go line", async () => {
    const findings = await check(GV001, {
      "go.mod": gomod("1.24.0", "go1.26.8"),
      Dockerfile: "FROM golang:1.26-alpine AS build\nFROM golang:1.26.8\n",
      "compose.yaml": "services:\n  dev:\n    image: golang:1.26\n",
      ".devcontainer/devcontainer.json":
        '{ "features": { "ghcr.io/devcontainers/features/go:1": { "version": "1.26" } } }',
      "gopave.yaml": SPEC,
    });
    expect(findings).toEqual([]);
  });

  it("warns when a floating minor differs from the declared Go", async () => {
    const findings = await check(GV001, {
      "go.mod": gomod("1.24.0", "go1.26.8"),
      Dockerfile: "FROM golang:1.25-alpine AS build\n",
    });
    expect(where(findings)).toEqual(["GV001 Dockerfile:1"]);
    expect(findings[0]?.severity).toBe("warning");
  });

  it("without a declared Go, compares only exact releases (floating minors differ on purpose)", async () => {
    // go-redis-like: a test image on golang:1.24-alpine, a govulncheck job on the newest Go.
    const findings = await check(GV001, {
      "go.mod": gomod("1.24"),
      "e2e/Dockerfile": "FROM golang:1.24-alpine\n",
      ".github/workflows/vuln.yml":
        "on: push\njobs:\n  vuln:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: 1.26.x\n",
    });
    expect(findings).toEqual([]);
  });

  it("leaves setup-go to CI001 when CI001 reports it", async () => {
    const findings = await check(GV001, {
      "go.mod": gomod("1.25.0", "go1.26.8"),
      ".github/workflows/ci.yml":
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: '1.25.4'\n",
    });
    expect(findings).toEqual([]);
  });
});

describe("GV002 pin below the go line", () => {
  it("fires on an exact and a minor pin below go.mod's go line", async () => {
    const findings = await check(GV002, {
      "go.mod": gomod("1.25.0"),
      Dockerfile: "FROM golang:1.24.9 AS build\n",
      ".devcontainer/devcontainer.json": '{\n  "image": "golang:1.24"\n}\n',
    });
    expect(where(findings)).toEqual([
      "GV002 .devcontainer/devcontainer.json:2",
      "GV002 Dockerfile:1",
    ]);
    expect(findings[1]?.message).toContain(
      '"go.mod requires go >= 1.25.0 (running go 1.24.9; GOTOOLCHAIN=local)"',
    );
    expect(findings[1]?.message).not.toContain("downloads");
    expect(findings[1]?.related).toEqual([{ file: "go.mod", line: 3, message: "go 1.25.0" }]);
  });

  it("leaves a golang builder that runs go under GOTOOLCHAIN=local to DF012", async () => {
    const findings = await check(GV002, {
      "go.mod": gomod("1.25.0"),
      Dockerfile:
        "ARG GO=1.24.9\nFROM golang:${GO} AS build\nRUN go build ./...\nFROM golang:1.24 AS tools\nENV GOTOOLCHAIN=auto\nRUN go build ./...\n",
    });
    expect(where(findings)).toEqual(["GV002 Dockerfile:4"]);
  });

  it("uses go.work's go line and a nested module's own go line", async () => {
    const findings = await check(GV002, {
      "go.work": "go 1.26.0\n\nuse ./api\n",
      "api/go.mod": gomod("1.26.0", undefined, "example.com/api"),
      "api/Dockerfile": "FROM golang:1.25.9\n",
      ".go-version": "1.25.9\n",
    });
    expect(where(findings)).toEqual(["GV002 .go-version:1", "GV002 api/Dockerfile:1"]);
    expect(findings[1]?.related?.[0]?.file).toBe("api/go.mod");
    expect(findings[0]?.related?.[0]?.file).toBe("go.work");
  });

  it("does not fire at or above the go line, for a same-minor tag, or for floating tags", async () => {
    const findings = await check(GV002, {
      "go.mod": gomod("1.25.3"),
      Dockerfile:
        "FROM golang:1.25 AS a\nFROM golang:1.25.3 AS b\nFROM golang:latest AS c\nFROM golang AS d\n",
      ".go-version": "1.26.0\n",
    });
    expect(findings).toEqual([]);
  });
});

describe("GV003 go and toolchain lines", () => {
  it("fires on a toolchain below the go line", async () => {
    const findings = await check(GV003, { "go.mod": gomod("1.25.0", "go1.24.5") });
    expect(where(findings)).toEqual(["GV003 go.mod:5"]);
    expect(findings[0]?.severity).toBe("warning");
    expect(findings[0]?.message).toContain("never takes effect");
  });

  it("fires on a toolchain name without a patch number", async () => {
    const findings = await check(GV003, { "go.mod": gomod("1.26.0", "go1.26") });
    expect(where(findings)).toEqual(["GV003 go.mod:5"]);
    expect(findings[0]?.message).toContain("toolchain not available");
  });

  it("notes a go line without a patch number from 1.21 on, in go.mod and go.work", async () => {
    const findings = await check(GV003, {
      "go.mod": gomod("1.26"),
      "go.work": "go 1.26\n\nuse .\n",
    });
    expect(where(findings)).toEqual(["GV003 go.mod:3", "GV003 go.work:1"]);
    expect(findings.map((f) => f.severity)).toEqual(["note", "note"]);
  });

  it("accepts full release names, toolchain default and pre-1.21 language versions", async () => {
    expect(await check(GV003, { "go.mod": gomod("1.25.0", "go1.26.8") })).toEqual([]);
    expect(await check(GV003, { "go.mod": gomod("1.25.0", "default") })).toEqual([]);
    expect(await check(GV003, { "go.mod": gomod("1.20") })).toEqual([]);
    expect(await check(GV003, { "go.mod": gomod("1.26rc1") })).toEqual([]);
  });
});

describe("GV001 on what the repo's files say among themselves", () => {
  const gomod = "module example.com/x\n\ngo 1.25.8\n";
  const workflow = (setup: string) =>
    `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n${setup}\n`;

  it("measures an exact Dockerfile pin against a floating CI minor, as a warning", async () => {
    const f = await check(GV001, {
      "go.mod": gomod,
      Dockerfile: "FROM golang:1.26.4 AS build\n",
      ".github/workflows/ci.yml": workflow('          go-version: "1.25"'),
    });
    expect(f.map((x) => [x.file, x.line, x.severity])).toEqual([["Dockerfile", 1, "warning"]]);
    expect(f[0]?.message).toMatch(/disagrees with 1\.25\.x/);
  });

  it("reads go-version-file: go.mod as the release go.mod names", async () => {
    const f = await check(GV001, {
      "go.mod": gomod,
      Dockerfile: "FROM golang:1.26.4 AS build\n",
      ".github/workflows/ci.yml": workflow("          go-version-file: go.mod"),
    });
    expect(f.map((x) => [x.file, x.severity]).sort()).toEqual([
      [".github/workflows/ci.yml", "error"],
      ["Dockerfile", "error"],
    ]);
    expect(f.find((x) => x.file === "Dockerfile")?.message).toMatch(/go-version-file go\.mod/);
  });

  it("leaves pins below the go line to GV002, and nested modules of their own alone", async () => {
    const f = await check(GV001, {
      "go.mod": gomod,
      "gopave.yaml": "version: 1\nname: x\ngo: { version: 1.25.8 }\n",
      "Dockerfile.old": "FROM golang:1.22-alpine\n",
      "test/mock/go.mod": "module example.com/mock\n\ngo 1.21\n",
      "test/mock/Dockerfile": "FROM golang:1.21-alpine\n",
    });
    expect(f).toEqual([]);
  });
});
