import { readdirSync } from "node:fs";
import { join } from "node:path";
import { importChain, reachable } from "./import-graph.js";
import type { ImportGraph } from "./import-graph.js";
import type { MainPackage } from "./types.js";

/**
 * Modules that only work with cgo, for when the import graph cannot see a dependency's source
 * (offline, not in the module cache) and so cannot see its `import "C"`. Each bundles its C
 * sources, so CGO_ENABLED=1 with the golang image's gcc is all the build needs, and the binary
 * links only libc (distroless base). Libraries that need system packages (libvips, librocksdb,
 * libpcap…) are left out: no generated Dockerfile builds them without an apt-get of its own.
 */
const CGO_ONLY: readonly { module: string; why: string }[] = [
  {
    module: "github.com/mattn/go-sqlite3",
    why: "compiles SQLite's C sources; without cgo it builds a stub whose every Open fails",
  },
  {
    module: "github.com/confluentinc/confluent-kafka-go",
    why: "wraps librdkafka, bundled as a static C library; it does not build without cgo",
  },
  {
    module: "github.com/DataDog/zstd",
    why: "compiles zstd's C sources and has no pure-Go fallback",
  },
];

function knownCgoOnly(importPath: string): { module: string; why: string } | undefined {
  // A prefix match also covers the modules' later major versions (…/v2/kafka).
  return CGO_ONLY.find((k) => importPath === k.module || importPath.startsWith(`${k.module}/`));
}

/** Why a main package needs cgo. */
export interface CgoNeed {
  /** Needs libstdc++/libgcc at run time (C++ sources in a cgo package): distroless cc. */
  cxx: boolean;
  /** The main package, the packages in between, and the cgo package. */
  chain: string[];
  /** What makes the last package of the chain need cgo. */
  why: string;
}

/** Per main package dir ("./cmd/api"): why it needs cgo; absent when it builds as pure Go. */
export type CgoByMain = Map<string, CgoNeed>;

const CXX_SOURCE = /\.(cc|cpp|cxx)$/;

function hasCxxSources(root: string, dir: string): boolean {
  try {
    return readdirSync(join(root, dir)).some((f) => CXX_SOURCE.test(f));
  } catch {
    return false;
  }
}

/**
 * Which main packages need cgo, from the import graph: a package reachable from the main that has
 * cgo files (`import "C"`, as go list reports them or as parsed from the repo's sources), or a
 * known cgo-only module. The evidence is the shortest import chain to it. C++ is only seen in
 * the repo's own packages (go list does not name a dependency's directory here).
 */
export function detectCgo(
  graph: ImportGraph,
  mains: readonly MainPackage[],
  root: string,
): CgoByMain {
  const out: CgoByMain = new Map();
  const needs = (p: string) => graph.packages.get(p)?.cgo === true || knownCgoOnly(p) !== undefined;
  for (const main of mains) {
    const chain = importChain(graph, main.importPath, needs);
    if (!chain) continue;
    const last = chain.at(-1) as string;
    const known = knownCgoOnly(last);
    const pkg = graph.packages.get(last);
    const why =
      pkg?.cgo === true ? `${last} has import "C"` : `${known?.module ?? last} ${known?.why ?? ""}`;
    const cxx = reachable(graph, main.importPath).some((p) => {
      const g = graph.packages.get(p);
      return g?.cgo === true && g.dir !== undefined && hasCxxSources(root, g.dir);
    });
    out.set(main.dir, { cxx, chain, why });
  }
  return out;
}

/** The spec's apps[].cgo for a main package: undefined (pure Go), true (libc), or "c++". */
export function cgoOf(found: CgoByMain, mainDir: string): true | "c++" | undefined {
  const need = found.get(mainDir);
  if (!need) return undefined;
  return need.cxx ? "c++" : true;
}

/** One init note per cgo app: what it is built with, and the import chain that says why. */
export function cgoNotes(
  found: CgoByMain,
  apps: readonly { name: string; main: string }[],
): string[] {
  return apps.flatMap((app) => {
    const need = found.get(app.main);
    if (!need) return [];
    const image = need.cxx ? "distroless cc (libstdc++)" : "distroless base (glibc)";
    return [
      `${app.name} is built with cgo (CGO_ENABLED=1) on ${image}: ${need.chain.join(" → ")}; ${need.why}`,
    ];
  });
}
