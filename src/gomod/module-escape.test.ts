import { describe, expect, it } from "vitest";
import {
  canonicalVersion,
  checkModulePath,
  checkPathMajor,
  escapeModulePath,
  escapeVersion,
  splitPathVersion,
  stripMajorSuffix,
  unescapeModulePath,
  unescapeVersion,
} from "./module-escape.js";

describe("escapeModulePath / unescapeModulePath", () => {
  it.each([
    ["github.com/GoogleCloudPlatform/omega", "github.com/!google!cloud!platform/omega"],
    ["github.com/Azure/azure-sdk-for-go", "github.com/!azure/azure-sdk-for-go"],
    ["example.com/lower/only", "example.com/lower/only"],
    ["example.com/X/v2", "example.com/!x/v2"],
  ])("%s <-> %s", (path, escaped) => {
    expect(escapeModulePath(path)).toBe(escaped);
    expect(unescapeModulePath(escaped)).toBe(path);
  });

  it.each([
    ["github.com/!Google/x", "uppercase after !"],
    ["github.com/Google/x", "raw uppercase"],
    ["github.com/x!", "trailing !"],
    ["github.com/!0x", "! before a digit"],
    ["github.com/\u00e9", "non-ASCII"],
    ["github.com//x", "empty element"],
  ])("rejects the escaped form %s (%s)", (escaped) => {
    expect(() => unescapeModulePath(escaped)).toThrow(/invalid escaped module path/);
  });

  it.each([
    "Github.com/x",
    "example/x",
    "-x.com/y",
    "example.com/x/v1",
    "example.com/.x",
    "example.com/x~1",
  ])("refuses to escape the invalid path %s", (path) => {
    expect(() => escapeModulePath(path)).toThrow(/malformed module path/);
  });
});

describe("escapeVersion / unescapeVersion", () => {
  it("escapes uppercase and keeps +incompatible", () => {
    expect(escapeVersion("v1.0.0-RC1")).toBe("v1.0.0-!r!c1");
    expect(unescapeVersion("v1.0.0-!r!c1")).toBe("v1.0.0-RC1");
    expect(escapeVersion("v2.0.0+incompatible")).toBe("v2.0.0+incompatible");
    // Non-semver versions (branch names) are allowed if they are file names.
    expect(escapeVersion("master")).toBe("master");
  });

  it("rejects versions that are not file names or contain !", () => {
    expect(() => escapeVersion("v1!")).toThrow(/disallowed version string/);
    expect(() => escapeVersion("a/b")).toThrow();
    expect(() => escapeVersion("")).toThrow();
    expect(() => unescapeVersion("v1.0.0-!R")).toThrow(/invalid escaped version/);
  });
});

describe("checkModulePath", () => {
  it.each([
    "github.com/a/b",
    "gopkg.in/yaml.v3",
    "example.com/x/v2",
    "go.uber.org/zap",
    "a.b/c_d~e",
  ])("accepts %s", (p) => expect(checkModulePath(p)).toBeUndefined());

  it.each([
    ["", "empty string"],
    ["example", "missing dot in first path element"],
    ["Example.com/x", "invalid char 'E' in first path element"],
    ["example.com/x/", "trailing slash"],
    ["example.com//x", "double slash"],
    ["example.com/x/v0", "invalid version"],
    ["example.com/x/v1", "invalid version"],
    ["example.com/x/v2.1", "invalid version"],
    ["gopkg.in/yaml", "invalid version"],
    ["example.com/con/x", '"con" disallowed as path element component on Windows'],
    ["example.com/x./y", "trailing dot in path element"],
    ["example.com/a+b", "invalid char '+'"],
  ])("rejects %j: %s", (p, why) => {
    expect(checkModulePath(p)).toContain(why);
  });
});

describe("versions and major suffixes", () => {
  it("canonicalizes like x/mod CanonicalVersion", () => {
    expect(canonicalVersion("v1.2")).toBe("v1.2.0");
    expect(canonicalVersion("v1")).toBe("v1.0.0");
    expect(canonicalVersion("v1.2.3-pre.1+meta")).toBe("v1.2.3-pre.1");
    expect(canonicalVersion("v2.0.0+incompatible")).toBe("v2.0.0+incompatible");
    expect(canonicalVersion("v0.0.0-20240101000000-abcdefabcdef")).toBe(
      "v0.0.0-20240101000000-abcdefabcdef",
    );
    for (const bad of ["1.2.3", "v01.2.3", "v1.2-pre", "v1.2.3-01", "latest", "v1.2.3.4"]) {
      expect(canonicalVersion(bad)).toBeUndefined();
    }
  });

  it("splits path majors, gopkg.in included", () => {
    expect(splitPathVersion("example.com/x/v2")).toEqual({
      prefix: "example.com/x",
      pathMajor: "/v2",
      ok: true,
    });
    expect(splitPathVersion("gopkg.in/yaml.v3")).toEqual({
      prefix: "gopkg.in/yaml",
      pathMajor: ".v3",
      ok: true,
    });
    expect(splitPathVersion("example.com/x")).toEqual({
      prefix: "example.com/x",
      pathMajor: "",
      ok: true,
    });
    expect(stripMajorSuffix("go.mongodb.org/mongo-driver/v2")).toBe("go.mongodb.org/mongo-driver");
    expect(stripMajorSuffix("gopkg.in/yaml.v3")).toBe("gopkg.in/yaml.v3");
  });

  it("checks that versions fit the path major", () => {
    expect(checkPathMajor("v2.1.0", "/v2")).toBeUndefined();
    expect(checkPathMajor("v1.0.0", "/v2")).toBe('version "v1.0.0" invalid: should be v2, not v1');
    expect(checkPathMajor("v2.0.0", "")).toBe(
      'version "v2.0.0" invalid: should be v0 or v1, not v2',
    );
    expect(checkPathMajor("v2.0.0+incompatible", "")).toBeUndefined();
    expect(checkPathMajor("v0.0.0-20161208181325-20d25e280405", ".v1")).toBeUndefined();
  });
});
