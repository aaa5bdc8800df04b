import type { LoadedSpec } from "../spec/load.js";
import { resolveTools } from "../spec/tools.js";
import { GopaveError, GopaveErrors } from "../util/errors.js";
import { didYouMean } from "../util/did-you-mean.js";
import { renderFile } from "./render.js";
import type { RenderedFile } from "./render.js";
import type { Generator, RepoFacts } from "./types.js";

/**
 * Runs every generator for a spec and renders the files with overrides and markers. An override
 * naming a file gopave does not generate is an error: it would otherwise be silently ignored.
 */
export function renderAll(
  loaded: LoadedSpec,
  repo: RepoFacts,
  generators: readonly Generator[],
  gopaveVersion: string,
): RenderedFile[] {
  const { spec } = loaded;
  const ctx = { spec, repo, tools: resolveTools(spec), gopaveVersion };
  const files = generators.flatMap((g) => g(ctx));
  const paths = new Set<string>();
  for (const f of files) {
    if (paths.has(f.path)) throw new Error(`two generators produce ${f.path}`);
    paths.add(f.path);
  }
  const unknown = Object.keys(spec.overrides).filter((p) => !paths.has(p));
  if (unknown.length > 0) {
    throw new GopaveErrors(
      unknown.map((p) => {
        const guess = didYouMean(p, [...paths]);
        return new GopaveError(
          "SPEC_INVALID",
          `overrides: gopave does not generate "${p}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
          {
            position: loaded.positionOf(["overrides", p]),
            hint: `generated files: ${[...paths].sort().join(", ")}`,
          },
        );
      }),
    );
  }
  return files.flatMap((f) => {
    const r = renderFile(f, spec.overrides[f.path], () => loaded.positionOf(["overrides", f.path]));
    return r ? [r] : [];
  });
}
