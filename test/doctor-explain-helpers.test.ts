import { describe, expect, it } from "vitest";
import { findModuleRef, moduleFromProxyUrl } from "../src/doctor/explain/module-ref.js";
import { normalizeInput } from "../src/doctor/explain/normalize.js";
import { privatePattern } from "../src/doctor/explain/private-pattern.js";
import { redactSecrets } from "../src/doctor/explain/redact.js";

describe("redactSecrets", () => {
  it.each([
    [
      "reading https://alice:hunter2@proxy.corp.example/x: 403",
      "reading https://***@proxy.corp.example/x: 403",
    ],
    ["GOPROXY=https://ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789@host/", "GOPROXY=https://***@host/"],
    ["Authorization: Bearer abc.def.ghi", "Authorization: Bearer ***"],
    ["authorization=Basic YWxpY2U6aHVudGVy", "authorization=Basic ***"],
    ["PRIVATE-TOKEN: glpat-AbCdEfGhIjKlMnOpQrSt", "PRIVATE-TOKEN: ***"],
    ["url?access_token=s3cr3t&x=1", "url?access_token=***&x=1"],
    ['GITHUB_TOKEN="abc123"', 'GITHUB_TOKEN="***"'],
    [
      "machine git.corp.example login bot password s3cr3t",
      "machine git.corp.example login *** password ***",
    ],
    // A URL's user may itself be a token, so it goes too.
    [
      "fatal: could not read Password for 'https://bot@git.corp.example': terminal prompts disabled",
      "fatal: could not read Password for 'https://***@git.corp.example': terminal prompts disabled",
    ],
    ["token ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 leaked", "token *** leaked"],
  ])("%s", (input, want) => {
    expect(redactSecrets(input)).toBe(want);
  });

  it("leaves go command text alone", () => {
    for (const line of [
      "fatal: could not read Username for 'https://git.corp.example': terminal prompts disabled",
      "package example.com/x/token: no Go files in /src/token",
      "\tgo.sum:     h1:BBBBBBBBBBEFUrhPUKwKeoEv4pMxDz9vIygx0eYbYGU=",
      "git@github.com: Permission denied (publickey).",
    ]) {
      expect(redactSecrets(line)).toBe(line);
    }
  });
});

describe("privatePattern", () => {
  it("uses the host, or the organisation on shared hosting, never a /* glob", () => {
    expect(privatePattern("git.corp.example/platform/auth")).toBe("git.corp.example");
    expect(privatePattern("github.com/acme-corp/billing/v2")).toBe("github.com/acme-corp");
    expect(privatePattern("gitlab.com/group/sub/repo")).toBe("gitlab.com/group");
    expect(privatePattern("git.corp.example")).toBe("git.corp.example");
  });
});

describe("module references", () => {
  it("reads path@version, module path, and case-encoded proxy URLs", () => {
    expect(findModuleRef("go: github.com/acme/widgets@v1.9.0: invalid version")).toEqual({
      path: "github.com/acme/widgets",
      version: "v1.9.0",
    });
    expect(findModuleRef("go: module git.corp.example/x: reading ...")).toEqual({
      path: "git.corp.example/x",
    });
    expect(findModuleRef("verifying rsc.io/quote@v1.5.2/go.mod: checksum mismatch")).toEqual({
      path: "rsc.io/quote",
      version: "v1.5.2",
    });
    expect(findModuleRef("git@github.com: Permission denied (publickey).")).toBeUndefined();
    expect(
      moduleFromProxyUrl(
        "https://proxy.corp.example/api/go/github.com/!azure/azure-sdk/@v/v1.0.0.zip",
      ),
    ).toEqual({ path: "github.com/Azure/azure-sdk", version: "v1.0.0" });
    expect(
      moduleFromProxyUrl("https://sum.example/lookup/github.com/!burnt!sushi/toml@v1.4.0"),
    ).toEqual({
      path: "github.com/BurntSushi/toml",
      version: "v1.4.0",
    });
    expect(moduleFromProxyUrl("https://proxy.corp.example/git.corp.example/x/@v/list")).toEqual({
      path: "git.corp.example/x",
    });
  });
});

describe("normalizeInput", () => {
  it("keeps original line numbers and splits JSON error strings", () => {
    const lines = normalizeInput('#3 0.1 a\n\t"Error": "x\\n\\ty"\nb');
    expect(lines).toEqual([
      { text: "a", line: 1 },
      { text: "x", line: 2 },
      { text: "\ty", line: 2 },
      { text: "b", line: 3 },
    ]);
  });
});
