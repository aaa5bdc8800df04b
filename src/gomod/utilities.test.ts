import { describe, expect, it } from "vitest";
import { matchPrefixPatterns, pathMatch } from "./glob.js";
import { compareGoVersions, goLineToRelease, isExactGoRelease } from "./go-version.js";
import { parseGoproxy, redactUrl } from "./goproxy-list.js";

describe("Go versions", () => {
  it("orders language versions, pre-releases and patches like go/version", () => {
    const sorted = ["1.21.1", "1.21.0", "1.21rc1", "1.21", "1.21beta1", "1.9.9", "1.22"].sort(
      compareGoVersions,
    );
    expect(sorted).toEqual(["1.9.9", "1.21", "1.21beta1", "1.21rc1", "1.21.0", "1.21.1", "1.22"]);
  });
  it("knows exact releases and turns go lines into minimum releases", () => {
    expect(isExactGoRelease("1.26.8")).toBe(true);
    expect(isExactGoRelease("1.26")).toBe(false);
    expect(goLineToRelease("1.24")).toBe("1.24.0");
  });
});

describe("GOPROXY", () => {
  it("parses , and | separators and stops at direct/off", () => {
    const r = parseGoproxy("https://a.example,https://b.example|direct,https://ignored.example");
    expect(r).toEqual({
      ok: true,
      entries: [
        { kind: "url", url: "https://a.example", fallbackOnError: false },
        { kind: "url", url: "https://b.example", fallbackOnError: true },
        { kind: "direct" },
      ],
      ignored: ["https://ignored.example"],
    });
  });
  it("adds https:// to host-like entries and rejects unknown keywords", () => {
    expect(parseGoproxy("corp.example/proxy")).toMatchObject({
      ok: true,
      entries: [{ url: "https://corp.example/proxy" }],
    });
    expect(parseGoproxy("skip")).toMatchObject({
      ok: false,
      error: expect.stringContaining("missing scheme"),
    });
    expect(parseGoproxy("ftp://x.example")).toMatchObject({
      ok: false,
      error: expect.stringContaining("must be https, http, file"),
    });
  });
  it("redacts credentials", () => {
    expect(redactUrl("https://user:secret@corp.example/p")).toBe("https://***@corp.example/p");
  });
});

describe("GOPRIVATE globs", () => {
  it("matches path-element prefixes", () => {
    expect(matchPrefixPatterns("github.com/acme", "github.com/acme/lib/v2")).toBe(true);
    expect(matchPrefixPatterns("github.com/acme", "github.com/acmecorp/lib")).toBe(false);
    expect(matchPrefixPatterns("*.corp.example", "git.corp.example/x/y")).toBe(true);
    expect(matchPrefixPatterns("github.com/*/internal", "github.com/acme/internal/x")).toBe(true);
    expect(matchPrefixPatterns("github.com/acme/lib/deep", "github.com/acme/lib")).toBe(false);
    expect(matchPrefixPatterns(",, github.com/x", "github.com/x/y")).toBe(false);
    expect(matchPrefixPatterns("a.example,b.example/", "b.example/z")).toBe(true);
  });
  it("implements path.Match classes and never crosses /", () => {
    expect(pathMatch("a?c", "abc")).toBe(true);
    expect(pathMatch("a*", "a/b")).toBe(false);
    expect(pathMatch("[a-c]x", "bx")).toBe(true);
    expect(pathMatch("[^a-c]x", "bx")).toBe(false);
    expect(pathMatch("[", "[")).toBe(false);
  });
});
