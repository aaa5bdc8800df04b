import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORE_RULES } from "../src/check/rules/core/index.js";
import type { Finding } from "../src/check/types.js";
import { copyRepo, gopave, REPO_ROOT, snapshot } from "./helpers/cli.js";

const FIXTURES = join(REPO_ROOT, "test/fixtures/check");
const CORE_IDS = new Set(CORE_RULES.map((r) => r.id));

async function checkJson(dir: string, extra: string[] = []) {
  const r = await gopave(dir, ["check", "--format", "json", ...extra]);
  return { ...r, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings };
}

describe("gopave check on a repo gopave init generated", () => {
  it("reports no errors or warnings, in every format, and writes nothing", async () => {
    const dir = copyRepo("example", "orders");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    const before = snapshot(dir);
    const text = await gopave(dir, ["check"]);
    expect(text.stderr).toBe("");
    expect(text.code, text.stdout).toBe(0);
    const { findings, code } = await checkJson(dir);
    expect(code).toBe(0);
    expect(findings.filter((f) => f.severity !== "note")).toEqual([]);
    const sarif = await gopave(dir, ["check", "--format", "sarif"]);
    expect(sarif.code).toBe(0);
    expect(JSON.parse(sarif.stdout)).toMatchObject({ version: "2.1.0" });
    expect(snapshot(dir)).toEqual(before);
  });
});

describe("gopave check exit codes and output", () => {
  it("exits 1 with positioned findings for malformed files, never crashing", async () => {
    const { code, findings } = await checkJson(join(FIXTURES, "core-malformed"));
    expect(code).toBe(1);
    const core = findings
      .filter((f) => CORE_IDS.has(f.rule))
      .map((f) => `${f.file}:${f.line} ${f.rule}`);
    expect(core).toEqual([
      ".devcontainer/devcontainer.json:5 PA001",
      ".github/workflows/ci.yml:3 PA001",
      ".vscode/launch.json:3 PA001",
      "compose.yaml:6 PA001",
      "go.mod:6 PA001",
      "gopave.yaml:6 GP002",
    ]);
  });

  it("text output groups by file with a summary line", async () => {
    const r = await gopave(REPO_ROOT, ["check", "test/fixtures/check/core-malformed"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^compose\.yaml\ncompose\.yaml:6 {2}PA001 {2}error {2}invalid YAML/m);
    expect(r.stdout).toMatch(/^gopave check: \d+ errors?, \d+ warnings?, \d+ notes?\n$/m);
  });

  it("honours check.disable and inline ignores", async () => {
    const { code, findings } = await checkJson(join(FIXTURES, "core-ignore"));
    expect(code).toBe(1);
    const core = findings
      .filter((f) => CORE_IDS.has(f.rule))
      .map((f) => `${f.file}:${f.line} ${f.rule}`);
    // GP001 is disabled in gopave.yaml (it would report every missing generated file);
    // compose.yaml's PA001 and the forwardPort DC005 are ignored inline.
    expect(core).toEqual([
      ".devcontainer/devcontainer.json:4 DC005",
      ".github/workflows/ci.yml:3 PA001",
    ]);
  });

  it("exits 0 when there is nothing to report", async () => {
    const dir = copyRepo("fixture", "library");
    const r = await gopave(dir, ["check", "--format", "json"]);
    const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
    expect(r.code).toBe(findings.some((f) => f.severity !== "note") ? 1 : 0);
    expect(findings.filter((f) => CORE_IDS.has(f.rule))).toEqual([]);
  });

  it("exits 2 for a missing directory", async () => {
    const r = await gopave(REPO_ROOT, ["check", "no/such/dir"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/dir: no such directory/);
    expect(r.stdout).toBe("");
  });

  it("exits 2 for an unknown format", async () => {
    expect((await gopave(REPO_ROOT, ["check", "--format", "xml"])).code).toBe(2);
  });
});

describe("gopave check --explain", () => {
  it("prints title, severity, why, fix and example", async () => {
    const r = await gopave(REPO_ROOT, ["check", "--explain", "dc005"]);
    expect(r.code).toBe(0);
    const rule = CORE_RULES.find((x) => x.id === "DC005");
    expect(r.stdout).toContain(`DC005  ${rule?.title}`);
    expect(r.stdout).toContain("severity: error");
    expect(r.stdout).toContain(rule?.doc.why);
    expect(r.stdout).toContain(rule?.doc.fix);
    expect(r.stdout).toContain("Example (.devcontainer/devcontainer.json)");
    expect(r.stdout).toContain('    "forwardPort": [8080]');
  });

  it("exits 2 with a did-you-mean for an unknown id", async () => {
    const r = await gopave(REPO_ROOT, ["check", "--explain", "PA01"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown rule "PA01" \(did you mean "PA001"\?\)/);
  });
});
