import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../src/check/rules/index.js";
import { planFromSpecText } from "../src/generate/pipeline.js";
import { loadProxyConfig, resolveProxyConfig } from "../src/proxy/config.js";
import { REPO_ROOT } from "./helpers/cli.js";

const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

describe("README", () => {
  it("lists every check rule with its severity and title", () => {
    for (const r of RULES) {
      const row = new RegExp(`^\\|\\s*${r.id}\\s*\\|\\s*${r.severity}\\s*\\|`, "m");
      expect(readme, `README is missing rule ${r.id}`).toMatch(row);
    }
    const listed = [...readme.matchAll(/^\|\s*([A-Z]{2}\d{3})\s*\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it("has a two-command Quick start: the demo and the test suite", () => {
    const quick = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const commands = quick.split("\n").filter((l) => l.trim() !== "");
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^npm ci && npm run demo/);
    expect(commands[1]).toMatch(/^npm test/);
  });

  it("shows a spec that loads and renders", () => {
    const text = /## The spec[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(text).toContain("keep:");
    const root = mkdtempSync(join(tmpdir(), "gopave-readme-spec-"));
    writeFileSync(join(root, "go.mod"), "module example.com/orders\n\ngo 1.26.8\n");
    const { actions } = planFromSpecText(root, text, "0.0.0");
    const paths = actions.map((a) => a.path);
    expect(paths).toContain("Dockerfile");
    expect(paths).toContain(".github/workflows/gopave.yml");
    expect(paths).not.toContain(".golangci.yml");
    expect(paths).not.toContain(".github/workflows/ci.yml");
    expect(paths).not.toContain(".vscode/launch.json");
  });

  it("shows a proxy config that gopave proxy serve accepts", () => {
    const section = /## `gopave proxy`[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const text = section.replace(/^ {2}/gm, "");
    expect(text).toContain("listen:");
    const config = resolveProxyConfig(loadProxyConfig(text, "proxy.yaml"), REPO_ROOT, {
      route: [],
    });
    expect(config.listen.port).toBe(3000);
    expect(config.routes.length).toBeGreaterThanOrEqual(2);
  });
});
