import { posix } from "node:path";
import { moduleShape } from "../../../detect/module-shape.js";
import type { RepoFacts, RepoModule } from "../../../generate/types.js";
import { keptFileFacts } from "../../../detect/kept-file-facts.js";
import type { GoModModel, RepoModel } from "../../types.js";

/**
 * The repo facts `gopave sync` reads from disk (src/detect/repo-files.ts), derived from the model
 * instead so drift is checked the same way on disk and in memory. undefined when sync itself
 * could not run: no module, or a go.mod/go.work that does not parse (PA001 reports those).
 */
export function repoFactsFromModel(model: RepoModel): RepoFacts | undefined {
  const read = model.readFile ?? (() => undefined);
  if (model.malformed.some((m) => m.path === "go.work" || m.path === "go.mod")) return undefined;
  const byDir = new Map(model.gomods.map((g) => [g.dir, g]));
  const chosen: GoModModel[] = [];
  if (model.gowork) {
    const seen = new Set<string>();
    for (const use of model.gowork.work.use) {
      const dir = posix.normalize(use.dir.replace(/\\/g, "/")).replace(/\/$/, "");
      if (seen.has(dir)) continue;
      seen.add(dir);
      const g = byDir.get(dir === "" ? "." : dir);
      if (g) chosen.push(g);
    }
  } else {
    const root = byDir.get(".");
    if (root) chosen.push(root);
  }
  if (chosen.length === 0) return undefined;
  const modules = chosen.map((g): RepoModule => ({
    dir: g.dir,
    path: g.mod.module.path,
    // The go command assumes 1.16 for a go.mod without a go line.
    goLine: g.mod.go?.version ?? "1.16",
    toolchain: g.mod.toolchain?.name,
    hasGoSum: read(g.dir === "." ? "go.sum" : `${g.dir}/go.sum`) !== undefined,
  }));
  modules.sort((a, b) =>
    a.dir === "." ? -1 : b.dir === "." ? 1 : a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0,
  );
  // The same replacement and vendor facts as sync reads from disk.
  const shape = moduleShape(chosen, model.gowork?.work, read);
  return {
    ...keptFileFacts(read, model.spec?.loaded?.spec.keep),
    modules,
    workspace: model.gowork ? { hasSum: read("go.work.sum") !== undefined } : undefined,
    ...(shape.replacements.length > 0 ? { replacements: shape.replacements } : {}),
    ...(shape.vendor ? { vendor: true as const } : {}),
  };
}
