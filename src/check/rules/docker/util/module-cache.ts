import type { Copy, Instruction } from "dockerfile-ast";
import { expandVars } from "./expand.js";
import type { Vars } from "./expand.js";
import { execForm } from "./run-script.js";
import { instructionFlag } from "./sources.js";
import { chainOf, stageRef } from "./stages.js";
import type { Stage, StageGraph } from "./stages.js";

/**
 * Where a stage's module cache comes from when another stage filled it: `COPY --from=deps
 * /go/pkg /go/pkg` (or /go/pkg/mod, or all of /go) carries the modules a `deps` stage downloaded.
 * A cache mount is not part of any layer, so such a copy only works when the download wrote
 * into the layer itself.
 */

/** GOMODCACHE as the go command derives it: GOMODCACHE, else $GOPATH/pkg/mod, else /go/pkg/mod. */
export function modCacheDir(lookup: (name: string) => string | undefined): string {
  const gopath = lookup("GOPATH");
  return lookup("GOMODCACHE") ?? `${gopath ?? "/go"}/pkg/mod`;
}

/** The source paths of a COPY/ADD, expanded (an unresolvable one becomes ""). */
function copySources(ins: Instruction, scope: Vars): string[] {
  const copy = ins as Copy;
  const json = copy.getJSONStrings();
  const args =
    json.length > 0
      ? (execForm(`[${json.map((j) => j.getValue()).join(",")}]`) ?? [])
      : copy.getArguments().map((a) => a.getValue());
  return args.slice(0, -1).map((a) => {
    const e = expandVars(a, scope);
    return e.resolved ? e.value.replace(/\/+$/, "") : "";
  });
}

/** Whether a copied path holds the module cache: the cache dir itself or one of its parents. */
function holdsModCache(src: string, cacheDir: string): boolean {
  if (src === "") return false;
  return cacheDir === src || cacheDir.startsWith(`${src}/`) || /\/pkg(?:\/mod)?$/.test(src);
}

export interface ModCacheCopy {
  ins: Instruction;
  /** The stage the modules come from. */
  from: Stage;
}

/** A `COPY --from=<stage>` that brings a module cache into the stage being built. */
export function modCacheCopy(
  graph: StageGraph,
  owner: Stage,
  ins: Instruction,
  scope: Vars,
): ModCacheCopy | undefined {
  const keyword = ins.getKeyword();
  if (keyword !== "COPY" && keyword !== "ADD") return undefined;
  const ref = instructionFlag(ins, "from");
  if (ref === undefined) return undefined;
  const from = stageRef(graph, ref.toLowerCase(), owner.index);
  if (!from) return undefined;
  const cacheDir = modCacheDir((n) => scope.get(n) ?? undefined);
  return copySources(ins, scope).some((s) => holdsModCache(s, cacheDir))
    ? { ins, from }
    : undefined;
}

/** Stages whose module cache a later stage copies out with `COPY --from` (with their parents). */
export function modCacheExporters(
  graph: StageGraph,
  walk: (stage: Stage, visit: (ins: Instruction, scope: Vars, owner: Stage) => void) => void,
): Set<Stage> {
  const out = new Set<Stage>();
  for (const stage of graph.stages) {
    walk(stage, (ins, scope, owner) => {
      if (owner !== stage) return;
      const c = modCacheCopy(graph, owner, ins, scope);
      if (c) for (const s of chainOf(c.from)) out.add(s);
    });
  }
  return out;
}
