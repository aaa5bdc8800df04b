import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GopaveError } from "../util/errors.js";
import { readRepoFacts } from "./index.js";
import { loadRepo } from "./repo-files.js";

const base = mkdtempSync(join(tmpdir(), "gopave-repo-facts-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
function tree(files: Record<string, string>): string {
  const root = join(base, `r${n++}`);
  mkdirSync(root, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

describe("readRepoFacts", () => {
  it("reads a single module", () => {
    const root = tree({
      "go.mod": "module example.com/a\n\ngo 1.24\n\ntoolchain go1.26.8\n",
      "go.sum": "",
    });
    expect(readRepoFacts(root)).toEqual({
      modules: [
        { dir: ".", path: "example.com/a", goLine: "1.24", toolchain: "go1.26.8", hasGoSum: true },
      ],
      workspace: undefined,
    });
  });

  it("reads a workspace root-first then by dir", () => {
    const root = tree({
      "go.work": "go 1.24\n\nuse (\n\t./zeta\n\t.\n\t./alpha\n\t./alpha/\n\t./missing\n)\n",
      "go.work.sum": "",
      "go.mod": "module example.com/root\n\ngo 1.24\n",
      "zeta/go.mod": "module example.com/zeta\n",
      "alpha/go.mod": "module example.com/alpha\n\ngo 1.23\n",
      "alpha/go.sum": "",
    });
    expect(readRepoFacts(root)).toEqual({
      modules: [
        {
          dir: ".",
          path: "example.com/root",
          goLine: "1.24",
          toolchain: undefined,
          hasGoSum: false,
        },
        {
          dir: "alpha",
          path: "example.com/alpha",
          goLine: "1.23",
          toolchain: undefined,
          hasGoSum: true,
        },
        {
          dir: "zeta",
          path: "example.com/zeta",
          goLine: "1.16",
          toolchain: undefined,
          hasGoSum: false,
        },
      ],
      workspace: { hasSum: true },
    });
    const repo = loadRepo(root);
    expect(repo.primary.mod.module.path).toBe("example.com/root");
    expect(repo.notes).toEqual(["go.work:8 uses ./missing, which has no go.mod; skipped it"]);
  });

  it("takes the first go.work module as primary when the root is no module", () => {
    const root = tree({
      "go.work": "go 1.24\nuse ./svc\nuse ./lib\n",
      "svc/go.mod": "module example.com/svc\n",
      "lib/go.mod": "module example.com/lib\n",
    });
    const repo = loadRepo(root);
    expect(repo.modules.map((m) => m.dir)).toEqual(["lib", "svc"]);
    expect(repo.primary.dir).toBe("svc");
  });

  it("needs go.mod or go.work", () => {
    const root = tree({ "main.go": "package main\n" });
    let err: unknown;
    try {
      readRepoFacts(root);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GopaveError);
    expect(err).toMatchObject({
      code: "GOMOD_MISSING",
      hint: "run gopave init in a Go module root (where go.mod is)",
    });
  });

  it("reports a broken go.mod with its repo-relative path", () => {
    const root = tree({
      "go.work": "go 1.24\nuse ./a\n",
      "a/go.mod": "module example.com/a\ngo one\n",
    });
    expect(() => readRepoFacts(root)).toThrow(
      expect.objectContaining({
        code: "GOMOD_INVALID",
        position: { file: "a/go.mod", line: 2, col: 4 },
      }),
    );
  });
});
