import type { Rule, RuleFinding } from "../../types.js";
import { enclosingGoMod, pinnedByGoMod, queryKind } from "./sources/module-query.js";

/** Targets that are not remote packages: local directories, std, and Go 1.24's `tool` pattern. */
function isLocal(target: string): boolean {
  return (
    target === "" ||
    /^[./~]/.test(target) ||
    target === "tool" ||
    target === "std" ||
    target === "cmd" ||
    target.includes("$") ||
    !(target.split("/")[0] ?? "").includes(".")
  );
}

export const SH001: Rule = {
  id: "SH001",
  severity: "warning",
  title: "go install without a pinned @version in a script or Makefile",
  doc: {
    why:
      "`go install pkg@latest` (or @main, @master) installs whatever was released last, so two " +
      "machines running the same script get different tools. Without any @version, go install " +
      "builds the version the go.mod of the current directory requires — and fails outside a " +
      "module — so the result depends on where the script runs. A package the module's go.mod " +
      "requires or lists in a `tool` directive is pinned by go.mod and is not reported; nor is " +
      "a commit hash, which names one revision for good.",
    fix:
      "Pin the release: `go install pkg@vX.Y.Z` — or record the tool in go.mod (`go get -tool pkg@vX.Y.Z`, " +
      "Go 1.24+) and run it with `go tool`, or install every tool with `go install tool`.",
    example: {
      file: "scripts/setup.sh",
      bad: "go install golang.org/x/tools/gopls@latest",
      good: "go install golang.org/x/tools/gopls@v0.23.0",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const s of model.scripts) {
      const gomod = enclosingGoMod(model, s.path);
      for (const g of s.goInstalls) {
        if (isLocal(g.target)) continue;
        const v = g.version;
        if (v === undefined ? pinnedByGoMod(gomod, g.target) : queryKind(v) !== "moving") continue;
        out.push({
          file: s.path,
          line: g.line,
          message:
            v === undefined
              ? `go install ${g.target} has no @version and ${gomod ? `${gomod.path} does not require its module` : "no go.mod governs this file"}: it builds whatever the go.mod of the current directory requires (and fails outside a module); pin it with @vX.Y.Z or a go.mod \`tool\` directive`
              : `go install ${g.target}@${v} follows ${v === "latest" ? "the newest release" : `"${v}"`}, so every run can install a different version; pin it with @vX.Y.Z`,
        });
      }
    }
    return out;
  },
};
