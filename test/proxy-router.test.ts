import { describe, expect, it } from "vitest";
import {
  Router,
  buildRoutes,
  parseRouteRule,
  parseTargetSpec,
  sameUpstream,
} from "../src/proxy/router.js";
import type { TargetFactories } from "../src/proxy/router.js";
import { createDenyTarget } from "../src/proxy/targets/deny.js";
import type { Target } from "../src/proxy/types.js";
import { FakeTarget } from "./helpers/proxy-fakes.js";

const DEFAULT = "https://mirror.example.test";

function factories(): TargetFactories & { made: string[] } {
  const made: string[] = [];
  return {
    made,
    upstream: (list, { guardDirect }) => {
      made.push(`upstream ${list}${guardDirect ? " (guarded)" : ""}`);
      return new FakeTarget(`upstream:${list}`);
    },
    direct: () => {
      made.push("direct");
      return new FakeTarget("direct");
    },
    deny: () => createDenyTarget(),
  };
}

describe("route rules", () => {
  it("parses GLOB=TARGET", () => {
    expect(parseRouteRule("*.corp.example.com=direct")).toEqual({
      ok: true,
      value: { pattern: "*.corp.example.com", target: "direct" },
    });
    expect(
      parseRouteRule("github.com/acme,gitlab.com/acme=https://u:p@goproxy.corp/x"),
    ).toMatchObject({
      ok: true,
      value: { pattern: "github.com/acme,gitlab.com/acme", target: "https://u:p@goproxy.corp/x" },
    });
    for (const bad of [
      "nodivider",
      "=direct",
      "a b=direct",
      "x.com=",
      "x.com=ftp://h",
      "x.com=notaurl",
    ]) {
      expect(parseRouteRule(bad).ok, bad).toBe(false);
    }
  });

  it("parses targets", () => {
    expect(parseTargetSpec("direct")).toEqual({ ok: true, value: { kind: "direct" } });
    expect(parseTargetSpec("deny")).toEqual({ ok: true, value: { kind: "deny" } });
    expect(parseTargetSpec("https://a,https://b|direct")).toMatchObject({
      ok: true,
      value: {
        kind: "upstream",
        entries: [{ kind: "url" }, { kind: "url", fallbackOnError: true }, { kind: "direct" }],
      },
    });
    expect(parseTargetSpec("off")).toMatchObject({
      ok: true,
      value: { kind: "upstream", entries: [{ kind: "off" }] },
    });
  });

  it("compares upstream lists by their entries", () => {
    expect(sameUpstream("https://a/", "https://a")).toBe(true);
    expect(sameUpstream("a.example", "https://a.example")).toBe(true);
    expect(sameUpstream("https://a,https://b", "https://a|https://b")).toBe(false);
    expect(sameUpstream("https://a", "https://b")).toBe(false);
  });
});

describe("buildRoutes", () => {
  it("keeps rule order, appends the public default, and marks only the default upstream public", () => {
    const f = factories();
    const routes = buildRoutes(
      [
        { pattern: "*.corp.example.com", target: "direct" },
        { pattern: "secret.example.com", target: "deny" },
        { pattern: "github.com/acme", target: "https://goproxy.corp.example.com" },
        { pattern: "github.com/mirrored", target: `${DEFAULT}/` },
      ],
      DEFAULT,
      f,
    );
    expect(routes.map((r) => [r.name, r.verify])).toEqual([
      ["*.corp.example.com", false],
      ["secret.example.com", false],
      ["github.com/acme", false],
      ["github.com/mirrored", true],
      ["default", true],
    ]);
    expect(routes[1]?.target.name).toBe("deny");
    // One target per distinct list; the public ones guard `direct` entries against private hosts.
    expect(f.made).toEqual([
      "direct",
      "upstream https://goproxy.corp.example.com",
      `upstream ${DEFAULT}/ (guarded)`,
      `upstream ${DEFAULT} (guarded)`,
    ]);
  });
});

describe("Router.select: GOPRIVATE prefix-glob semantics, first match wins", () => {
  const t = (name: string): Target => new FakeTarget(name);
  const router = new Router([
    { pattern: "*.corp.example.com", target: t("corp"), verify: false },
    { pattern: "github.com/acme/*", target: t("acme-children"), verify: false },
    { pattern: "github.com/acme", target: t("acme"), verify: false },
    { pattern: "gitlab.com/a,gitlab.com/b", target: t("gitlab"), verify: false },
    { pattern: "[", target: t("malformed"), verify: false },
    { pattern: "*", name: "default", target: t("default"), verify: true },
  ]);
  it.each([
    ["git.corp.example.com/team/lib", "corp"],
    ["corp.example.com/x", "default"],
    ["github.com/acme/tool/v2", "acme-children"],
    ["github.com/acme", "acme"],
    ["github.com/acmex/y", "default"],
    ["gitlab.com/b/c", "gitlab"],
    ["gitlab.com/c", "default"],
    ["golang.org/x/text", "default"],
  ])("%s → %s", (module, want) => {
    expect(router.select(module).target.name).toBe(want);
  });

  it("knows which modules are private", () => {
    expect(router.isPrivate("git.corp.example.com/x")).toBe(true);
    expect(router.isPrivate("golang.org/x/text")).toBe(false);
  });
});
