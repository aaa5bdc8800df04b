import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importChain, importGraph, reachable } from "../src/detect/import-graph.js";
import { loadRepo } from "../src/detect/repo-files.js";

const base = mkdtempSync(join(tmpdir(), "gopave-import-graph-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(base, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

// The requirement is in no module cache and GOPROXY is off: go list -e still names the missing
// package, and gopave's own parsing (used when go list cannot run, here because go.mod asks for a
// Go newer than any release) reaches the same packages, with third-party ones as leaves.
const files = {
  "go.mod":
    "module example.com/svc\n\ngo 1.24\n\nrequire (\n\texample.com/absent v1.0.0\n\texample.com/shared v0.0.0\n)\n\nreplace example.com/shared => ./shared\n",
  "cmd/api/main.go":
    'package main\n\nimport (\n\t"fmt"\n\t"example.com/svc/internal/store"\n)\n\nfunc main() { fmt.Println(store.X) }\n',
  "cmd/tool/main.go": "package main\n\nfunc main() {}\n",
  "internal/store/store.go":
    'package store\n\nimport (\n\t_ "example.com/absent/driver"\n\t"example.com/shared/util"\n)\n\nvar X = util.Y\n',
  "internal/store/store_windows.go": 'package store\n\nimport _ "example.com/windows/only"\n',
  "shared/go.mod": "module example.com/shared\n\ngo 1.24\n",
  "shared/util/util.go": 'package util\n\n// #include <stdlib.h>\nimport "C"\n\nvar Y = 1\n',
};

describe("importGraph", () => {
  it.each([
    ["go list", "1.24"],
    ["parsed", "1.999"],
  ])("%s: follows local replacements, marks cgo, keeps missing packages", async (source, go) => {
    const root = tree(`missing-${source}`, {
      ...files,
      "go.mod": files["go.mod"].replace("go 1.24", `go ${go}`),
    });
    const repo = loadRepo(root);
    const mains = [
      { dir: "./cmd/api", importPath: "example.com/svc/cmd/api", module: "example.com/svc" },
      { dir: "./cmd/tool", importPath: "example.com/svc/cmd/tool", module: "example.com/svc" },
    ];
    const env = { ...process.env, GOFLAGS: "", GOMODCACHE: join(base, "empty-modcache") };
    const g = await importGraph(repo, mains, env, 30_000);
    expect(g.source).toBe(source);
    expect(reachable(g, "example.com/svc/cmd/api")).toEqual([
      "example.com/svc/cmd/api",
      "example.com/svc/internal/store",
      "example.com/absent/driver",
      "example.com/shared/util",
    ]);
    expect(g.packages.get("example.com/shared/util")).toMatchObject({
      dir: "./shared/util",
      cgo: true,
    });
    expect(reachable(g, "example.com/svc/cmd/tool")).toEqual(["example.com/svc/cmd/tool"]);
    expect(
      importChain(g, "example.com/svc/cmd/api", (p) => p.startsWith("example.com/absent")),
    ).toEqual([
      "example.com/svc/cmd/api",
      "example.com/svc/internal/store",
      "example.com/absent/driver",
    ]);
  });
});
