import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildModel } from "../src/check/model/index.js";
import { DOCKER_RULES } from "../src/check/rules/docker/index.js";
import type { Finding, RepoModel } from "../src/check/types.js";
import { copyRepo, gopave, REPO_ROOT } from "./helpers/cli.js";

async function runAll(model: RepoModel): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const rule of DOCKER_RULES) {
    const found = await rule.check({ model, isPublicModule: async () => undefined });
    for (const f of found) out.push({ rule: rule.id, ...f, severity: f.severity ?? rule.severity });
  }
  return out;
}

const summary = (fs: readonly Finding[]) => fs.map((f) => `${f.rule} ${f.file}:${f.line}`);

describe("Docker and compose rules on whole repos", () => {
  it("find nothing in a repo that `gopave init` generated", async () => {
    const dir = copyRepo("example", "orders");
    const init = await gopave(dir, ["init", "--yes"]);
    expect(init.code).toBe(0);
    const model = await buildModel(dir);
    // The generated files are all there to be checked, not skipped.
    expect(model.dockerfiles.map((d) => d.path)).toEqual([
      ".devcontainer/Dockerfile",
      "Dockerfile",
    ]);
    expect(model.composes.map((c) => c.path)).toEqual([
      ".devcontainer/compose.yaml",
      "compose.yaml",
    ]);
    expect(model.dockerignores.map((d) => d.path)).toEqual([".dockerignore"]);
    // Only the live targets' builds, which keep their caches in the image on purpose and say so
    // to `check` on the line above (gopave:ignore); check itself reports nothing.
    const text = readFileSync(join(dir, "Dockerfile"), "utf8").split("\n");
    const found = await runAll(model);
    expect(found.map((f) => `${f.rule} ${text[f.line - 2] ?? ""}`)).toEqual([
      "DF004 # gopave:ignore DF004",
      "DF004 # gopave:ignore DF004",
    ]);
    expect(found.map((f) => text[f.line - 3])).toEqual([
      "FROM src AS api-live",
      "FROM src AS worker-live",
    ]);
    const check = await gopave(dir, ["check"]);
    expect(check.code, check.stdout).toBe(0);
  });

  it("flag the hand-written single-stage Dockerfile fixture", async () => {
    const model = await buildModel(join(REPO_ROOT, "test", "fixtures", "handwritten"));
    const found = await runAll(model);
    expect(summary(found)).toEqual([
      "DF001 Dockerfile:2",
      "DF004 Dockerfile:5",
      "DF006 Dockerfile:2",
      "DF010 Dockerfile:4",
      "DF012 Dockerfile:2",
    ]);
    const df012 = found.find((f) => f.rule === "DF012");
    expect(df012?.message).toContain("older than `go 1.25.0` in go.mod");
    expect(df012?.related).toEqual([{ file: "go.mod", line: 3, message: "go 1.25.0" }]);
    // go.mod has no requirements: no dependency layer to cache, so DF003 stays quiet.
    expect(found.some((f) => f.rule === "DF003")).toBe(false);
  });
});

describe("Docker rule metadata", () => {
  it("has stable unique ids, one-line titles and complete docs", () => {
    const ids = DOCKER_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `DF${String(i + 1).padStart(3, "0")}`),
      ...Array.from({ length: 6 }, (_, i) => `CP${String(i + 1).padStart(3, "0")}`),
    ]);
    for (const rule of DOCKER_RULES) {
      expect(rule.id).toMatch(/^[A-Z]{2}\d{3}$/);
      expect(rule.title).not.toMatch(/\n/);
      expect(rule.title.length).toBeLessThan(80);
      expect(rule.doc.why.length, rule.id).toBeGreaterThan(80);
      expect(rule.doc.fix.length, rule.id).toBeGreaterThan(20);
      expect(rule.doc.example.bad, rule.id).not.toBe(rule.doc.example.good);
      expect(rule.doc.example.file, rule.id).toMatch(/^(Dockerfile|compose\.yaml|\.dockerignore)$/);
    }
  });
});
