import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { Finding, Rule } from "../src/check/types.js";
import { gopave } from "./helpers/cli.js";

/**
 * `gopave check` end to end with a rule that throws (added to the real rule list here): the exit
 * code is that of an error finding, every format stays well-formed, stderr stays empty.
 */
vi.mock("../src/check/rules/index.js", async (importOriginal) => {
  const real = await importOriginal<{ RULES: Rule[] }>();
  const broken: Rule = {
    id: "ZZ999",
    severity: "warning",
    title: "always fails",
    doc: { why: "w".repeat(50), fix: "f".repeat(30), example: { file: "x", bad: "b", good: "g" } },
    check: ({ model }) => {
      for (const f of model.composes) {
        const services = (f.data as { services: Record<string, { image: string }> }).services;
        for (const s of Object.values(services)) s.image.toUpperCase();
      }
      return [];
    },
  };
  return { RULES: [...real.RULES, broken] };
});

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "gopave-check-failure-"));
  writeFileSync(join(dir, "go.mod"), "module example.com/app\n\ngo 1.26.8\n");
  // The second service has no image: the broken rule calls a method on undefined there.
  writeFileSync(
    join(dir, "compose.yaml"),
    "services:\n  db:\n    image: postgres:17\n    healthcheck:\n      test: [CMD, pg_isready]\n  app:\n    build: .\n",
  );
  return dir;
}

describe("gopave check with a failing rule", () => {
  it("reports PA002 at the service it was reading, exits 1, and keeps every format valid", async () => {
    const dir = repo();
    const json = await gopave(dir, ["check", "--format", "json"]);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe("");
    const { findings } = JSON.parse(json.stdout) as { findings: Finding[] };
    const failed = findings.filter((f) => f.rule === "PA002");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ file: "compose.yaml", line: 6, severity: "error" });
    expect(failed[0]?.message).toMatch(/^gopave rule ZZ999 failed on compose\.yaml: TypeError: /);

    const sarif = await gopave(dir, ["check", "--format", "sarif"]);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout) as {
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: { ruleId: string; ruleIndex: number }[];
      }[];
    };
    const run = log.runs[0];
    const result = run?.results.find((r) => r.ruleId === "PA002");
    expect(run?.tool.driver.rules[result?.ruleIndex ?? -1]?.id).toBe("PA002");

    const text = await gopave(dir, ["check"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^compose\.yaml:6 {2}PA002 {2}error {2}gopave rule ZZ999 failed/m);
  });
});
