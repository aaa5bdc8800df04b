import type { RepoModel, Rule, RuleFinding } from "../../types.js";
import { moduleSettingSources } from "./sources/module-settings.js";
import type { ModuleSetting } from "./sources/module-settings.js";

/**
 * The value the go command sees. A Makefile variable that is not exported reaches it only through
 * `$(GOFLAGS)` in a recipe, where the shell removes quotes: `GOFLAGS=""` there is empty. An
 * exported one (`export GOFLAGS=""`) goes into the environment with its quotes.
 */
function shellValue(model: RepoModel, s: ModuleSetting): string {
  const script = model.scripts.find((f) => f.path === s.file);
  const exported = /^\s*export\b/.test(script?.lines[s.line - 1] ?? "");
  if (script?.kind !== "makefile" || exported) return s.value;
  return s.value.replace(/"([^"]*)"|'([^']*)'/g, "$1$2");
}

export const MS005: Rule = {
  id: "MS005",
  severity: "error",
  title: "malformed GOFLAGS",
  doc: {
    why:
      "GOFLAGS is a space-separated list of `-flag=value` entries, each its own flag. A comma-joined " +
      "list such as `-mod=mod,-trimpath` is one flag (-mod with the value `mod,-trimpath`, or an " +
      "unknown flag), and a word that does not start with `-` makes every go command except " +
      '`go env` stop with `go: parsing $GOFLAGS: non-flag "…"`.',
    fix: "Separate entries with spaces and give values with `=`: `GOFLAGS=-mod=mod -trimpath`.",
    example: {
      file: "Dockerfile",
      bad: "ENV GOFLAGS=-mod=mod,-trimpath",
      good: 'ENV GOFLAGS="-mod=mod -trimpath"',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const s of moduleSettingSources(model)) {
      if (s.name !== "GOFLAGS") continue;
      const entries = shellValue(model, s)
        .split(/\s+/)
        .filter((e) => e !== "");
      const comma = entries.find((e) => /,\s*-/.test(e));
      const nonFlag = entries.find((e) => !e.startsWith("-") || e === "-" || e === "--");
      if (comma !== undefined) {
        out.push({
          file: s.file,
          line: s.line,
          message: `GOFLAGS=${s.value} (${s.where}): "${comma}" joins flags with commas, but GOFLAGS is space-separated, so the go command reads it as one flag; write "${comma.split(/,(?=\s*-)/).join(" ")}"`,
        });
      } else if (nonFlag !== undefined) {
        out.push({
          file: s.file,
          line: s.line,
          message: `GOFLAGS=${s.value} (${s.where}): "${nonFlag}" is not a flag — every go command except go env stops with \`parsing $GOFLAGS: non-flag "${nonFlag}"\`; each entry must be -flag or -flag=value (values cannot contain spaces)`,
        });
      }
    }
    return out;
  },
};
