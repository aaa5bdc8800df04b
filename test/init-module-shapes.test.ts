import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { gopave, REPO_ROOT } from "./helpers/cli.js";

/**
 * init on each module-shape fixture, as a user would: it succeeds, says what the Dockerfile
 * does about the shape, sync --check is clean and check finds no error or warning (check derives
 * the same replacement and vendor facts as sync, so the Dockerfile is not reported as drift).
 */

/** A temp copy of test/fixtures/shapes/<name>. */
function copyShape(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gopave-shape-${name}-`));
  cpSync(join(REPO_ROOT, "test", "fixtures", "shapes", name), dir, { recursive: true });
  return dir;
}

const SHAPES = ["replace-local", "replace-chain", "workspace-replace", "vendored", "cgo"];

describe.each(SHAPES)("init on shapes/%s", (shape) => {
  it("writes a clean repo", { timeout: 120_000 }, async () => {
    const dir = copyShape(shape);
    try {
      const init = await gopave(dir, ["init", "--yes", "--offline"]);
      expect(init.code, init.stderr).toBe(0);
      expect((await gopave(dir, ["sync", "--check"])).code).toBe(0);
      const check = await gopave(dir, ["check", "--offline", "--format", "json"]);
      const findings = (JSON.parse(check.stdout) as { findings: { severity: string }[] }).findings;
      expect(findings.filter((f) => f.severity !== "note")).toEqual([]);
      const spec = parseYaml(readFileSync(join(dir, "gopave.yaml"), "utf8")) as {
        go: Record<string, unknown>;
        apps: { name: string; cgo?: unknown }[];
      };
      // init leaves each developer's GOTOOLCHAIN alone.
      expect(spec.go["toolchain"]).toBeUndefined();
      if (shape === "cgo") {
        expect(spec.apps.map((a) => [a.name, a.cgo])).toEqual([
          ["export", undefined],
          ["notes", true],
          ["rank", "c++"],
        ]);
        expect(init.stdout).toContain("notes is built with cgo (CGO_ENABLED=1) on distroless base");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it("init says a replacement outside the repo needs a named build context", async () => {
  const dir = copyShape("replace-outside");
  try {
    const init = await gopave(join(dir, "repo"), ["init", "--yes", "--offline"]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(
      "example.com/shared (go.mod:8) is replaced by ../shared, outside the repo",
    );
    expect(init.stdout).toContain("docker build --build-context gomod-shared=../shared .");
    // compose passes the same named context to every app's build.
    const compose = parseYaml(readFileSync(join(dir, "repo", "compose.yaml"), "utf8")) as {
      services: Record<string, { build?: { additional_contexts?: Record<string, string> } }>;
    };
    const builds = Object.values(compose.services).flatMap((s) => (s.build ? [s.build] : []));
    expect(builds.length).toBeGreaterThan(0);
    for (const b of builds) expect(b.additional_contexts).toEqual({ "gomod-shared": "../shared" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
