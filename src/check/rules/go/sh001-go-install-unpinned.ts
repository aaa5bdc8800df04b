import type { Rule, RuleFinding } from "../../types.js";

/** A module version: semver (pseudo-versions and +incompatible included). */
const PINNED = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

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
      "machines running the same script get different tools. Without any @version, go install builds " +
      "the version the go.mod of the current directory requires — and fails outside a module — so the " +
      "result depends on where the script runs.",
    fix:
      "Pin the release: `go install pkg@vX.Y.Z` — or record the tool in go.mod (`go get -tool pkg@vX.Y.Z`, " +
      "Go 1.24+) and run it with `go tool`.",
    example: {
      file: "scripts/setup.sh",
      bad: "go install golang.org/x/tools/gopls@latest",
      good: "go install golang.org/x/tools/gopls@v0.23.0",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const s of model.scripts) {
      for (const g of s.goInstalls) {
        if (isLocal(g.target)) continue;
        const v = g.version;
        if (v !== undefined && (PINNED.test(v) || v.includes("$"))) continue;
        out.push({
          file: s.path,
          line: g.line,
          message:
            v === undefined
              ? `go install ${g.target} has no @version: it builds whatever the go.mod of the current directory requires (and fails outside a module); pin it with @vX.Y.Z`
              : `go install ${g.target}@${v} follows ${v === "latest" ? "the newest release" : `"${v}"`}, so every run can install a different version; pin it with @vX.Y.Z`,
        });
      }
    }
    return out;
  },
};
