import { readdirSync } from "node:fs";
import { join } from "node:path";
import { importChain, reachable } from "./import-graph.js";
import type { ImportGraph } from "./import-graph.js";
import type { MainPackage } from "./types.js";

/**
 * Packages that only work with cgo, for when the import graph cannot see a dependency's source
 * (offline, not in the module cache) and so cannot see its `import "C"`. Prefixes of import
 * paths, so later major versions (…/v2) match too. `systemLib`: a C library the package links
 * that neither the golang builder image nor distroless has; the app needs cgo all the same.
 */
const CGO_ONLY: readonly { module: string; why: string; systemLib?: string }[] = [
  {
    module: "github.com/mattn/go-sqlite3",
    why: "compiles SQLite's C sources; without cgo it builds a stub whose every Open fails",
  },
  // gorm's SQLite drivers are thin wrappers of go-sqlite3, imported in its place.
  { module: "gorm.io/driver/sqlite", why: "wraps github.com/mattn/go-sqlite3 (cgo)" },
  {
    module: "github.com/jinzhu/gorm/dialects/sqlite",
    why: "wraps github.com/mattn/go-sqlite3 (cgo)",
  },
  {
    module: "github.com/confluentinc/confluent-kafka-go",
    why: "wraps librdkafka, bundled as a static C library; it does not build without cgo",
  },
  {
    module: "github.com/DataDog/zstd",
    why: "compiles zstd's C sources and has no pure-Go fallback",
  },
  {
    module: "github.com/davidbyttow/govips",
    why: "binds libvips through cgo",
    systemLib: "libvips",
  },
  {
    module: "github.com/tensorflow/tensorflow/tensorflow/go",
    why: "binds the TensorFlow C library through cgo",
    systemLib: "libtensorflow",
  },
  {
    module: "gopkg.in/gographics/imagick",
    why: "binds ImageMagick's MagickWand through cgo",
    systemLib: "ImageMagick (MagickWand)",
  },
];

function knownCgoOnly(importPath: string): (typeof CGO_ONLY)[number] | undefined {
  // A prefix match also covers later major versions (…/v2/kafka) and gopkg.in's (imagick.v3).
  return CGO_ONLY.find(
    (k) =>
      importPath === k.module ||
      importPath.startsWith(`${k.module}/`) ||
      importPath.startsWith(`${k.module}.v`),
  );
}

/** Why a main package needs cgo. */
export interface CgoNeed {
  /** Needs libstdc++/libgcc at run time (C++ sources in a cgo package): distroless cc. */
  cxx: boolean;
  /** The main package, the packages in between, and the cgo package. */
  chain: string[];
  /** What makes the last package of the chain need cgo. */
  why: string;
  /** C libraries the app links that the generated images lack (see CGO_ONLY). */
  systemLibs: string[];
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
    const all = reachable(graph, main.importPath);
    const cxx = all.some((p) => {
      const g = graph.packages.get(p);
      return g?.cgo === true && g.dir !== undefined && hasCxxSources(root, g.dir);
    });
    const systemLibs = [...new Set(all.flatMap((p) => knownCgoOnly(p)?.systemLib ?? []))].sort();
    out.set(main.dir, { cxx, chain, why, systemLibs });
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
    const libs =
      need.systemLibs.length > 0
        ? `. It also links ${need.systemLibs.join(", ")}, which neither the golang image nor ` +
          "distroless has: install it in a Dockerfile of your own (keep: dockerfile)"
        : "";
    return [
      `${app.name} is built with cgo (CGO_ENABLED=1) on ${image}: ${need.chain.join(" → ")}; ${need.why}${libs}`,
    ];
  });
}
