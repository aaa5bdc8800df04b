import { describe, expect, it } from "vitest";
import { hostHeuristic, isKnownPublicHost, privateGlob } from "./private-hosts.js";

describe("host heuristic", () => {
  it.each([
    ["mycorp/lib", "certain"],
    ["git.corp.internal/team/lib", "certain"],
    ["svc.acme.corp/x", "certain"],
    ["nas.home.arpa/x", "certain"],
    ["build.lan/x", "certain"],
    ["dev.localhost/x", "certain"],
    ["10.0.0.7/x", "certain"],
    ["git.example.com/team/lib", "likely"],
    ["gitlab.acme.io/x", "likely"],
    ["scm.bank.de/x", "likely"],
    ["github.com/acme/x", undefined],
    ["gitlab.com/acme/x", undefined],
    ["bitbucket.org/acme/x", undefined],
    ["example.com/x", undefined],
  ])("%s -> %s", (path, want) => {
    expect(hostHeuristic(path)).toBe(want);
  });

  it("knows public vanity hosts", () => {
    expect(isKnownPublicHost("golang.org/x/net")).toBe(true);
    expect(isKnownPublicHost("code.gitea.io/sdk/gitea")).toBe(true);
    expect(isKnownPublicHost("github.com/a/b")).toBe(false);
  });

  it("proposes host/owner on shared forges, else the host", () => {
    expect(privateGlob("github.com/acme/lib/v2")).toBe("github.com/acme");
    expect(privateGlob("gitlab.com/group/sub/x")).toBe("gitlab.com/group");
    expect(privateGlob("git.corp.internal/team/lib")).toBe("git.corp.internal");
    expect(privateGlob("mycorp")).toBe("mycorp");
  });
});
