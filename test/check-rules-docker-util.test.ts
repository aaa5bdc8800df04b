import { describe, expect, it } from "vitest";
import { readDockerignore } from "../src/check/model/dockerfile.js";
import { portMappings, publishedOnAllInterfaces } from "../src/check/rules/docker/util/compose.js";
import { decidingPattern, isExcluded } from "../src/check/rules/docker/util/dockerignore-match.js";
import { expandVars } from "../src/check/rules/docker/util/expand.js";
import { golangTagVersion, parseImageRef } from "../src/check/rules/docker/util/image-ref.js";
import { goCalls, packageArgs } from "../src/check/rules/docker/util/run-script.js";
import { hasUrlPassword, isSecretName } from "../src/check/rules/docker/util/secrets.js";

describe("image references", () => {
  it("splits registry, path, tag and digest as Docker does", () => {
    expect(parseImageRef("golang:1.26.8-alpine")).toMatchObject({
      registry: undefined,
      path: "golang",
      name: "golang",
      tag: "1.26.8-alpine",
    });
    expect(parseImageRef("registry.example.com:5000/team/app")).toMatchObject({
      registry: "registry.example.com:5000",
      path: "team/app",
      tag: undefined,
    });
    expect(parseImageRef("gcr.io/distroless/static-debian13:nonroot@sha256:abc")).toMatchObject({
      path: "distroless/static-debian13",
      tag: "nonroot",
      digest: "sha256:abc",
    });
  });

  it("reads the Go version from golang tags", () => {
    expect(golangTagVersion("1.22-alpine3.20")).toBe("1.22");
    expect(golangTagVersion("1.26.8-bookworm")).toBe("1.26.8");
    expect(golangTagVersion("1.27rc1")).toBe("1.27rc1");
    expect(golangTagVersion("alpine")).toBeUndefined();
    expect(golangTagVersion("1-alpine")).toBeUndefined();
  });
});

describe("variable expansion", () => {
  const vars = new Map<string, string | undefined>([
    ["A", "1"],
    ["EMPTY", ""],
    ["NOVALUE", undefined],
  ]);

  it("substitutes known values and defaults", () => {
    expect(expandVars("x$A-${A}", vars)).toEqual({ value: "x1-1", resolved: true });
    expect(expandVars("${EMPTY:-d} ${EMPTY-d} ${NOVALUE:-d} ${MISSING:+alt}", vars)).toEqual({
      value: "d  d ",
      resolved: true,
    });
  });

  it("marks plain references without a value unresolved", () => {
    expect(expandVars("golang:$NOVALUE", vars).resolved).toBe(false);
    expect(expandVars("golang:${MISSING}", vars).resolved).toBe(false);
    expect(expandVars("a \\$A", vars)).toEqual({ value: "a $A", resolved: true });
  });
});

describe("dockerignore matching", () => {
  const ignore = (text: string) => readDockerignore(".dockerignore", text);

  it("matches like BuildKit: parents, **, character classes, last match wins", () => {
    expect(isExcluded(ignore(".git\n"), ".git/HEAD")).toBe(true);
    expect(isExcluded(ignore("**/.git\n"), "sub/.git/HEAD")).toBe(true);
    expect(isExcluded(ignore(".[g]it\n"), ".git/HEAD")).toBe(true);
    expect(isExcluded(ignore("*.md\n"), "docs/a.md")).toBe(false);
    expect(isExcluded(ignore("**/*.md\n"), "docs/a.md")).toBe(true);
    expect(isExcluded(ignore("bin/\n!bin/keep\n"), "bin/keep")).toBe(false);
    expect(decidingPattern(ignore("*\n!.git\n"), ".git/HEAD")?.line).toBe(2);
  });
});

describe("go invocations in RUN commands", () => {
  it("sees inline env, exports and nested shells, not bare shell variables", () => {
    const calls = goCalls([
      ["CGO_ENABLED=0", "go", "build", "-o", "/app", "."],
      ["GOFLAGS=-x"],
      ["export", "GOOS=linux"],
      ["env", "-u", "GOOS", "GOARCH=arm64", "/usr/local/go/bin/go", "mod", "download"],
      ["sh", "-c", "go install example.com/tool@v1.0.0"],
    ]);
    expect(calls.map((c) => c.sub)).toEqual(["build", "mod download", "install"]);
    expect(calls[0]?.env.get("CGO_ENABLED")).toBe("0");
    expect(calls[1]?.env.get("GOOS")).toBeUndefined();
    expect(calls[1]?.env.get("GOARCH")).toBe("arm64");
    expect(calls[1]?.env.get("GOFLAGS")).toBeUndefined();
    expect(calls[2]?.env.get("GOOS")).toBe("linux");
  });

  it("skips flag values when listing packages", () => {
    expect(packageArgs(["-ldflags", "-s -w", "-o", "/out", "-trimpath", "./cmd/api"])).toEqual([
      "./cmd/api",
    ]);
  });
});

describe("compose ports", () => {
  it("parses short and long syntax with host IPs", () => {
    const ports = portMappings([
      "2345:2345",
      "127.0.0.1:2345:2345/tcp",
      "[::1]:2345:2345",
      "::1:2346:2345",
      8080,
      { target: 2345, host_ip: "0.0.0.0" },
    ]);
    expect(ports.map((p) => [p.hostIp, p.target])).toEqual([
      [undefined, "2345"],
      ["127.0.0.1", "2345"],
      ["::1", "2345"],
      ["::1", "2345"],
      [undefined, "8080"],
      ["0.0.0.0", "2345"],
    ]);
    expect(ports.map(publishedOnAllInterfaces)).toEqual([true, false, false, false, true, true]);
  });
});

describe("secrets", () => {
  it("recognises secret names but not pointers to secrets", () => {
    for (const n of [
      "GITHUB_TOKEN",
      "DB_PASSWORD",
      "AWS_SECRET_ACCESS_KEY",
      "STRIPE_API_KEY",
      "NETRC",
    ]) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of ["POSTGRES_PASSWORD_FILE", "GOPRIVATE", "PWD", "TOKEN_URL", "KEY", "BYPASS"]) {
      expect(isSecretName(n), n).toBe(false);
    }
  });

  it("finds passwords in URLs, optionally only literal ones", () => {
    expect(hasUrlPassword("https://u:p@goproxy.example.com,direct")).toBe(true);
    expect(hasUrlPassword("postgres://u:${PW}@db/x")).toBe(true);
    expect(hasUrlPassword("postgres://u:${PW}@db/x", true)).toBe(false);
    expect(hasUrlPassword("https://goproxy.example.com")).toBe(false);
  });
});
