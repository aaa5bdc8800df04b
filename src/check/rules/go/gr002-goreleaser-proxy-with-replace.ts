import { posix } from "node:path";
import type { Rule, RuleFinding } from "../../types.js";
import { isRecord, scalarString } from "./sources/values.js";

export const GR002: Rule = {
  id: "GR002",
  severity: "error",
  title: "GoReleaser `gomod.proxy` with replace directives in go.mod",
  doc: {
    why:
      "With `gomod.proxy: true`, GoReleaser builds the release from the module proxy: it makes " +
      "a new go.mod that requires your module at the tag and builds it as a dependency. Replace " +
      "directives apply only in the main module's go.mod (go.dev/ref/mod), so in that build " +
      "yours are ignored. GoReleaser (v1.22 and later) therefore fails a release whose go.mod " +
      "has any, and only warns on a snapshot.",
    fix:
      "Remove the replace directives before tagging (publish the fork, or require the fixed " +
      "version), or turn `gomod.proxy` off.",
    example: {
      file: ".goreleaser.yaml",
      bad: "# go.mod: replace example.com/lib => ../lib\ngomod:\n  proxy: true\n",
      good: "# go.mod: no replace directives\ngomod:\n  proxy: true\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const config of model.goreleasers) {
      const data = isRecord(config.data) ? config.data : {};
      const gomod = isRecord(data["gomod"]) ? data["gomod"] : undefined;
      if (!gomod || (gomod["proxy"] !== true && gomod["proxy"] !== "true")) continue;
      const dir = posix.normalize(
        posix.join(posix.dirname(config.path), scalarString(gomod["dir"]) ?? "."),
      );
      const mod = model.gomods.find((m) => m.dir === dir);
      const replaces = mod?.mod.replaces ?? [];
      if (!mod || replaces.length === 0) continue;
      out.push({
        file: config.path,
        line: config.lineOf(["gomod", "proxy"]),
        message:
          `gomod.proxy builds the release as a dependency fetched from the module proxy, where ` +
          (replaces.length > 1
            ? `the ${replaces.length} replace directives in ${mod.path} do not apply`
            : `the replace directive in ${mod.path} does not apply`) +
          ", so GoReleaser fails the release (a snapshot only warns); remove the replace " +
          "directives or turn gomod.proxy off",
        related: replaces.map((r) => ({
          file: mod.path,
          line: r.line,
          message: `replace ${r.old.path}`,
        })),
      });
    }
    return out;
  },
};
