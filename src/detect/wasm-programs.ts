import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WASM_TARGETS } from "../spec/wasm.js";
import type { WasmTarget } from "../spec/wasm.js";
import { goodOSArchFile, goodOSArchFileFor, matchTag, matchWasmTag } from "./build-context.js";
import { headerAllows, parseGoFileHeader } from "./go-file-header.js";
import type { GoFileHeader } from "./go-file-header.js";
import type { LoadedModule } from "./repo-files.js";
import { relDir } from "./repo-files.js";
import { walkPackageDirs } from "./source-scan.js";

/** A main package written for Go's wasm port, and the file that says so. */
export interface DetectedWasmProgram {
  /** "./cmd/calc", relative to the repo root. */
  main: string;
  targets: WasmTarget[];
  /** Files that build only for a target: "cmd/calc/main.go (//go:build js && wasm)". */
  evidence: string[];
}

interface ParsedFile {
  name: string;
  header: GoFileHeader;
  hasMain: boolean;
}

function buildsFor(f: ParsedFile, target: WasmTarget): boolean {
  return (
    goodOSArchFileFor(f.name, target, "wasm") &&
    headerAllows(f.header, (t) => matchWasmTag(target, t))
  );
}

function buildsOnLinux(f: ParsedFile): boolean {
  return goodOSArchFile(f.name) && headerAllows(f.header, (t) => matchTag(t, undefined));
}

/**
 * Main packages that target wasm by their own say-so: a `package main` file that builds for
 * GOOS=js or wasip1 (GOARCH=wasm) and not for linux/amd64 — a build constraint or a _js.go /
 * _wasip1.go / _wasm.go name (which is how a `syscall/js` import builds at all). A command that
 * merely also compiles for wasm is no evidence: most do. Reads only file headers.
 */
export function scanWasmPrograms(
  root: string,
  modules: readonly LoadedModule[],
): DetectedWasmProgram[] {
  const out: DetectedWasmProgram[] = [];
  walkPackageDirs(modules, (absDir, entries) => {
    const files: ParsedFile[] = [];
    for (const e of entries) {
      const name = e.name;
      if (!e.isFile() || !name.endsWith(".go") || name.endsWith("_test.go")) continue;
      if (name.startsWith("_") || name.startsWith(".")) continue;
      let text: string;
      try {
        text = readFileSync(join(absDir, name), "utf8");
      } catch {
        continue;
      }
      const header = parseGoFileHeader(text);
      if (header.packageName !== "main") continue;
      files.push({ name, header, hasMain: /^func main\(\)/m.test(text) });
    }
    const dir = relDir(root, absDir);
    const targets: WasmTarget[] = [];
    const evidence: string[] = [];
    for (const target of WASM_TARGETS) {
      const own = files.filter((f) => buildsFor(f, target));
      const only = own.find((f) => !buildsOnLinux(f));
      if (!only || !own.some((f) => f.hasMain)) continue;
      targets.push(target);
      const why = only.header.goBuild !== undefined ? ` (//go:build ${only.header.goBuild})` : "";
      const said = `${dir === "." ? "" : `${dir}/`}${only.name}${why}`;
      if (!evidence.includes(said)) evidence.push(said);
    }
    if (targets.length > 0) out.push({ main: dir === "." ? "." : `./${dir}`, targets, evidence });
  });
  return out.sort((a, b) => (a.main < b.main ? -1 : a.main > b.main ? 1 : 0));
}
