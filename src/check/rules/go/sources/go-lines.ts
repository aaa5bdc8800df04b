import {
  compareGoVersions,
  goLineToRelease,
  parseGoVersion,
} from "../../../../gomod/go-version.js";
import type { RepoModel } from "../../../types.js";

export interface GoMinimum {
  /** The go line as written ("1.25", "1.25.0"). */
  version: string;
  file: string;
  line: number;
}

/**
 * Go lines that name a Go version. modfile's syntax also admits lines no Go version comparison
 * understands (`go 1.22xyz1`, `go 1.22.1rc1`): nothing can be compared with those, so they are
 * left out rather than guessed at.
 */
function minimums(model: RepoModel): (GoMinimum & { dir: string })[] {
  // go.work first: it governs a workspace, so it wins a tie with one of its modules.
  const w = model.gowork;
  const out = w?.work.go
    ? [{ version: w.work.go.version, file: w.path, line: w.work.go.line, dir: "." }]
    : [];
  for (const m of model.gomods) {
    if (m.mod.go)
      out.push({ version: m.mod.go.version, file: m.path, line: m.mod.go.line, dir: m.dir });
  }
  return out.filter((m) => parseGoVersion(m.version) !== undefined);
}

/**
 * The go line a file's Go version must satisfy. A file inside a nested module answers to that
 * module. A root Dockerfile builds the root module; anything else (CI, the dev container, version
 * files) serves every module of the repo, so it must satisfy the highest go line.
 */
export function requiredGo(
  model: RepoModel,
  file: string,
  scope: "module" | "repo" = "repo",
): GoMinimum | undefined {
  const all = minimums(model);
  const nested = all
    .filter((m) => m.dir !== "." && file.startsWith(`${m.dir}/`))
    .sort((a, b) => b.dir.length - a.dir.length)[0];
  if (nested) return nested;
  if (scope === "module" && !model.gowork) {
    const root = all.find((m) => m.dir === "." && m.file.endsWith("go.mod"));
    if (root) return root;
  }
  return all.reduce<GoMinimum | undefined>(
    (max, m) => (max === undefined || compareGoVersions(m.version, max.version) > 0 ? m : max),
    undefined,
  );
}

/**
 * Whether a pin can never satisfy a go line. An exact pin compares as is; a minor pin ("1.24")
 * takes its newest patch, so it only fails when its whole minor is older.
 */
export function pinBelow(pin: string, precision: "exact" | "minor", goLine: string): boolean {
  const need = goLineToRelease(goLine);
  if (precision === "exact") return compareGoVersions(pin, need) < 0;
  const p = parseGoVersion(pin);
  const n = parseGoVersion(need);
  if (!p || !n) return false;
  return p.major < n.major || (p.major === n.major && p.minor < n.minor);
}

/** Whether two pins can name the same release ("1.26" agrees with any 1.26.x). */
export function pinsAgree(
  a: { version: string; precision: "exact" | "minor" },
  b: { version: string; precision: "exact" | "minor" },
): boolean {
  if (a.precision === "exact" && b.precision === "exact") {
    return compareGoVersions(a.version, b.version) === 0;
  }
  const pa = parseGoVersion(a.version);
  const pb = parseGoVersion(b.version);
  return pa !== undefined && pb !== undefined && pa.major === pb.major && pa.minor === pb.minor;
}
