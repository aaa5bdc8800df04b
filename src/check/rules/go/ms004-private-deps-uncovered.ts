import { matchPrefixPatterns } from "../../../gomod/glob.js";
import { privateGlob } from "../../../detect/private-hosts.js";
import type { Related, RepoModel, Rule, RuleFinding } from "../../types.js";
import { moduleSettingSources } from "./sources/module-settings.js";

interface Required {
  path: string;
  version: string;
  file: string;
  line: number;
}

/** What each go.mod makes the go command download: replacements followed, local ones skipped. */
function downloads(model: RepoModel): Required[] {
  const workReplaces = model.gowork?.work.replaces ?? [];
  const out: Required[] = [];
  for (const m of model.gomods) {
    const replaces = [...workReplaces, ...m.mod.replaces];
    for (const r of m.mod.requires) {
      const rep = replaces.find(
        (x) =>
          x.old.path === r.path && (x.old.version === undefined || x.old.version === r.version),
      );
      if (rep?.local) continue;
      const target =
        rep && rep.new.version !== undefined ? rep.new : { path: r.path, version: r.version };
      out.push({
        path: target.path,
        version: target.version ?? r.version,
        file: m.path,
        line: r.line,
      });
    }
  }
  return out;
}

export const MS004: Rule = {
  id: "MS004",
  severity: "warning",
  title: "a private dependency is not covered by GOPRIVATE or GONOSUMDB",
  doc: {
    why:
      "By default the go command fetches every module through the public module proxy and checks it " +
      "against the public checksum database. Neither has your private modules: the download fails " +
      '(404/410 from the proxy, "verifying module: … 404 Not Found" from the checksum database), and ' +
      "the module path is sent to a third party. GOPRIVATE (or GONOSUMDB plus GONOPROXY) lists the " +
      "module path prefixes to fetch directly and not look up; Go matches each comma-separated glob " +
      "against the leading path elements, so `github.com/acme` covers `github.com/acme/billing/v2`.",
    fix:
      "Add the owner's prefix to GOPRIVATE everywhere modules are downloaded — `modules.private` in " +
      "gopave.yaml renders it into every file.",
    example: {
      file: "gopave.yaml",
      bad: "# go.mod requires github.com/acme/billing v1.4.0 (private)\nmodules:\n  private: []",
      good: "modules:\n  private:\n    - github.com/acme",
    },
  },
  async check({ model, isPublicModule }) {
    const settings = moduleSettingSources(model).filter(
      (s) => s.name === "GOPRIVATE" || s.name === "GONOSUMDB",
    );
    const covered = (path: string) => settings.some((s) => matchPrefixPatterns(s.value, path));
    const byPath = new Map<string, Required[]>();
    for (const r of downloads(model)) {
      if (covered(r.path)) continue;
      byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
    }
    const verdicts = await Promise.all(
      [...byPath.values()].map(async (reqs) => {
        const first = reqs[0] as Required;
        return { reqs, isPublic: await isPublicModule(first.path, first.version) };
      }),
    );
    const out: RuleFinding[] = [];
    for (const { reqs, isPublic } of verdicts) {
      // Unknown (offline, no heuristic verdict) is not evidence of anything.
      if (isPublic !== false) continue;
      const [first, ...rest] = reqs as [Required, ...Required[]];
      const glob = privateGlob(first.path);
      const consulted =
        settings.length === 0
          ? "GOPRIVATE and GONOSUMDB are not set anywhere"
          : `no GOPRIVATE/GONOSUMDB pattern (${[...new Set(settings.map((s) => s.value))].join("; ")}) matches it`;
      const related: Related[] = rest.map((r) => ({
        file: r.file,
        line: r.line,
        message: `also required here`,
      }));
      out.push({
        file: first.file,
        line: first.line,
        message:
          `${first.path} ${first.version} is not on the public module proxy and ${consulted}: ` +
          `go mod download asks the public proxy and checksum database for it and fails; ` +
          `add ${glob} to GOPRIVATE (modules.private in gopave.yaml)`,
        ...(related.length > 0 ? { related } : {}),
      });
    }
    return out;
  },
};
