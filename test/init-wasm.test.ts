import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadRepo } from "../src/detect/repo-files.js";
import { modulesInRepo } from "../src/detect/go-list.js";
import { scanWasmPrograms } from "../src/detect/wasm-programs.js";
import { gopave } from "./helpers/cli.js";

/**
 * init proposes wasm programs only on the repo's own word: a `package main` file that builds for
 * js/wasip1 and not for linux (a build constraint or a file name). A command that merely also
 * compiles for wasm, or a wasm-only test file, is no evidence.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "gopave-init-wasm-"));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const MAIN = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n';

const FILES = {
  "go.mod": "module example.com/shop\n\ngo 1.26.8\n",
  // A server: an app, and no wasm evidence although it would compile for js.
  "cmd/api/main.go": MAIN,
  // Browser code by constraint (how a syscall/js import builds at all).
  "cmd/web/main.go": `//go:build js && wasm\n\n${MAIN.replace('"fmt"', '"syscall/js"').replace('fmt.Println("hi")', 'js.Global().Set("x", 1)')}`,
  // A WASI program by file name, with a doc file that builds everywhere.
  "cmd/plugin/main_wasip1.go": MAIN,
  "cmd/plugin/doc.go": "// Command plugin runs under a WASI runtime.\npackage main\n",
  // Both targets by a constraint that names neither linux nor unix.
  "cmd/both/main.go": `//go:build wasm\n\n${MAIN}`,
  // Only a test file for js: no program.
  "cmd/tool/main.go": MAIN,
  "cmd/tool/main_js_test.go": "package main\n",
  // Excluded everywhere: not a program for any target.
  "cmd/ignored/main.go": `//go:build ignore\n\n${MAIN}`,
  // A library package for js: not a main package.
  "jsbridge/bridge_js.go": "package jsbridge\n",
};

describe("wasm programs from the repo's own files", () => {
  it("finds main packages whose files build for js or wasip1 and not for linux", () => {
    const root = tree(FILES);
    const found = scanWasmPrograms(root, modulesInRepo(loadRepo(root)));
    expect(found).toEqual([
      {
        main: "./cmd/both",
        targets: ["js", "wasip1"],
        evidence: ["cmd/both/main.go (//go:build wasm)"],
      },
      {
        main: "./cmd/plugin",
        targets: ["wasip1"],
        evidence: ["cmd/plugin/main_wasip1.go"],
      },
      {
        main: "./cmd/web",
        targets: ["js"],
        evidence: ["cmd/web/main.go (//go:build js && wasm)"],
      },
    ]);
  });

  it("init writes them under wasm:, says why, and check finds nothing in what it generates", async () => {
    const root = tree(FILES);
    const init = await gopave(root, ["init", "--yes", "--offline"]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(
      "wasm     both (./cmd/both: js, wasip1), plugin (./cmd/plugin: wasip1), web (./cmd/web: js)",
    );
    const text = readFileSync(join(root, "gopave.yaml"), "utf8");
    expect(text).toContain(
      "# built for wasm by their own files: cmd/both/main.go (//go:build wasm)",
    );
    const spec = parseYaml(text) as { apps: { main: string }[]; wasm: unknown[] };
    expect(spec.wasm).toEqual([
      { name: "both", main: "./cmd/both", targets: ["js", "wasip1"] },
      { name: "plugin", main: "./cmd/plugin", targets: ["wasip1"] },
      { name: "web", main: "./cmd/web", targets: ["js"] },
    ]);
    expect(spec.apps.map((a) => a.main)).toContain("./cmd/api");
    const ci = readFileSync(join(root, ".github/workflows/ci.yml"), "utf8");
    expect(ci).toContain("wasm-js:");
    expect(ci).toContain("go install github.com/tetratelabs/wazero/cmd/wazero@v1.12.0");
    const check = await gopave(root, ["check", "--offline"]);
    expect(check.stdout).toContain("no problems found");
    expect((await gopave(root, ["sync", "--check"])).code).toBe(0);

    // A wasm leg that tests another Go: check says so at that job's setup-go, and it is drift.
    const lines = ci.split("\n");
    const job = lines.indexOf("  wasm-js:");
    const at = lines.findIndex((l, i) => i > job && l.includes("go-version"));
    expect(job).toBeGreaterThan(0);
    lines[at] = (lines[at] ?? "").replace(/go-version(-file)?: .*/, 'go-version: "1.26.7"');
    writeFileSync(join(root, ".github/workflows/ci.yml"), lines.join("\n"));
    const drifted = await gopave(root, ["check", "--offline", "--format", "json"]);
    const findings = (
      JSON.parse(drifted.stdout) as { findings: { rule: string; line: number }[] }
    ).findings.map((f) => `${f.rule}:${f.line}`);
    expect(findings).toContain(`CI001:${at + 1}`);
    expect(findings).toContain(`GP001:${at + 1}`);
    const sync = await gopave(root, ["sync", "--check"]);
    expect(sync.code).toBe(1);
    expect(sync.stdout).toContain('-          go-version: "1.26.7"');
  });

  it("leaves wasip1 out, with a note, when the Go release has no wazero pin", async () => {
    const root = tree({
      "go.mod": "module example.com/plug\n\ngo 1.24.3\n",
      "main_wasip1.go": MAIN,
      "main_js.go": MAIN,
    });
    const init = await gopave(root, ["init", "--yes", "--offline"]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("targets wasip1, and gopave has no wazero pin for Go 1.24.3");
    const spec = parseYaml(readFileSync(join(root, "gopave.yaml"), "utf8")) as {
      wasm: unknown[];
    };
    expect(spec.wasm).toEqual([{ name: "plug", main: ".", targets: ["js"] }]);
  });
});
