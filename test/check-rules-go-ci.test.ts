import { describe, expect, it } from "vitest";
import { CI001 } from "../src/check/rules/go/ci001-setup-go-version.js";
import { CI002 } from "../src/check/rules/go/ci002-setup-go-cache-off.js";
import { CI003 } from "../src/check/rules/go/ci003-golangci-action-major.js";
import { CI004 } from "../src/check/rules/go/ci004-golangci-action-without-setup-go.js";
import { check, gomod, where } from "./check-rules-go-helpers.js";

const WF = ".github/workflows/ci.yml";

/** A one-job workflow; `steps` starts at line 7, indented as list items under `steps:`. */
function workflow(steps: string, job = ""): string {
  return `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n${job}    steps:\n      - uses: actions/checkout@v5\n${steps}`;
}

const setupGo = (withBlock: string, ref = "v6") =>
  `      - uses: actions/setup-go@${ref}\n        with:\n${withBlock}`;

describe("CI001 setup-go against go.mod", () => {
  it("fires when go-version is below the go line", async () => {
    const findings = await check(CI001, {
      "go.mod": gomod("1.25.0"),
      [WF]: workflow(setupGo("          go-version: '1.24.9'\n")),
    });
    expect(where(findings)).toEqual([`CI001 ${WF}:9`]);
    expect(findings[0]?.message).toContain("below the go line `go 1.25.0` in go.mod");
    expect(findings[0]?.related).toEqual([{ file: "go.mod", line: 3, message: "go 1.25.0" }]);
  });

  it("fires when go-version differs from the toolchain line or gopave.yaml", async () => {
    const toolchain = await check(CI001, {
      "go.mod": gomod("1.25.0", "go1.26.8"),
      [WF]: workflow(setupGo("          go-version: '1.25.x'\n")),
    });
    expect(where(toolchain)).toEqual([`CI001 ${WF}:9`]);
    expect(toolchain[0]?.message).toContain("go.mod's toolchain line (go1.26.8) pins Go 1.26.8");
    const spec = await check(CI001, {
      "go.mod": gomod("1.25.0"),
      "gopave.yaml": "version: 1\nname: app\ngo:\n  version: 1.26.8\n",
      [WF]: workflow(setupGo("          go-version-file: go.mod\n")),
    });
    expect(where(spec)).toEqual([`CI001 ${WF}:9`]);
    expect(spec[0]?.message).toContain("Go 1.25.0 (go.mod's go line)");
  });

  it("explains that setup-go before v6 ignores the toolchain line", async () => {
    const findings = await check(CI001, {
      "go.mod": gomod("1.25.0", "go1.26.8"),
      [WF]: workflow(setupGo("          go-version-file: go.mod\n", "v5")),
    });
    expect(where(findings)).toEqual([`CI001 ${WF}:9`]);
    expect(findings[0]?.message).toContain("setup-go v5 ignores the toolchain line");
  });

  it("fires on an unquoted YAML number and on a missing go-version-file", async () => {
    const findings = await check(CI001, {
      "go.mod": gomod("1.20"),
      [WF]: workflow(
        setupGo("          go-version: 1.20\n") +
          setupGo("          go-version-file: api/go.mod\n"),
      ),
    });
    expect(where(findings)).toEqual([`CI001 ${WF}:9`, `CI001 ${WF}:12`]);
    expect(findings[0]?.message).toContain("read as 1.2");
    expect(findings[1]?.message).toContain("api/go.mod, which is not in the repository");
  });

  it("accepts go.mod with v6+, a matching minor, floating versions and expressions", async () => {
    const findings = await check(CI001, {
      "go.mod": gomod("1.25.0", "go1.26.8"),
      ".go-version": "1.26.8\n",
      [WF]: workflow(
        setupGo("          go-version-file: go.mod\n") +
          setupGo("          go-version: '1.26'\n") +
          setupGo("          go-version: stable\n") +
          setupGo("          go-version: ${{ matrix.go }}\n") +
          setupGo("          go-version-file: .go-version\n"),
      ),
    });
    expect(findings).toEqual([]);
  });
});

describe("CI002 setup-go caching off", () => {
  it("fires on cache: false and on setup-go v3 without cache: true", async () => {
    const findings = await check(CI002, {
      [WF]: workflow(
        setupGo("          go-version-file: go.mod\n          cache: false\n") +
          "      - uses: actions/setup-go@v3\n        with:\n          go-version: '1.26.8'\n",
      ),
    });
    expect(where(findings)).toEqual([`CI002 ${WF}:10`, `CI002 ${WF}:11`]);
    expect(findings[1]?.message).toContain("setup-go v3");
  });

  it("accepts the default, and cache: false next to an actions/cache step for the module cache", async () => {
    const findings = await check(CI002, {
      [WF]: workflow(
        setupGo("          go-version-file: go.mod\n          cache: false\n") +
          "      - uses: actions/cache@v4\n        with:\n          path: ~/go/pkg/mod\n          key: go-${{ hashFiles('go.sum') }}\n",
      ),
      ".github/workflows/other.yml": workflow(setupGo("          go-version-file: go.mod\n")),
    });
    expect(findings).toEqual([]);
  });
});

describe("CI003 golangci-lint-action and the config format", () => {
  const V2 = ".golangci.yml";
  const lintStep = (ref: string, version?: string) =>
    `      - uses: golangci/golangci-lint-action@${ref}\n` +
    (version ? `        with:\n          version: ${version}\n` : "");
  const lint = (ref: string, version?: string) =>
    setupGo("          go-version-file: go.mod\n") + lintStep(ref, version);

  it("fires on a v2 config with an action before v7", async () => {
    const findings = await check(CI003, {
      [V2]: 'version: "2"\nlinters:\n  default: standard\n',
      [WF]: workflow(lint("v6.1.0")),
    });
    expect(where(findings)).toEqual([`CI003 ${WF}:10`]);
    expect(findings[0]?.message).toContain("v2 config");
    expect(findings[0]?.related).toEqual([{ file: V2, line: 1, message: "config format v2" }]);
  });

  it("fires on a v1 config with v7+, reading the major from a SHA's comment", async () => {
    const findings = await check(CI003, {
      [V2]: "linters:\n  enable:\n    - gosec\n",
      [WF]: workflow(lint("4afd733a84b1f43292c63897423277bb7f4313a9 # v8.0.0", "v2.13.1")),
    });
    expect(where(findings)).toEqual([`CI003 ${WF}:10`]);
    expect(findings[0]?.message).toContain("golangci-lint migrate");
  });

  it("fires on a version input from the other major, and v2.0 with v8+", async () => {
    const findings = await check(CI003, {
      [WF]: workflow(lint("v9", "v1.64.8") + lintStep("v6", "v2.1.0") + lintStep("v8", "v2.0.2")),
    });
    expect(where(findings)).toEqual([`CI003 ${WF}:10`, `CI003 ${WF}:13`, `CI003 ${WF}:16`]);
    expect(findings[0]?.message).toContain("runs golangci-lint v2 only");
    expect(findings[1]?.message).toContain("cannot run golangci-lint v2");
    expect(findings[2]?.message).toContain("v2.1.0 or later");
  });

  it("accepts a v2 config with v7+ and a v1 config with v6", async () => {
    expect(
      await check(CI003, {
        [V2]: 'version: "2"\n',
        [WF]: workflow(lint("v9", "v2.13.1")),
      }),
    ).toEqual([]);
    expect(
      await check(CI003, {
        [V2]: "run:\n  timeout: 5m\n",
        [WF]: workflow(lint("v6", "v1.64.8")),
      }),
    ).toEqual([]);
  });
});

describe("CI004 golangci-lint-action without setup-go", () => {
  it("fires when no setup-go step comes before the lint step", async () => {
    const findings = await check(CI004, {
      [WF]: workflow(
        "      - uses: golangci/golangci-lint-action@v9\n" +
          setupGo("          go-version-file: go.mod\n"),
      ),
    });
    expect(where(findings)).toEqual([`CI004 ${WF}:7`]);
  });

  it("accepts setup-go before it, a Go job container, and v3 (which installs Go)", async () => {
    const findings = await check(CI004, {
      [WF]: workflow(
        setupGo("          go-version-file: go.mod\n") +
          "      - uses: golangci/golangci-lint-action@v9\n",
      ),
      ".github/workflows/container.yml": workflow(
        "      - uses: golangci/golangci-lint-action@v9\n",
        "    container: golang:1.26.8\n",
      ),
      ".github/workflows/old.yml": workflow("      - uses: golangci/golangci-lint-action@v3\n"),
    });
    expect(findings).toEqual([]);
  });
});
