import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type Explanation,
  explainGoError,
  formatExplanations,
} from "../src/doctor/explain/index.js";

const FIXTURES = join(import.meta.dirname, "fixtures", "go-errors");

function explainFixture(name: string): Explanation[] {
  return explainGoError(readFileSync(join(FIXTURES, name), "utf8"));
}

function only(list: Explanation[], id: string): Explanation {
  const found = list.filter((e) => e.id === id);
  expect(found, `exactly one ${id} in ${JSON.stringify(list.map((e) => e.id))}`).toHaveLength(1);
  return found[0] as Explanation;
}

const fixText = (e: Explanation): string => e.fix.join("\n");

describe("explainGoError: one fixture per problem", () => {
  it.each([
    ["checksum-go-sum.txt", ["checksum-mismatch"]],
    ["checksum-sumdb-docker.txt", ["checksum-mismatch"]],
    ["missing-go-sum.txt", ["missing-go-sum-entry", "missing-go-sum-entry"]],
    ["proxy-404-private.txt", ["proxy-not-found", "git-credentials"]],
    ["proxy-404-list.txt", ["proxy-not-found"]],
    ["sumdb-410.txt", ["sumdb-not-found"]],
    ["sumdb-404-real.txt", ["sumdb-not-found"]],
    ["proxy-403-secrets.txt", ["proxy-forbidden"]],
    ["credentials-over-http.txt", ["credentials-over-http"]],
    ["proxy-429.txt", ["proxy-rate-limited"]],
    ["proxy-502.txt", ["proxy-server-error"]],
    ["timeout-actions.txt", ["network-timeout"]],
    ["x509-docker.txt", ["tls-certificate"]],
    ["x509-name.txt", ["tls-certificate"]],
    ["terminal-prompts.txt", ["git-credentials"]],
    ["ssh-publickey.txt", ["git-credentials"]],
    ["unknown-revision.txt", ["unknown-revision"]],
    ["goproxy-skip.txt", ["invalid-goproxy"]],
    ["goproxy-empty.txt", ["invalid-goproxy"]],
    ["goproxy-off.txt", ["goproxy-off"]],
    ["toolchain-local-docker.txt", ["toolchain-refused"]],
    ["toolchain-not-available.txt", ["toolchain-refused"]],
    ["toolchain-path.txt", ["toolchain-refused"]],
    ["toolchain-gosumdb-off.txt", ["toolchain-refused"]],
    ["go-too-old.txt", ["go-too-old"]],
    ["module-path-mismatch.txt", ["module-path-mismatch"]],
    ["no-matching-versions.txt", ["no-matching-versions"]],
    ["package-not-in-module.txt", ["package-not-in-module"]],
    ["no-required-module.txt", ["no-required-module"]],
    ["vendor-inconsistent.txt", ["vendor-out-of-sync"]],
    ["import-path-meta.txt", ["import-path-meta"]],
    ["no-such-host.txt", ["network-unreachable"]],
    ["connection-refused.txt", ["network-unreachable"]],
    ["mod-download-json.txt", ["proxy-not-found"]],
    ["multi-dedup.txt", ["proxy-not-found", "proxy-not-found"]],
    ["unrecognised.txt", []],
  ])("%s", (fixture, ids) => {
    const list = explainFixture(fixture);
    expect(list.map((e) => e.id)).toEqual(ids);
    for (const e of list) {
      expect(e.title).not.toBe("");
      expect(e.cause.length).toBeGreaterThan(40);
      expect(e.fix.length).toBeGreaterThan(0);
      expect(e.line).toBeGreaterThan(0);
      expect(e.evidence).not.toBe("");
    }
  });
});

describe("what the explanations name", () => {
  it("go.sum mismatch: module, version, no per-module `go clean`, not 'delete go.sum'", () => {
    const e = only(explainFixture("checksum-go-sum.txt"), "checksum-mismatch");
    expect(e.module).toBe("git.corp.example/platform/auth");
    expect(e.title).toContain("git.corp.example/platform/auth@v1.4.2");
    expect(e.title).toContain("go.sum");
    expect(e.line).toBe(3);
    const fix = fixText(e);
    expect(fix).toContain("go clean -modcache &&");
    expect(fix).not.toMatch(/go clean -modcache[ =][a-z]/);
    expect(fix).toContain("GOPROXY=direct");
    expect(fix).toContain("go mod download -json git.corp.example/platform/auth@v1.4.2");
    expect(fix).toContain("GOPRIVATE=git.corp.example`");
    expect(fix).toMatch(/Don't just delete go\.sum/);
  });

  it("checksum database mismatch in a BuildKit log: prefix stripped, line kept", () => {
    const e = only(explainFixture("checksum-sumdb-docker.txt"), "checksum-mismatch");
    expect(e.module).toBe("github.com/acme/widgets");
    expect(e.line).toBe(4);
    expect(e.evidence).toBe(
      "go: github.com/acme/widgets@v1.3.0: verifying module: checksum mismatch",
    );
    expect(e.title).toContain("checksum database");
  });

  it("a SECURITY ERROR paragraph alone still names the module above it", () => {
    const text = readFileSync(join(FIXTURES, "checksum-go-sum.txt"), "utf8")
      .split("\n")
      .filter((l) => !l.includes("checksum mismatch"))
      .join("\n");
    const list = explainGoError(
      `verifying git.corp.example/platform/auth@v1.4.2: checksum mismatch\n${text}`,
    );
    expect(list.map((e) => e.id)).toEqual(["checksum-mismatch"]);
    const bare = explainGoError(text);
    expect(bare.map((e) => e.id)).toEqual(["checksum-mismatch"]);
    expect(bare[0]?.title).toContain("go.sum");
  });

  it("missing go.sum entry: uses the go command's own suggestion", () => {
    const list = explainFixture("missing-go-sum.txt");
    const [pkg, mod] = list;
    expect(pkg?.module).toBeUndefined();
    expect(pkg?.title).toContain("git.corp.example/platform/auth");
    expect(fixText(pkg as Explanation)).toContain("`go get example.com/a`");
    expect(fixText(pkg as Explanation)).toContain("go mod tidy");
    expect(mod?.module).toBe("git.corp.example/platform/auth");
    expect(fixText(mod as Explanation)).toContain(
      "`go mod download git.corp.example/platform/auth`",
    );
  });

  it("private module asked of a public proxy: GOPRIVATE as a prefix, org-level on GitHub", () => {
    const list = explainFixture("proxy-404-private.txt");
    const nf = only(list, "proxy-not-found");
    expect(nf.module).toBe("github.com/acme-corp/billing");
    expect(nf.title).toContain("public-proxy.example");
    expect(nf.title).toContain("404 Not Found");
    expect(nf.cause).toMatch(/private/);
    expect(fixText(nf)).toContain("go env -w GOPRIVATE=github.com/acme-corp`");
    expect(fixText(nf)).not.toContain("/*");
    const cred = only(list, "git-credentials");
    expect(cred.title).toContain("github.com");
    expect(cred.module).toBe("github.com/acme-corp/billing");
  });

  it("sumdb 410: GOPRIVATE/GONOSUMDB for the host, never GOSUMDB=off as the fix", () => {
    const e = only(explainFixture("sumdb-410.txt"), "sumdb-not-found");
    expect(e.module).toBe("git.corp.example/platform/auth");
    expect(e.title).toContain("410 Gone");
    const fix = fixText(e);
    expect(fix).toContain("GOPRIVATE=git.corp.example`");
    expect(fix).toContain("GONOSUMDB=git.corp.example`");
    expect(fix).toMatch(/Don't set GOSUMDB=off/);
    expect(fix).toContain("ENV GOPRIVATE");
  });

  it("403: credentials for the proxy host, with everything secret redacted", () => {
    const list = explainFixture("proxy-403-secrets.txt");
    const e = only(list, "proxy-forbidden");
    expect(e.evidence).toContain("https://***@proxy.corp.example/");
    expect(fixText(e)).toContain("machine proxy.corp.example login");
    const printed = formatExplanations(list, (s) => s) + JSON.stringify(list);
    for (const secret of ["xxxxx", "glpat-", "ghp_", "eyJhbGci", "ci-bot:"]) {
      expect(printed).not.toContain(secret);
    }
  });

  it("credentials in an http:// URL: https and netrc, the password never echoed", () => {
    const list = explainFixture("credentials-over-http.txt");
    const e = only(list, "credentials-over-http");
    expect(e.title).toContain("127.0.0.1:46443");
    expect(fixText(e)).toContain("machine 127.0.0.1 login <user> password <token>");
    expect(JSON.stringify(list)).not.toMatch(/s3cr3t|ci-bot|xxxxx/);
  });

  it("a dependency needing a newer Go, and a failed switch", () => {
    const dep = explainGoError(
      "go: module example.com/dep@v1.2.0 requires go >= 1.30 (running go 1.24.6; GOTOOLCHAIN=local)",
    );
    expect(dep.map((e) => e.id)).toEqual(["toolchain-refused"]);
    expect(dep[0]?.title).toContain("module example.com/dep@v1.2.0 needs Go 1.30");
    const sw = explainGoError(
      [
        "go: example.com/dep@v1.2.0 requires go >= 1.30; switching to go1.30.0",
        "go: downloading go1.30.0 (linux/amd64)",
        'go: download go1.30.0: golang.org/toolchain@v0.0.1-go1.30.0.linux-amd64: Get "https://proxy.corp.example/golang.org/toolchain/@v/v0.0.1-go1.30.0.linux-amd64.zip": dial tcp 10.0.0.7:443: i/o timeout',
      ].join("\n"),
    );
    expect(sw.map((e) => e.id)).toEqual(["toolchain-refused", "network-timeout"]);
    expect(sw[0]?.title).toBe("Could not switch to Go 1.30.0");
  });

  it("429: rate limiting, caching proxy and retry", () => {
    const e = only(explainFixture("proxy-429.txt"), "proxy-rate-limited");
    expect(e.title).toContain("127.0.0.1:18080");
    expect(e.module).toBe("git.corp.example/platform/auth");
    expect(fixText(e)).toMatch(/Retry later/);
    expect(fixText(e)).toMatch(/caching proxy/);
    expect(fixText(e)).toContain("GOPROXY=");
  });

  it("timeouts to one host are one explanation, naming the host and HTTPS_PROXY", () => {
    const e = only(explainFixture("timeout-actions.txt"), "network-timeout");
    expect(e.line).toBe(4);
    expect(e.title).toBe("Timed out reaching proxy.corp.example");
    expect(fixText(e)).toContain("HTTPS_PROXY");
    expect(fixText(e)).toContain("GOPROXY=https://<your-proxy>,direct");
  });

  it("x509 unknown authority: CA store and SSL_CERT_FILE, GOINSECURE discouraged", () => {
    const e = only(explainFixture("x509-docker.txt"), "tls-certificate");
    expect(e.title).toContain("proxy.corp.example");
    expect(e.line).toBe(2);
    const fix = fixText(e);
    expect(fix).toContain("update-ca-certificates");
    expect(fix).toContain("SSL_CERT_FILE");
    expect(fix).toMatch(/Don't reach for GOINSECURE/);
    const name = only(explainFixture("x509-name.txt"), "tls-certificate");
    expect(name.title).toContain("does not match 10.1.2.3");
  });

  it("terminal prompts disabled: netrc, insteadOf, GOAUTH, GOPRIVATE for the host", () => {
    const e = only(explainFixture("terminal-prompts.txt"), "git-credentials");
    expect(e.module).toBe("git.corp.example/platform/auth");
    expect(e.title).toBe("git has no credentials for git.corp.example");
    const fix = fixText(e);
    expect(fix).toContain("machine git.corp.example login <user> password <token>");
    expect(fix).toContain('url."git@git.corp.example:".insteadOf "https://git.corp.example/"');
    expect(fix).toContain("GOAUTH");
    expect(fix).toContain("GOPRIVATE=git.corp.example`");
  });

  it("ssh publickey: the ssh side of credentials", () => {
    const e = only(explainFixture("ssh-publickey.txt"), "git-credentials");
    expect(e.title).toContain("github.com");
    expect(fixText(e)).toContain("ssh -T git@github.com");
    expect(fixText(e)).toContain("GOPRIVATE=github.com/acme-corp`");
  });

  it("unknown revision: names module and revision, direct check and GONOSUMDB", () => {
    const e = only(explainFixture("unknown-revision.txt"), "unknown-revision");
    expect(e.module).toBe("github.com/acme/widgets");
    expect(e.title).toContain("v1.9.0");
    const fix = fixText(e);
    expect(fix).toContain("GOPROXY=direct go list -m -versions github.com/acme/widgets");
    expect(fix).toContain("GONOSUMDB=github.com/acme");
    expect(fix).toContain("GOFLAGS=-mod=mod");
  });

  it("invalid GOPROXY: names the entry and the only two keywords", () => {
    const e = only(explainFixture("goproxy-skip.txt"), "invalid-goproxy");
    expect(e.title).toContain('"skip"');
    expect(e.cause).toContain("`direct` and `off`");
    expect(fixText(e)).toMatch(/`,` tries the next entry only on 404\/410, `\|` on any error/);
  });

  it("toolchain refused under GOTOOLCHAIN=local: versions, golang image note, the three ways out", () => {
    const e = only(explainFixture("toolchain-local-docker.txt"), "toolchain-refused");
    expect(e.title).toContain("1.25.1");
    expect(e.title).toContain("GOTOOLCHAIN=local");
    expect(e.cause).toContain("go 1.24.6");
    expect(e.cause).toMatch(/golang Docker images set GOTOOLCHAIN=local/);
    const fix = fixText(e);
    expect(fix).toContain("FROM golang:1.25.1");
    expect(fix).toContain("GOTOOLCHAIN=go1.25.1+auto");
    expect(fix).toContain("go mod edit -go=");
  });

  it("toolchain not available, not on PATH, GOSUMDB=off", () => {
    const na = only(explainFixture("toolchain-not-available.txt"), "toolchain-refused");
    expect(na.title).toContain("go1.99.0");
    expect(fixText(na)).toContain("golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64");
    const path = only(explainFixture("toolchain-path.txt"), "toolchain-refused");
    expect(fixText(path)).toContain("go install golang.org/dl/go1.99.0@latest");
    const off = only(explainFixture("toolchain-gosumdb-off.txt"), "toolchain-refused");
    expect(off.title).toContain("GOSUMDB=off");
  });

  it("old Go that cannot parse a three-part go line", () => {
    const e = only(explainFixture("go-too-old.txt"), "go-too-old");
    expect(e.title).toContain("1.22.6");
    expect(e.evidence).toBe("/app/go.mod:3: invalid go version '1.22.6': must match format 1.23");
  });

  it("module path mismatch: declared and required paths, replace in the right direction", () => {
    const e = only(explainFixture("module-path-mismatch.txt"), "module-path-mismatch");
    expect(e.module).toBe("github.com/Sirupsen/logrus");
    expect(fixText(e)).toContain("go get github.com/sirupsen/logrus@v1.9.3");
    expect(fixText(e)).toContain(
      "go mod edit -replace=github.com/sirupsen/logrus=github.com/Sirupsen/logrus@v1.9.3",
    );
  });

  it("go-import lookup 404 names the host and the exact URL", () => {
    const e = only(explainFixture("import-path-meta.txt"), "import-path-meta");
    expect(e.title).toContain("gitlab.corp.example");
    expect(fixText(e)).toContain("https://gitlab.corp.example/team/sub/lib?go-get=1");
  });

  it("go mod download -json: errors inside JSON strings are read, lines point at the Error field", () => {
    const e = only(explainFixture("mod-download-json.txt"), "proxy-not-found");
    expect(e.line).toBe(4);
    expect(e.module).toBe("git.corp.example/platform/auth");
  });

  it("a proxy's own DNS failure in its response body is not this machine's network problem", () => {
    const ids = explainFixture("sumdb-410.txt").map((e) => e.id);
    expect(ids).not.toContain("network-unreachable");
    expect(ids).not.toContain("import-path-meta");
  });
});

describe("dedup, order, redaction and output", () => {
  it("deduplicates by id and module, keeps input order", () => {
    const list = explainFixture("multi-dedup.txt");
    expect(list.map((e) => [e.module, e.line])).toEqual([
      ["git.corp.example/platform/auth", 3],
      ["git.corp.example/platform/billing", 5],
    ]);
    const twice = explainGoError(
      [
        "go: example.com/a@v1.0.0: module lookup disabled by GOPROXY=off",
        "go: example.com/a@v1.0.0: module lookup disabled by GOPROXY=off",
        "go: example.com/b@v1.0.0: module lookup disabled by GOPROXY=off",
      ].join("\n"),
    );
    expect(twice.map((e) => e.module)).toEqual(["example.com/a", "example.com/b"]);
  });

  it("orders different problems by the line they were found on", () => {
    const text = [
      "go: git.corp.example/x@v1.0.0: invalid proxy URL missing scheme: none",
      "go: go.mod requires go >= 1.30 (running go 1.24.6; GOTOOLCHAIN=local)",
      "go: github.com/acme/widgets@v1.9.0: invalid version: unknown revision v1.9.0",
    ].join("\n");
    expect(explainGoError(text).map((e) => [e.id, e.line])).toEqual([
      ["invalid-goproxy", 1],
      ["toolchain-refused", 2],
      ["unknown-revision", 3],
    ]);
  });

  it("redacts user:pass@ and tokens from evidence and everything derived from it", () => {
    const text = [
      "go: git.corp.example/x@v1.0.0: reading https://alice:hunter2@proxy.corp.example/git.corp.example/x/@v/v1.0.0.info: 404 Not Found",
      "\tserver response: not found (Authorization: Basic YWxpY2U6aHVudGVyMg==)",
      'go: git.corp.example/y@v1.0.0: Get "https://oauth2:glpat-AbCdEfGhIjKlMnOpQrSt@git.corp.example/y?go-get=1": dial tcp 10.0.0.9:443: i/o timeout',
    ].join("\n");
    const list = explainGoError(text);
    expect(list.map((e) => e.id)).toEqual(["proxy-not-found", "network-timeout"]);
    const printed = formatExplanations(list, (s) => s) + JSON.stringify(list);
    for (const secret of ["alice", "hunter2", "YWxpY2U6aHVudGVyMg", "oauth2", "glpat-"]) {
      expect(printed).not.toContain(secret);
    }
    expect(list[0]?.evidence).toContain("https://***@proxy.corp.example/");
  });

  it("strips ANSI colours, CR redraws, compose and Actions prefixes", () => {
    const text = [
      "api-1  | \u001b[31mgo: example.com/a@v1.0.0: module lookup disabled by GOPROXY=off\u001b[0m",
      "2025-01-01T00:00:00.0000000Z ##[error]go: github.com/acme/widgets@v1.9.0: invalid version: unknown revision v1.9.0",
      "downloading...\rgo: example.com/c@v1.0.0: invalid proxy URL missing scheme: skip",
    ].join("\n");
    const list = explainGoError(text);
    expect(list.map((e) => e.evidence)).toEqual([
      "go: example.com/a@v1.0.0: module lookup disabled by GOPROXY=off",
      "go: github.com/acme/widgets@v1.9.0: invalid version: unknown revision v1.9.0",
      "go: example.com/c@v1.0.0: invalid proxy URL missing scheme: skip",
    ]);
  });

  it("unknown input: nothing found, and the text says what to try", () => {
    expect(explainGoError("")).toEqual([]);
    expect(explainFixture("unrecognised.txt")).toEqual([]);
    const text = formatExplanations([], (s) => s);
    expect(text).toMatch(/No known go command error was recognised/);
    expect(text).toContain("-x");
    expect(text).toContain("2>&1");
  });

  it("colours titles only, and numbers the problems", () => {
    const list = explainFixture("proxy-404-private.txt");
    const text = formatExplanations(list, (s) => `«${s}»`);
    expect(text).toMatch(/^2 problems recognised:/);
    expect(text).toContain(`1. «${list[0]?.title ?? ""}»  [proxy-not-found]`);
    expect(text).toContain(`2. «${list[1]?.title ?? ""}»  [git-credentials]`);
    expect(text).toContain("   line 2: go: github.com/acme-corp/billing@v0.7.1: reading");
    expect(text.match(/«/g)).toHaveLength(2);
  });
});
