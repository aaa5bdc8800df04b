import { describe, expect, it } from "vitest";
import { checkInfo, errorDetail, normalizeList } from "../src/proxy/protocol/content.js";
import { MAX_PATH_LENGTH, parseProxyPath, requestKey } from "../src/proxy/protocol/parse-path.js";

describe("parseProxyPath: valid requests", () => {
  it.each([
    ["/golang.org/x/text/@v/list", { kind: "list", module: "golang.org/x/text" }],
    ["/golang.org/x/text/@latest", { kind: "latest", module: "golang.org/x/text" }],
    [
      "/github.com/!burnt!sushi/toml/@v/v1.3.2.info",
      { kind: "file", module: "github.com/BurntSushi/toml", version: "v1.3.2", file: "info" },
    ],
    [
      "/github.com/!azure/azure-sdk-for-go/@v/v68.0.0+incompatible.zip",
      {
        kind: "file",
        module: "github.com/Azure/azure-sdk-for-go",
        version: "v68.0.0+incompatible",
        file: "zip",
      },
    ],
    // Some clients send "+" percent-encoded; it is decoded exactly once.
    [
      "/github.com/!azure/azure-sdk-for-go/@v/v68.0.0%2Bincompatible.mod",
      {
        kind: "file",
        module: "github.com/Azure/azure-sdk-for-go",
        version: "v68.0.0+incompatible",
        file: "mod",
      },
    ],
    [
      "/github.com/jackc/pgx/v5/@v/v5.5.0.mod",
      { kind: "file", module: "github.com/jackc/pgx/v5", version: "v5.5.0", file: "mod" },
    ],
    [
      "/gopkg.in/yaml.v3/@v/v3.0.1.zip",
      { kind: "file", module: "gopkg.in/yaml.v3", version: "v3.0.1", file: "zip" },
    ],
    // .info may resolve a branch or a commit (case-encoded like everything else).
    [
      "/example.com/m/@v/!main!branch.info",
      { kind: "file", module: "example.com/m", version: "MainBranch", file: "info" },
    ],
    [
      "/example.com/m/@v/v1.2.info",
      { kind: "file", module: "example.com/m", version: "v1.2", file: "info" },
    ],
    [
      "/example.com/m/@v/v0.0.0-20240101000000-abcdefabcdef.zip",
      {
        kind: "file",
        module: "example.com/m",
        version: "v0.0.0-20240101000000-abcdefabcdef",
        file: "zip",
      },
    ],
    ["/example.com/m/@v/list?go-get=1", { kind: "list", module: "example.com/m" }],
    [
      "/sumdb/sum.golang.org/supported",
      { kind: "sumdb", name: "sum.golang.org", rest: "supported" },
    ],
    [
      "/sumdb/sum.golang.org/lookup/github.com/!burnt!sushi/toml@v1.3.2",
      { kind: "sumdb", name: "sum.golang.org", rest: "lookup/github.com/!burnt!sushi/toml@v1.3.2" },
    ],
    [
      "/sumdb/sum.golang.org/tile/8/0/x001/234.p/5",
      { kind: "sumdb", name: "sum.golang.org", rest: "tile/8/0/x001/234.p/5" },
    ],
  ])("%s", (path, want) => {
    expect(parseProxyPath(path)).toEqual({ ok: true, request: want });
  });
});

describe("parseProxyPath: malformed requests are 400", () => {
  it.each([
    ["/Github.com/x/@v/list", "uppercase in an escaped path"],
    ["/github.com/!/x/@v/list", "! not followed by a letter"],
    ["/github.com/x!/@v/list", "trailing !"],
    ["/github.com/!Azure/x/@v/list", "! followed by uppercase"],
    ["/github.com/caf%C3%A9/@v/list", "non-ASCII"],
    ["/nodot/x/@v/list", "no dot in the first element"],
    ["/example.com/.hidden/@v/list", "leading dot"],
    ["/example.com/x./@v/list", "trailing dot"],
    ["/example.com/x/v1/@v/list", "/v1 major suffix"],
    ["/example.com/con/@v/list", "Windows reserved name"],
    ["/-example.com/x/@v/list", "leading dash"],
    ["/example.com/x/@v/-v1.0.0.info", "version starting with -"],
    ["/example.com/x/@v/v1.0.0!.mod", "bad version escape"],
    ["/example.com/x/@v/v1.0.0.tar", "unknown file"],
    ["/example.com/x/@v/sub/v1.0.0.zip", "nested file"],
    ["/example.com/x/@v/", "empty file"],
    ["/../etc/passwd/@v/list", "dot-dot"],
    ["/example.com/../x/@v/list", "dot-dot in the middle"],
    ["/example.com/%2e%2e/x/@v/list", "encoded dot-dot"],
    ["/example.com/%2E%2E/@v/list", "encoded dot-dot (upper hex)"],
    ["/example.com/./x/@v/list", "dot element"],
    ["/example.com//x/@v/list", "empty element"],
    ["/example.com/x%2f..%2f..%2fy/@v/list", "encoded slashes"],
    ["/example.com/x%00/@v/list", "NUL"],
    ["/example.com/x%0a/@v/list", "newline"],
    ["/example.com/x\\y/@v/list", "backslash"],
    ["/example.com/x%5c..%5cy/@v/list", "encoded backslash"],
    ["/example.com/x/@v/list/", "trailing slash"],
    ["/example.com/%zz/@v/list", "bad percent-encoding"],
    ["/example.com/%c3/@v/list", "invalid UTF-8"],
    ["/example.com/x%252e%252e/@v/list", "double-encoded (decoded once: a % remains)"],
    [`/example.com/${"a".repeat(MAX_PATH_LENGTH)}/@v/list`, "overlong"],
    ["example.com/x/@v/list", "relative"],
    ["/sumdb/sum golang/latest", "space in a sumdb name"],
    ["/sumdb/sum.golang.org/lookup/x y@v1", "space in a sumdb path"],
  ])("%s (%s)", (path) => {
    const r = parseProxyPath(path);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.status).toBe(400);
      expect(r.message).toMatch(/^bad request: /);
    }
  });
});

describe("parseProxyPath: well-formed but not servable is 404", () => {
  it.each([
    ["/example.com/x/@v/master.zip", "non-canonical zip"],
    ["/example.com/x/@v/v1.2.mod", "non-canonical mod"],
    ["/example.com/x/@v/v1.2.3+meta.zip", "build metadata"],
    ["/example.com/x/@v/v2.0.0.mod", "v2 without /v2"],
    ["/example.com/x/v2/@v/v1.0.0.zip", "v1 under /v2"],
    ["/example.com/x/@v/v1.0.0+incompatible.zip", "+incompatible on v1"],
    ["/example.com/x/@v/latest.info", "a go command query"],
    ["/favicon.ico", "not a protocol path"],
    ["/", "root"],
    ["/sumdb/sum.golang.org", "sumdb without an endpoint"],
  ])("%s (%s)", (path) => {
    const r = parseProxyPath(path);
    expect(r).toMatchObject({ ok: false, status: 404 });
    if (!r.ok) expect(r.message).toMatch(/^not found: /);
  });
});

describe("requestKey", () => {
  it("is the escaped protocol path", () => {
    const r = parseProxyPath("/github.com/!burnt!sushi/toml/@v/v1.3.2.zip");
    expect(r.ok && requestKey(r.request)).toBe("github.com/!burnt!sushi/toml/@v/v1.3.2.zip");
    const l = parseProxyPath("/github.com/!burnt!sushi/toml/@latest");
    expect(l.ok && requestKey(l.request)).toBe("github.com/!burnt!sushi/toml/@latest");
  });
});

describe("content rules", () => {
  it("normalizes a list: canonical tags only, no pseudo-versions, semver order, no duplicates", () => {
    const body =
      "v1.10.0\nv1.2.0 2024-01-01T00:00:00Z\nv1.2.0\nv0.0.0-20240101000000-abcdefabcdef\nmaster\nv1.2\n" +
      "v2.0.0+incompatible\nv1.3.0-rc.1\n\n";
    expect(normalizeList(body)).toBe("v1.2.0\nv1.3.0-rc.1\nv1.10.0\nv2.0.0+incompatible\n");
    expect(normalizeList("")).toBe("");
  });

  it("checks .info answers against the requested version", () => {
    expect(checkInfo('{"Version":"v1.0.0"}', "v1.0.0")).toEqual({ ok: true, version: "v1.0.0" });
    expect(checkInfo('{"Version":"v1.0.1"}', "v1.0.0")).toMatchObject({ ok: false });
    expect(checkInfo('{"Version":"v1.0.1"}', "main")).toEqual({ ok: true, version: "v1.0.1" });
    expect(checkInfo("not json")).toMatchObject({ ok: false });
    expect(checkInfo('{"Version":"1.0"}')).toMatchObject({ ok: false });
  });

  it("keeps error details the way the go command shows them", () => {
    expect(errorDetail("not found: x\nmore\n\nhidden")).toBe("not found: x\nmore");
    expect(
      errorDetail(Array.from({ length: 12 }, (_, i) => `l${i}`).join("\n")).split("\n"),
    ).toHaveLength(8);
    expect(errorDetail("a".repeat(1000)).length).toBe(648);
    expect(errorDetail(Buffer.from([0x00, 0x01]))).toBe("");
  });

  it("repeats nothing of a markup error page, by its type or its first character", () => {
    const page = "<html>\n<head><title>404 Not Found</title></head>\n<body>nginx</body>\n</html>";
    expect(errorDetail(page)).toBe("");
    expect(errorDetail("  <!DOCTYPE html><p>gone</p>")).toBe("");
    expect(errorDetail("Not Found", "text/html; charset=utf-8")).toBe("");
    expect(errorDetail("not found: x@v1.0.0", "text/plain; charset=utf-8")).toBe(
      "not found: x@v1.0.0",
    );
  });
});
