import { describe, expect, it } from "vitest";
import { CI005 } from "../src/check/rules/go/ci005-go-matrix-misses-go-line.js";
import { CI006 } from "../src/check/rules/go/ci006-mod-mod-in-ci.js";
import { GR001 } from "../src/check/rules/go/gr001-goreleaser-go-version.js";
import { GR002 } from "../src/check/rules/go/gr002-goreleaser-proxy-with-replace.js";
import { check, gomod, where } from "./check-rules-go-helpers.js";

const CI = ".github/workflows/ci.yml";

/** A workflow with one job whose setup-go reads `matrix.go`; matrix lines start at line 6. */
const matrixWorkflow = (values: string, setupGo = "v6", include = "") =>
  [
    "on: push",
    "jobs:",
    "  test:",
    "    strategy:",
    "      matrix:",
    `        go: ${values}`,
    ...(include ? ["        include:", include] : []),
    "    runs-on: ubuntu-latest",
    "    steps:",
    `      - uses: actions/setup-go@${setupGo}`,
    "        with:",
    "          go-version: ${{ matrix.go }}",
    "",
  ].join("\n");

describe("CI005 a Go matrix and the go line", () => {
  it("fires when every Go in the matrix is newer than the go line", async () => {
    const f = await check(CI005, {
      "go.mod": gomod("1.24.0"),
      [CI]: matrixWorkflow("['1.25', '1.26']"),
    });
    expect(where(f)).toEqual([`CI005 ${CI}:6`]);
    expect(f[0]?.severity).toBe("warning");
    expect(f[0]?.message).toContain("add '1.24'");
  });

  it("fires as an error on cells below the go line, with what that Go does", async () => {
    const f = await check(CI005, {
      "go.mod": gomod("1.25.0"),
      [CI]: matrixWorkflow("['1.23', '1.26']"),
    });
    expect(f[0]?.severity).toBe("error");
    expect(f[0]?.message).toContain("includes Go 1.23.x");
    expect(f[0]?.message).toContain("GOTOOLCHAIN=local");
  });

  it("accepts a matrix with the go line's minor, include entries, and skips aliases", async () => {
    const ok = await check(CI005, {
      "go.mod": gomod("1.24.0"),
      [CI]: matrixWorkflow("['1.26']", "v6", "          - go: '1.24'"),
    });
    expect(ok).toEqual([]);
    const aliases = await check(CI005, {
      "go.mod": gomod("1.24.0"),
      [CI]: matrixWorkflow("[stable, oldstable]"),
    });
    expect(aliases).toEqual([]);
  });
});

describe("CI006 -mod=mod in CI", () => {
  const wf = (body: string) => `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n${body}`;

  it("fires on GOFLAGS=-mod=mod and on go test -mod=mod", async () => {
    const f = await check(CI006, {
      [CI]: wf(
        "    env:\n      GOFLAGS: -mod=mod\n    steps:\n      - run: go test -mod=mod ./...\n",
      ),
    });
    expect(where(f)).toEqual([`CI006 ${CI}:6`, `CI006 ${CI}:8`]);
    expect(f[0]?.message).toContain("go mod tidy -diff");
  });

  it("accepts a job that fails on a changed go.mod or go.sum, and go run pkg@version", async () => {
    const checked = wf(
      "    env:\n      GOFLAGS: -mod=mod\n    steps:\n      - run: go build ./...\n      - run: git diff --exit-code go.mod go.sum\n",
    );
    expect(await check(CI006, { [CI]: checked })).toEqual([]);
    const tool = wf(
      "    steps:\n      - run: go run -mod=mod golang.org/x/tools/cmd/stringer@v0.30.0\n",
    );
    expect(await check(CI006, { [CI]: tool })).toEqual([]);
  });

  it("reads GitLab CI variables and scripts", async () => {
    const gitlab = "variables:\n  GOFLAGS: -mod=mod\ntest:\n  script:\n    - go test ./...\n";
    expect(where(await check(CI006, { ".gitlab-ci.yml": gitlab }))).toEqual([
      "CI006 .gitlab-ci.yml:2",
    ]);
  });
});

describe("GR001 GoReleaser's Go", () => {
  it("fires when gobinary is below the go line, naming what that Go does", async () => {
    const f = await check(GR001, {
      "go.mod": gomod("1.25.0"),
      ".goreleaser.yaml": "version: 2\nbuilds:\n  - id: app\n    gobinary: go1.24.9\n",
    });
    expect(where(f)).toEqual(["GR001 .goreleaser.yaml:4"]);
    expect(f[0]?.message).toContain("downloads go1.25.0 and runs it instead");
  });

  it("warns when it differs from the toolchain pin, and accepts the pinned release", async () => {
    const pinned = gomod("1.25.0", "go1.26.8");
    const f = await check(GR001, {
      "go.mod": pinned,
      ".goreleaser.yml": "builds:\n  - gobinary: go1.26.2\n",
    });
    expect(where(f)).toEqual(["GR001 .goreleaser.yml:2"]);
    expect(f[0]?.severity).toBe("warning");
    const same = await check(GR001, {
      "go.mod": pinned,
      ".goreleaser.yml": "gomod:\n  gobinary: go1.26.8\nbuilds:\n  - main: .\n",
    });
    expect(same).toEqual([]);
  });
});

describe("GR002 gomod.proxy with replace directives", () => {
  it("fires at gomod.proxy, pointing at each replace", async () => {
    const mod = `${gomod("1.25.0")}\nreplace example.com/lib => ../lib\n`;
    const f = await check(GR002, {
      "go.mod": mod,
      ".goreleaser.yaml": "gomod:\n  proxy: true\nbuilds:\n  - main: .\n",
    });
    expect(where(f)).toEqual(["GR002 .goreleaser.yaml:2"]);
    expect(f[0]?.related).toEqual([
      { file: "go.mod", line: 5, message: "replace example.com/lib" },
    ]);
  });

  it("does not fire without the proxy or without replaces", async () => {
    const mod = `${gomod("1.25.0")}\nreplace example.com/lib => ../lib\n`;
    expect(
      await check(GR002, { "go.mod": mod, ".goreleaser.yaml": "gomod:\n  proxy: false\n" }),
    ).toEqual([]);
    expect(
      await check(GR002, {
        "go.mod": gomod("1.25.0"),
        ".goreleaser.yaml": "gomod:\n  proxy: true\n",
      }),
    ).toEqual([]);
  });
});
