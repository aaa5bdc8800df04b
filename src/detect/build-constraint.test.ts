import { describe, expect, it } from "vitest";
import {
  evalConstraint,
  goBuildExpr,
  parseGoBuild,
  parsePlusBuild,
  plusBuildExpr,
} from "./build-constraint.js";
import { goodOSArchFile, matchTag } from "./build-context.js";
import { headerAllows, parseGoFileHeader } from "./go-file-header.js";

const tag = (t: string) => matchTag(t, 26);
const allows = (src: string) => headerAllows(parseGoFileHeader(src), tag);

describe("build constraint lines", () => {
  it("recognises //go:build and // +build lines like go/build/constraint", () => {
    expect(goBuildExpr("//go:build linux && !cgo")).toBe("linux && !cgo");
    expect(goBuildExpr("//go:build")).toBe("");
    expect(goBuildExpr("//go:buildx linux")).toBeUndefined();
    expect(goBuildExpr("// go:build linux")).toBeUndefined();
    expect(plusBuildExpr("// +build ignore")).toBe("ignore");
    expect(plusBuildExpr("//+build a,b")).toBe("a,b");
    expect(plusBuildExpr("// +buildx")).toBeUndefined();
  });

  it("evaluates expressions in three-valued logic", () => {
    const ev = (e: string) => {
      const x = parseGoBuild(e);
      return x && evalConstraint(x, tag);
    };
    expect(ev("linux && amd64")).toBe(true);
    expect(ev("!linux || windows")).toBe(false);
    expect(ev("(darwin || linux) && !ignore")).toBe(true);
    expect(ev("go1.21 && !go1.99")).toBe(true);
    expect(ev("goexperiment.foo")).toBeUndefined();
    expect(ev("goexperiment.foo && windows")).toBe(false);
    expect(ev("goexperiment.foo || unix")).toBe(true);
    expect(parseGoBuild("linux &&")).toBeUndefined();
    expect(parseGoBuild("!!linux")).toBeUndefined();
    expect(parseGoBuild("(linux")).toBeUndefined();
    expect(parseGoBuild("a & b")).toBeUndefined();
  });

  it("reads +build as OR of space-separated AND-of-comma terms", () => {
    expect(evalConstraint(parsePlusBuild("windows linux,amd64"), tag)).toBe(true);
    expect(evalConstraint(parsePlusBuild("linux,!amd64"), tag)).toBe(false);
    expect(evalConstraint(parsePlusBuild("!!linux"), tag)).toBe(false);
    expect(evalConstraint(parsePlusBuild(""), tag)).toBe(false);
  });
});

describe("file headers", () => {
  it("finds the package clause after comments", () => {
    expect(parseGoFileHeader("// Copyright\n\n/* doc\n */\npackage main // x\n").packageName).toBe(
      "main",
    );
    expect(parseGoFileHeader("\uFEFFpackage  \t foo\n").packageName).toBe("foo");
    expect(parseGoFileHeader("package /* c */ bar\n").packageName).toBe("bar");
    expect(parseGoFileHeader("func x() {}\n").packageName).toBeUndefined();
    expect(parseGoFileHeader("packagemain\n").packageName).toBeUndefined();
  });

  it("honours ignore and tools constraints", () => {
    expect(allows("//go:build ignore\n\npackage main\n")).toBe(false);
    expect(allows("//go:build tools\n// +build tools\n\npackage tools\n")).toBe(false);
    expect(allows("// +build ignore\n\npackage main\n")).toBe(false);
    expect(allows("//go:build linux\n\npackage main\n")).toBe(true);
  });

  it("lets //go:build override +build lines", () => {
    expect(allows("//go:build linux\n// +build ignore\n\npackage main\n")).toBe(true);
  });

  it("ignores +build lines not followed by a blank line (they are doc comments)", () => {
    expect(allows("// +build ignore\npackage main\n")).toBe(true);
  });

  it("ignores constraints after the package clause or inside /* */", () => {
    expect(allows("package main\n\n//go:build ignore\n")).toBe(true);
    expect(allows("/*\n//go:build ignore\n*/\npackage main\n")).toBe(true);
  });

  it("includes a file whose constraint cannot be evaluated", () => {
    expect(allows("//go:build goexperiment.arenas\n\npackage main\n")).toBe(true);
    expect(allows("//go:build linux &&\n\npackage main\n")).toBe(true);
  });
});

describe("file names", () => {
  it.each([
    ["main.go", true],
    ["linux.go", true],
    ["x_linux.go", true],
    ["x_windows.go", false],
    ["x_linux_amd64.go", true],
    ["x_linux_arm64.go", false],
    ["x_darwin_amd64.go", false],
    ["x_amd64.go", true],
    ["x_386.go", false],
    ["x_unix.go", true],
    ["x_windows_test.go", false],
    ["x_android.go", false],
    ["foo_windows.pb.go", false],
    ["x_foo_linux.go", true],
  ])("%s builds on linux/amd64: %s", (name, want) => {
    expect(goodOSArchFile(name)).toBe(want);
  });
});
