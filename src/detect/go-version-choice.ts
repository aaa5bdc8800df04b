import {
  compareGoVersions,
  goLineToRelease,
  isExactGoRelease,
  parseGoVersion,
} from "../gomod/go-version.js";
import type { GoVersionSource } from "./types.js";
import type { LoadedRepo } from "./repo-files.js";

export interface GoVersionChoice {
  version: string;
  source: GoVersionSource;
  notes: string[];
}

/** "go1.26.8", "go1.26.8 X:boringcrypto", "go1.20" (= 1.20.0) -> an exact release; undefined for devel builds. */
export function releaseFromGoVersion(goversion: string): string | undefined {
  const word = goversion.trim().split(/\s+/)[0] ?? "";
  if (!word.startsWith("go")) return undefined;
  const v = word.slice(2);
  return parseGoVersion(v) ? goLineToRelease(v) : undefined;
}

/** `toolchain go1.26.8` / `go1.26.8-custom` -> "1.26.8"; undefined for "default" or junk. */
function toolchainRelease(name: string): string | undefined {
  const m = /^go([^-]+)(?:-.*)?$/.exec(name);
  if (!m?.[1] || !parseGoVersion(m[1])) return undefined;
  return goLineToRelease(m[1]);
}

function maxVersion(vs: string[]): string | undefined {
  return vs.reduce<string | undefined>(
    (best, v) => (best === undefined || compareGoVersions(v, best) > 0 ? v : best),
    undefined,
  );
}

/** The Go lines that govern the repo: go.work's first, else the root module's. */
function governingLines(repo: LoadedRepo): {
  goLine: string;
  toolchain: string | undefined;
  notes: string[];
} {
  const notes: string[] = [];
  if (!repo.work) {
    const mod = repo.primary.mod;
    return { goLine: mod.go?.version ?? "1.16", toolchain: mod.toolchain?.name, notes };
  }
  // Every module's go line must be <= go.work's, or the go command refuses to run.
  const moduleMax = maxVersion(repo.modules.flatMap((m) => (m.mod.go ? [m.mod.go.version] : [])));
  const workGo = repo.work.go?.version;
  let goLine = workGo ?? moduleMax ?? "1.18";
  if (workGo && moduleMax && compareGoVersions(moduleMax, workGo) > 0) {
    notes.push(
      `a module needs go ${moduleMax} but go.work says go ${workGo}; using ${moduleMax} (run: go work use)`,
    );
    goLine = moduleMax;
  }
  return { goLine, toolchain: repo.work.toolchain?.name, notes };
}

/** A Go version a file the repo keeps names (Dockerfile golang: tag, setup-go, .go-version, ...). */
export interface KeptGoPin {
  version: string;
  /** "1.26.8" is exact; "1.26" (golang:1.26, setup-go 1.26.x) takes any 1.26 release. */
  precision: "exact" | "minor";
  label: string;
}

function minorOf(v: string): string {
  return v.split(".").slice(0, 2).join(".");
}

function newest(vs: Iterable<string>): string | undefined {
  return [...vs].sort(compareGoVersions).pop();
}

/**
 * The Go most of the repo's own statements agree on: each place that names a version (a
 * Dockerfile, a setup-go step, a version file) is one vote, and a go line that names a release is
 * one too. The minor with the most votes wins (ties: the go line's, then the newest); within it,
 * the exact release named most often (ties: the newest); a minor only named floating ("1.26",
 * "1.26.x") becomes the local go when it is one, else the newest known release, else its .0.
 */
function fromRepoFiles(
  kept: readonly KeptGoPin[],
  goLine: string,
  local: string | undefined,
  releases: readonly string[],
  notes: string[],
): string | undefined {
  const below = kept.filter((p) =>
    p.precision === "exact"
      ? compareGoVersions(p.version, goLine) < 0
      : compareGoVersions(p.version, minorOf(goLine)) < 0,
  );
  if (below.length > 0) {
    notes.push(
      `ignored Go versions below go.mod's go ${goLine}: ${below.map((p) => p.label).join(", ")}`,
    );
  }
  const votes = kept.filter((p) => !below.includes(p));
  if (votes.length === 0) return undefined;
  const lineRelease = isExactGoRelease(goLine) ? goLine : undefined;
  const all = [
    ...votes,
    ...(lineRelease
      ? [{ version: lineRelease, precision: "exact" as const, label: `go.mod go ${goLine}` }]
      : []),
  ];
  const byMinor = new Map<string, KeptGoPin[]>();
  for (const p of all)
    byMinor.set(minorOf(p.version), [...(byMinor.get(minorOf(p.version)) ?? []), p]);
  const ranked = [...byMinor].sort(
    ([a, pa], [b, pb]) =>
      pb.length - pa.length ||
      Number(b === minorOf(goLine)) - Number(a === minorOf(goLine)) ||
      compareGoVersions(b, a),
  );
  const [minor, pins] = ranked[0] as [string, KeptGoPin[]];
  const exact = new Map<string, number>();
  for (const p of pins)
    if (p.precision === "exact") exact.set(p.version, (exact.get(p.version) ?? 0) + 1);
  if (byMinor.size > 1 || exact.size > 1) {
    notes.push(
      `the repo's files name different Go versions (${all.map((p) => p.label).join(", ")}); ` +
        "kept them as they are (gopave check reports them)",
    );
  }
  if (exact.size > 0) {
    const top = Math.max(...exact.values());
    return newest([...exact].filter(([, n]) => n === top).map(([v]) => v));
  }
  if (local && minorOf(local) === minor && compareGoVersions(local, goLine) >= 0) return local;
  const known = newest(
    releases.filter((r) => minorOf(r) === minor && compareGoVersions(r, goLine) >= 0),
  );
  if (known) return known;
  const dot0 = goLineToRelease(minor);
  const release = compareGoVersions(dot0, goLine) >= 0 ? dot0 : goLineToRelease(goLine);
  notes.push(
    `the repo's files float on Go ${minor}; pinned ${release} (no newer ${minor} release known offline)`,
  );
  return release;
}

/**
 * Picks the exact Go release for the spec, from what the repo already says before any default:
 * the toolchain line; else what the repo's files and a go line that names a release agree on
 * (see fromRepoFiles); else the local go when it satisfies the go line; else the go line made a
 * release ("1.24" -> "1.24.0").
 */
export function chooseGoVersion(
  repo: LoadedRepo,
  local: { version: string | undefined; problem: string | undefined },
  kept: readonly KeptGoPin[] = [],
  releases: readonly string[] = [],
): GoVersionChoice {
  const { goLine, toolchain, notes } = governingLines(repo);
  const lineRelease = goLineToRelease(goLine);
  const fromToolchain =
    toolchain && toolchain !== "default" ? toolchainRelease(toolchain) : undefined;
  if (fromToolchain && compareGoVersions(fromToolchain, lineRelease) >= 0) {
    return { version: fromToolchain, source: "toolchain", notes };
  }
  if (fromToolchain) notes.push(`toolchain ${toolchain} is older than go ${goLine}; ignored it`);
  const fromFiles = fromRepoFiles(kept, goLine, local.version, releases, notes);
  if (fromFiles) {
    const source = isExactGoRelease(goLine) && fromFiles === goLine ? "go-line" : "kept-files";
    return { version: fromFiles, source, notes };
  }
  if (isExactGoRelease(goLine)) return { version: goLine, source: "go-line", notes };
  if (local.version && compareGoVersions(local.version, goLine) >= 0) {
    return { version: local.version, source: "local", notes };
  }
  if (local.version) {
    notes.push(`the local go ${local.version} is older than go ${goLine}; using ${lineRelease}`);
  } else if (local.problem) {
    notes.push(
      `could not ask the local go for its version (${local.problem}); using the go line ${lineRelease}`,
    );
  }
  if (!isExactGoRelease(lineRelease)) notes.push(`go ${goLine} is a pre-release`);
  return { version: lineRelease, source: "go-line-minimum", notes };
}
