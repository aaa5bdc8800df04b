import { describe, expect, it } from "vitest";
import { modelFromFiles } from "../src/check/model/index.js";
import { MS001 } from "../src/check/rules/go/ms001-invalid-goproxy.js";
import { MS002 } from "../src/check/rules/go/ms002-checksum-verification-off.js";
import { MS003 } from "../src/check/rules/go/ms003-module-settings-disagree.js";
import { MS004 } from "../src/check/rules/go/ms004-private-deps-uncovered.js";
import { MS005 } from "../src/check/rules/go/ms005-malformed-goflags.js";
import { moduleSettingSources } from "../src/check/rules/go/sources/module-settings.js";
import { check, gomod, where } from "./check-rules-go-helpers.js";

const workflow = (env: string) =>
  `on: push\nenv:\n${env}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n`;

describe("moduleSettingSources", () => {
  it("reads every place that sets a module setting, resolving defaults and skipping unknowns", () => {
    const model = modelFromFiles({
      "go.mod": gomod("1.26.0"),
      Dockerfile: [
        "ARG GOPRIVATE=github.com/acme",
        "FROM golang:1.26.8 AS build",
        "ARG GOPRIVATE",
        "ARG GOPROXY",
        'ENV GOPRIVATE="$GOPRIVATE" GOPROXY="$GOPROXY" \\',
        "    GOFLAGS=-mod=readonly",
        "",
      ].join("\n"),
      ".devcontainer/devcontainer.json": JSON.stringify(
        {
          containerEnv: { GOPROXY: "https://proxy.corp.example,direct", HOME: "/x" },
          remoteEnv: {
            GOPRIVATE: "${localEnv:GOPRIVATE}",
            GONOSUMDB: "${localEnv:NOSUM:corp.example}",
          },
        },
        null,
        2,
      ),
      "compose.yaml":
        "services:\n  dev:\n    environment:\n      - GOSUMDB=${GOSUMDB:-sum.corp.example}\n      - GOPROXY\n    build:\n      args:\n        GOTOOLCHAIN: local\n",
      ".github/workflows/ci.yml":
        "on: push\nenv:\n  GOFLAGS: -mod=mod\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      GOPROXY: ${{ vars.PROXY }}\n    steps:\n      - run: go test ./...\n        env:\n          GONOPROXY: corp.example\n",
      ".gitlab-ci.yml":
        "variables:\n  GOPROXY:\n    value: https://proxy.corp.example\ntest:\n  variables:\n    GOPRIVATE: $PRIVATE\n  script: [go test ./...]\n",
      "scripts/setup.sh":
        "#!/bin/sh\ngo env -w GOPRIVATE=github.com/acme\nexport GOFLAGS=-trimpath\n",
      "gopave.yaml":
        "version: 1\nname: app\ngo:\n  version: 1.26.8\nmodules:\n  proxy: https://proxy.corp.example,direct\n  private:\n    - github.com/acme\n",
    });
    expect(
      moduleSettingSources(model).map((s) => `${s.name}=${s.value} ${s.file}:${s.line} ${s.where}`),
    ).toEqual([
      "GOPRIVATE=github.com/acme Dockerfile:3 ARG",
      "GOFLAGS=-mod=readonly Dockerfile:6 ENV",
      "GOPROXY=https://proxy.corp.example,direct .devcontainer/devcontainer.json:3 containerEnv",
      "GONOSUMDB=corp.example .devcontainer/devcontainer.json:8 remoteEnv",
      "GOSUMDB=sum.corp.example compose.yaml:4 service dev environment",
      "GOTOOLCHAIN=local compose.yaml:8 service dev build.args",
      "GOFLAGS=-mod=mod .github/workflows/ci.yml:3 workflow env",
      "GONOPROXY=corp.example .github/workflows/ci.yml:12 job test step 1 env",
      "GOPROXY=https://proxy.corp.example .gitlab-ci.yml:2 variables",
      "GOPRIVATE=github.com/acme scripts/setup.sh:2 go env -w",
      "GOFLAGS=-trimpath scripts/setup.sh:3 export",
      "GOTOOLCHAIN=local gopave.yaml:3 go.toolchain",
      "GOPROXY=https://proxy.corp.example,direct gopave.yaml:6 modules.proxy",
      "GOPRIVATE=github.com/acme gopave.yaml:7 modules.private",
    ]);
  });
});

describe("MS001 invalid GOPROXY", () => {
  it("fires on an unknown keyword, a bad scheme and entries after direct", async () => {
    const findings = await check(MS001, {
      ".github/workflows/ci.yml": workflow("  GOPROXY: https://proxy.corp.example,skip"),
      Dockerfile: "FROM golang:1.26.8\nENV GOPROXY=ftp://mirror.corp.example\n",
      "scripts/env.sh": "#!/bin/sh\nexport GOPROXY=direct,https://proxy.corp.example\n",
    });
    expect(where(findings)).toEqual([
      "MS001 .github/workflows/ci.yml:3",
      "MS001 Dockerfile:2",
      "MS001 scripts/env.sh:2",
    ]);
    expect(findings.map((f) => f.severity)).toEqual(["error", "error", "warning"]);
    expect(findings[0]?.message).toContain(
      'missing scheme: skip (the only keywords are "direct" and "off")',
    );
    expect(findings[1]?.message).toContain("must be https, http, file");
    expect(findings[2]?.message).toContain("https://proxy.corp.example is never used");
  });

  it("never prints a credential from a proxy URL", async () => {
    const findings = await check(MS001, {
      ".github/workflows/ci.yml": workflow(
        "  GOPROXY: https://bot:s3cret@proxy.corp.example,off,direct",
      ),
    });
    expect(findings).toHaveLength(1);
    expect(JSON.stringify(findings)).not.toContain("s3cret");
    expect(findings[0]?.message).toContain("https://***@proxy.corp.example");
  });

  it("accepts valid lists, bare hosts, file URLs and the keywords", async () => {
    const findings = await check(MS001, {
      ".github/workflows/ci.yml": workflow(
        "  GOPROXY: proxy.corp.example|https://mirror.corp.example,direct",
      ),
      Dockerfile: "FROM golang:1.26.8\nENV GOPROXY=off\n",
      "scripts/env.sh": "#!/bin/sh\nexport GOPROXY=file:///tmp/cache,direct\n",
    });
    expect(findings).toEqual([]);
  });
});

describe("MS002 checksum verification off", () => {
  it("fires on GOSUMDB=off, an everything pattern, -insecure, and notes made-up settings", async () => {
    const findings = await check(MS002, {
      Dockerfile: "FROM golang:1.26.8\nENV GOSUMDB=off\n",
      ".github/workflows/ci.yml": workflow("  GONOSUMDB: '*'\n  GOFLAGS: -mod=mod -insecure"),
      "scripts/env.sh": "#!/bin/sh\nexport GONOSUMCHECK=1\n",
    });
    expect(where(findings)).toEqual([
      "MS002 .github/workflows/ci.yml:3",
      "MS002 .github/workflows/ci.yml:4",
      "MS002 Dockerfile:2",
      "MS002 scripts/env.sh:2",
    ]);
    expect(findings.map((f) => f.severity)).toEqual(["warning", "warning", "warning", "note"]);
  });

  it("does not fire on private prefixes or a custom checksum database", async () => {
    const findings = await check(MS002, {
      Dockerfile:
        "FROM golang:1.26.8\nENV GOSUMDB=sum.corp.example GONOSUMDB=github.com/acme,*.corp.example\n",
      ".github/workflows/ci.yml": workflow(
        "  GOPRIVATE: github.com/acme\n  GOFLAGS: -mod=readonly",
      ),
    });
    expect(findings).toEqual([]);
  });
});

describe("MS003 module settings disagree", () => {
  it("reports each place with a different value and relates all the others", async () => {
    const findings = await check(MS003, {
      Dockerfile: "FROM golang:1.26.8\nENV GOPRIVATE=github.com/acme\n",
      ".devcontainer/devcontainer.json":
        '{\n  "containerEnv": { "GOPRIVATE": "github.com/acme/billing" }\n}\n',
      ".github/workflows/ci.yml": workflow("  GOPRIVATE: github.com/acme"),
    });
    expect(where(findings)).toEqual([
      "MS003 .devcontainer/devcontainer.json:2",
      "MS003 .github/workflows/ci.yml:3",
      "MS003 Dockerfile:2",
    ]);
    expect(findings[0]?.message).toContain("GOPRIVATE=github.com/acme/billing here (containerEnv)");
    expect(findings[0]?.related?.map((r) => `${r.file}:${r.line}`)).toEqual([
      "Dockerfile:2",
      ".github/workflows/ci.yml:3",
    ]);
  });

  it("treats pattern lists and GOFLAGS as unordered, and one place as nothing to compare", async () => {
    const findings = await check(MS003, {
      Dockerfile:
        'FROM golang:1.26.8\nENV GOPRIVATE=github.com/acme,corp.example/ GOFLAGS="-mod=readonly -trimpath"\n',
      ".github/workflows/ci.yml": workflow(
        "  GOPRIVATE: corp.example, github.com/acme\n  GOFLAGS: -trimpath -mod=readonly\n  GOSUMDB: sum.corp.example",
      ),
    });
    expect(findings).toEqual([]);
  });
});

describe("MS004 private dependencies", () => {
  const files = {
    "go.mod": [
      "module example.com/app",
      "",
      "go 1.26.0",
      "",
      "require (",
      "\tgithub.com/acme/billing v1.4.0",
      "\tgit.corp.example/platform/auth v0.3.0",
      "\tgithub.com/stretchr/testify v1.11.1",
      "\tgithub.com/acme/local v0.1.0",
      ")",
      "",
      "replace github.com/acme/local => ../local",
      "",
    ].join("\n"),
    "tools/go.mod":
      "module example.com/tools\n\ngo 1.26.0\n\nrequire github.com/acme/billing v1.4.0\n",
  };
  const isPublic = (path: string) =>
    path.startsWith("github.com/acme/") || path.startsWith("git.corp.example/") ? false : true;

  it("flags each uncovered private module once, at its first require, with a glob to add", async () => {
    const findings = await check(MS004, files, isPublic);
    expect(where(findings)).toEqual(["MS004 go.mod:6", "MS004 go.mod:7"]);
    expect(findings[0]?.message).toContain("add github.com/acme to GOPRIVATE");
    expect(findings[0]?.related).toEqual([
      { file: "tools/go.mod", line: 5, message: "also required here" },
    ]);
    expect(findings[1]?.message).toContain("add git.corp.example to GOPRIVATE");
  });

  it("accepts modules covered by GOPRIVATE or GONOSUMDB from any source, and unknown verdicts", async () => {
    const covered = await check(
      MS004,
      {
        ...files,
        Dockerfile: "FROM golang:1.26.8\nENV GONOSUMDB=git.corp.example\n",
        ".github/workflows/ci.yml": workflow("  GOPRIVATE: github.com/acme/*"),
      },
      isPublic,
    );
    expect(covered).toEqual([]);
    expect(await check(MS004, files, () => undefined)).toEqual([]);
  });
});

describe("MS005 malformed GOFLAGS", () => {
  it("fires on comma-joined flags and on words that are not flags", async () => {
    const findings = await check(MS005, {
      Dockerfile: "FROM golang:1.26.8\nENV GOFLAGS=-mod=mod,-trimpath\n",
      "scripts/env.sh": "#!/bin/sh\nexport GOFLAGS='-mod=readonly trimpath'\n",
    });
    expect(where(findings)).toEqual(["MS005 Dockerfile:2", "MS005 scripts/env.sh:2"]);
    expect(findings[0]?.message).toContain('write "-mod=mod -trimpath"');
    expect(findings[1]?.message).toContain('non-flag "trimpath"');
  });

  it("accepts space-separated flags, including commas inside a value", async () => {
    const findings = await check(MS005, {
      Dockerfile:
        'FROM golang:1.26.8\nENV GOFLAGS="-mod=readonly -tags=integration,e2e -trimpath"\n',
    });
    expect(findings).toEqual([]);
  });
});
