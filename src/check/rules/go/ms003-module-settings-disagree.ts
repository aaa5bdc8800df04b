import type { Rule, RuleFinding } from "../../types.js";
import { describeSetting, moduleSettingSources } from "./sources/module-settings.js";
import type { ModuleSetting } from "./sources/module-settings.js";
import { exclusiveInMakefile } from "./sources/make-conditionals.js";
import { redactProxyList } from "./sources/redact.js";

const PATTERN_LISTS = new Set(["GOPRIVATE", "GONOSUMDB", "GONOPROXY", "GOINSECURE"]);
const COMPARED = new Set(["GOPROXY", "GOSUMDB", "GOFLAGS", "GOTOOLCHAIN", ...PATTERN_LISTS]);

/** Values that behave the same compare equal: pattern lists and GOFLAGS are unordered. */
function normalise(s: ModuleSetting): string {
  if (PATTERN_LISTS.has(s.name)) {
    const globs = s.value.split(",").map((g) => g.trim().replace(/\/$/, ""));
    return [...new Set(globs.filter((g) => g !== ""))].sort().join(",");
  }
  if (s.name === "GOFLAGS") return [...new Set(s.value.split(/\s+/))].sort().join(" ");
  if (s.name === "GOPROXY") return s.value.replace(/\s*([,|])\s*/g, "$1");
  return s.value;
}

function shown(s: ModuleSetting): string {
  return s.name === "GOPROXY" ? redactProxyList(s.value) : s.value;
}

export const MS003: Rule = {
  id: "MS003",
  severity: "warning",
  title: "a module setting has different values in different places",
  doc: {
    why:
      "GOPROXY, GOSUMDB, GOPRIVATE/GONOSUMDB/GONOPROXY, GOFLAGS and GOTOOLCHAIN decide where modules " +
      "come from, how they are verified and which Go runs. When the dev container, the Docker build " +
      "and CI set them differently, a private module resolves on a laptop but 404s in CI, or a build " +
      "uses the corporate proxy in one place and the public one in another. Read are Dockerfiles, " +
      "dev containers, compose files, CI, scripts and Makefiles, and hand-written Tiltfiles " +
      "(build_args=, env= and serve_env= dicts, NAME=value before a command, --build-arg).",
    fix:
      "Use one value everywhere — or declare it once under `modules:` in gopave.yaml and let " +
      "`gopave sync` write it into every file.",
    example: {
      file: ".devcontainer/devcontainer.json",
      bad: '// Dockerfile: ENV GOPRIVATE=github.com/acme\n"containerEnv": { "GOPRIVATE": "github.com/acme/billing" }',
      good: '// Dockerfile: ENV GOPRIVATE=github.com/acme\n"containerEnv": { "GOPRIVATE": "github.com/acme" }',
    },
  },
  check({ model }) {
    const lines = (file: string) => model.scripts.find((f) => f.path === file);
    /** Both set in one Makefile, on different branches of an ifeq/else: never both in effect. */
    const exclusive = (a: ModuleSetting, b: ModuleSetting) => {
      const script = a.file === b.file ? lines(a.file) : undefined;
      return script?.kind === "makefile" && exclusiveInMakefile(script.lines, a.line, b.line);
    };
    const byName = new Map<string, ModuleSetting[]>();
    for (const s of moduleSettingSources(model)) {
      if (!COMPARED.has(s.name)) continue;
      byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
    }
    const out: RuleFinding[] = [];
    for (const [name, all] of byName) {
      if (new Set(all.map(normalise)).size < 2) continue;
      for (const s of all) {
        const differ = all.filter((o) => normalise(o) !== normalise(s) && !exclusive(s, o));
        if (differ.length === 0) continue;
        out.push({
          file: s.file,
          line: s.line,
          message: `${name}=${shown(s)} here (${s.where}), but ${differ.map((o) => `${shown(o)} in ${describeSetting(o)}`).join(", ")}`,
          related: all
            .filter((o) => o !== s && !exclusive(s, o))
            .map((o) => ({
              file: o.file,
              line: o.line,
              message: `${name}=${shown(o)} (${o.where})`,
            })),
        });
      }
    }
    return out;
  },
};
