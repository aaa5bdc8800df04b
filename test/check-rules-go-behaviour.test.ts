import { describe, expect, it } from "vitest";
import { DF012 } from "../src/check/rules/docker/df012-golang-image-older-than-go-mod.js";
import { CI001 } from "../src/check/rules/go/ci001-setup-go-version.js";
import { MS005 } from "../src/check/rules/go/ms005-malformed-goflags.js";
import { MS003 } from "../src/check/rules/go/ms003-module-settings-disagree.js";
import { GV002 } from "../src/check/rules/go/gv002-pin-below-go-line.js";
import { GV003 } from "../src/check/rules/go/gv003-go-toolchain-lines.js";
import { belowGoLineEffect } from "../src/check/rules/go/sources/below-go-line.js";
import { check, gomod, where } from "./check-rules-go-helpers.js";

/** Messages say what each Go version really does with a newer go line (go.dev/doc/toolchain). */

const workflow = (setupGo: string, version: string) =>
  `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@${setupGo}\n        with:\n          go-version: '${version}'\n`;
const CI = ".github/workflows/ci.yml";

describe("what a Go older than the go line does", () => {
  it("before Go 1.21: advisory, a parse error for 1.21.0-style lines, a refusal of 1.22+ from 1.19.13/1.20.8", () => {
    expect(belowGoLineEffect({ version: "1.19", precision: "minor" }, "1.20", "auto")).toContain(
      '"note: module requires Go 1.20" only when compiling fails',
    );
    expect(belowGoLineEffect({ version: "1.20", precision: "minor" }, "1.21.0", "auto")).toContain(
      "\"invalid go version '1.21.0': must match format 1.23\"",
    );
    expect(belowGoLineEffect({ version: "1.20", precision: "minor" }, "1.22", "auto")).toContain(
      "refuses to load a module that declares go 1.22 or later",
    );
    expect(belowGoLineEffect({ version: "1.20.5", precision: "exact" }, "1.22", "auto")).toContain(
      "still builds it",
    );
  });

  it("Go 1.21 and later: stops under GOTOOLCHAIN=local, switches under auto", () => {
    const r = { version: "1.24.9", precision: "exact" } as const;
    expect(belowGoLineEffect(r, "1.25.0", "local")).toBe(
      'with GOTOOLCHAIN=local every go command that loads the module (build, test, vet, list, mod) stops with "go.mod requires go >= 1.25.0 (running go 1.24.9; GOTOOLCHAIN=local)"',
    );
    expect(belowGoLineEffect(r, "1.25", "auto")).toContain(
      "downloads go1.25.0 and runs it instead",
    );
    const both = belowGoLineEffect(r, "1.25.0", "unknown");
    expect(both).toContain("GOTOOLCHAIN=local");
    expect(both).toContain("GOTOOLCHAIN=auto");
  });
});

describe("CI001 per setup-go major and Go version", () => {
  it("never says Go 1.19 refuses to build a go 1.20 module", async () => {
    const f = await check(CI001, { "go.mod": gomod("1.20"), [CI]: workflow("v3", "1.19") });
    expect(where(f)).toEqual([`CI001 ${CI}:8`]);
    expect(f[0]?.message).not.toMatch(/refuses|GOTOOLCHAIN/);
    expect(f[0]?.message).toContain("before Go 1.21 the go line is advisory");
  });

  it("setup-go v6+ exports GOTOOLCHAIN=local; v5 leaves auto, which downloads", async () => {
    const v6 = await check(CI001, { "go.mod": gomod("1.26.6"), [CI]: workflow("v6", "1.26.3") });
    expect(v6[0]?.message).toContain(
      'with GOTOOLCHAIN=local (setup-go v6+ exports it) every go command that loads the module (build, test, vet, list, mod) stops with "go.mod requires go >= 1.26.6 (running go 1.26.3; GOTOOLCHAIN=local)"',
    );
    const v5 = await check(CI001, { "go.mod": gomod("1.26.6"), [CI]: workflow("v5", "1.26.3") });
    expect(v5[0]?.message).toContain("downloads go1.26.6 and runs it instead");
    expect(v5[0]?.message).not.toContain("stops");
  });
});

describe("GV002 and DF012 wording per version", () => {
  it("a golang image before 1.21 builds anyway unless the go line is in the new form", async () => {
    const old = "FROM golang:1.18\nRUN go build ./...\n";
    const advisory = await check(DF012, { "go.mod": gomod("1.20"), Dockerfile: old });
    expect(advisory[0]?.message).toContain("before Go 1.21 the go line is advisory");
    const parse = await check(DF012, { "go.mod": gomod("1.20.0"), Dockerfile: old });
    expect(parse[0]?.message).toContain("invalid go version '1.20.0'");
  });

  it("a .go-version below the go line downloads under the default auto", async () => {
    const f = await check(GV002, { "go.mod": gomod("1.26.0"), ".go-version": "1.21.1\n" });
    expect(where(f)).toEqual(["GV002 .go-version:1"]);
    expect(f[0]?.message).toContain(
      "GOTOOLCHAIN=auto (the default) the go command downloads go1.26.0",
    );
  });

  it("GV003 dates the language-version fix to Go 1.23", async () => {
    const f = await check(GV003, { "go.mod": gomod("1.26") });
    expect(f[0]?.message).toContain("downloads go1.26.0 since Go 1.23 (golang/go#62278)");
    expect(f[0]?.message).not.toContain("Go 1.22 and later");
  });
});

describe("MS003 and make conditionals", () => {
  it("does not compare values set on different branches of one ifeq", async () => {
    const mk = [
      "ifeq ($(UNAME_S),Linux)",
      "export GOFLAGS=-tags=linux",
      "else",
      "export GOFLAGS=-mod=readonly",
      "endif",
      "",
    ].join("\n");
    expect(await check(MS003, { Makefile: mk })).toEqual([]);
    const both = "export GOFLAGS=-tags=linux\nexport GOFLAGS=-mod=readonly\n";
    expect(where(await check(MS003, { Makefile: both }))).toEqual([
      "MS003 Makefile:1",
      "MS003 Makefile:2",
    ]);
  });
});

describe("MS005 and make variables", () => {
  it('reads a non-exported GOFLAGS="" as the empty value the recipe shell sees', async () => {
    const mk = 'GOFLAGS=""\nlint:\n\tGOFLAGS=$(GOFLAGS) go vet ./...\n';
    expect(await check(MS005, { Makefile: mk })).toEqual([]);
    const exported = 'export GOFLAGS=""\n';
    expect(where(await check(MS005, { Makefile: exported }))).toEqual(["MS005 Makefile:1"]);
  });
});

describe("a language-version go line and an old go command", () => {
  it("Go 1.21/1.22 under auto ask for the nonexistent go1.26", () => {
    const r = { version: "1.21.1", precision: "exact" } as const;
    expect(belowGoLineEffect(r, "1.26", "auto")).toContain('tries to download "go1.26"');
    expect(belowGoLineEffect(r, "1.26.0", "auto")).toContain("downloads go1.26.0");
    const newer = { version: "1.24.2", precision: "exact" } as const;
    expect(belowGoLineEffect(newer, "1.26", "auto")).toContain("downloads go1.26.0");
    // Patch releases after the fix went into Go 1.23 may carry it: no certain failure.
    const later = { version: "1.22.5", precision: "exact" } as const;
    expect(belowGoLineEffect(later, "1.26", "auto")).toContain('may try to download "go1.26"');
    const minor = { version: "1.21", precision: "minor" } as const;
    expect(belowGoLineEffect(minor, "1.26", "auto")).toContain("may try");
  });

  it("CI001 reads go-version-file inside an actions/checkout path", async () => {
    const wf =
      "on: push\njobs:\n  vuln:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v6\n        with:\n          path: head\n      - uses: actions/setup-go@v6\n        with:\n          go-version-file: head/go.mod\n";
    expect(await check(CI001, { "go.mod": gomod("1.25.0"), [CI]: wf })).toEqual([]);
  });
});

describe("GV003 and language-version go lines that never trigger the download", () => {
  it("skips go 1.21 and a go line a toolchain line overrides", async () => {
    expect(await check(GV003, { "go.mod": gomod("1.21") })).toEqual([]);
    expect(await check(GV003, { "go.mod": gomod("1.26", "go1.26.8") })).toEqual([]);
    expect(where(await check(GV003, { "go.mod": gomod("1.22") }))).toEqual(["GV003 go.mod:3"]);
  });
});
