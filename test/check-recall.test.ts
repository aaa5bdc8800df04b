import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { gopave, REPO_ROOT } from "./helpers/cli.js";

/**
 * Recall of `gopave check` on planted defects: each fixture repo under test/fixtures/planted marks
 * every defect with the rules it must trigger. A marker at the end of a line (`# planted: DF003`,
 * `// planted: DC002`) names that line; a marker on a line of its own names the next line
 * (Dockerfiles have no trailing comments).
 */

const PLANTED = join(REPO_ROOT, "test", "fixtures", "planted");
const MARKER = /(?:#|\/\/)\s*planted:\s*([A-Z]{2}\d{3}(?:\s+[A-Z]{2}\d{3})*)/;

interface Planted {
  file: string;
  line: number;
  rule: string;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function planted(repo: string): Planted[] {
  const out: Planted[] = [];
  for (const abs of files(repo)) {
    const lines = readFileSync(abs, "utf8").split("\n");
    lines.forEach((text, i) => {
      const m = MARKER.exec(text);
      if (!m?.[1]) return;
      const own = /^\s*(?:#|\/\/)/.test(text);
      const line = own ? i + 2 : i + 1;
      for (const rule of m[1].split(/\s+/)) {
        out.push({ file: relative(repo, abs).split("\\").join("/"), line, rule });
      }
    });
  }
  return out;
}

const repos = readdirSync(PLANTED).sort();

describe("check finds every planted defect", () => {
  it("plants at least 40 defects over Dockerfiles, compose, dev containers, CI, VS Code, scripts and go.mod", () => {
    const all = repos.flatMap((r) => planted(join(PLANTED, r)));
    expect(all.length).toBeGreaterThanOrEqual(40);
    const kinds = new Set(
      all.map((p) =>
        /Dockerfile/.test(p.file)
          ? "dockerfile"
          : /compose/.test(p.file)
            ? "compose"
            : /devcontainer/.test(p.file)
              ? "devcontainer"
              : p.file.startsWith(".github/")
                ? "workflow"
                : p.file.startsWith(".gitlab")
                  ? "gitlab"
                  : p.file.startsWith(".vscode/")
                    ? "vscode"
                    : /Makefile|\.sh$/.test(p.file)
                      ? "script"
                      : p.file,
      ),
    );
    for (const k of ["dockerfile", "compose", "devcontainer", "workflow", "gitlab", "vscode"]) {
      expect(kinds, k).toContain(k);
    }
    expect(kinds).toContain("script");
    expect(kinds).toContain("go.mod");
  });

  it.each(repos)("%s", async (name) => {
    const repo = join(PLANTED, name);
    const r = await gopave(repo, ["check", "--format", "json", "--offline"]);
    const found = (JSON.parse(r.stdout) as { findings: Planted[] }).findings;
    const missed = planted(repo).filter(
      (p) => !found.some((f) => f.rule === p.rule && f.file === p.file && f.line === p.line),
    );
    expect(missed).toEqual([]);
  });
});
