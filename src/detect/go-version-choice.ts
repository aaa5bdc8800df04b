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

/**
 * Picks the exact Go release for the spec: the toolchain line; else the local go when it
 * satisfies the go line; else the go line itself as a release ("1.24" -> "1.24.0").
 */
export function chooseGoVersion(
  repo: LoadedRepo,
  local: { version: string | undefined; problem: string | undefined },
): GoVersionChoice {
  const { goLine, toolchain, notes } = governingLines(repo);
  const lineRelease = goLineToRelease(goLine);
  const fromToolchain =
    toolchain && toolchain !== "default" ? toolchainRelease(toolchain) : undefined;
  if (fromToolchain && compareGoVersions(fromToolchain, lineRelease) >= 0) {
    return { version: fromToolchain, source: "toolchain", notes };
  }
  if (fromToolchain) notes.push(`toolchain ${toolchain} is older than go ${goLine}; ignored it`);
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
  return { version: lineRelease, source: "go-line", notes };
}
