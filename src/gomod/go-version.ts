/**
 * Go version strings as the go command writes them: "1.21", "1.21.3", "1.21rc1".
 * Compare semantics follow go/version: 1.21 < 1.21rc1 < 1.21.0 < 1.21.1.
 */
export interface GoVersion {
  major: number;
  minor: number;
  /** undefined for a language version such as "1.21" (which means "1.21.0" as a minimum). */
  patch: number | undefined;
  /** "rc1" / "beta2" pre-release, if any. */
  pre: string | undefined;
}

const GO_VERSION_RE = /^(\d+)\.(\d+)(?:\.(\d+)|((?:rc|beta)\d+))?$/;

export function parseGoVersion(v: string): GoVersion | undefined {
  const m = GO_VERSION_RE.exec(v.startsWith("go") ? v.slice(2) : v);
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? undefined : Number(m[3]),
    pre: m[4],
  };
}

export function isGoVersion(v: string): boolean {
  return parseGoVersion(v) !== undefined;
}

/** An exact release such as "1.26.8" (what a Docker tag or a download needs). */
export function isExactGoRelease(v: string): boolean {
  const p = parseGoVersion(v);
  return p !== undefined && p.patch !== undefined;
}

function rank(v: GoVersion): [number, number, number, number, number] {
  // Language version (no patch) sorts before its pre-releases, which sort before .0.
  if (v.patch !== undefined) return [v.major, v.minor, 2, v.patch, 0];
  if (v.pre === undefined) return [v.major, v.minor, 0, 0, 0];
  const kind = v.pre.startsWith("beta") ? 0 : 1;
  return [v.major, v.minor, 1, kind, Number(v.pre.replace(/^\D+/, ""))];
}

/** Negative, zero or positive like a sort comparator. Throws on strings that are not Go versions. */
export function compareGoVersions(a: string, b: string): number {
  const pa = parseGoVersion(a);
  const pb = parseGoVersion(b);
  if (!pa || !pb) throw new Error(`not a Go version: ${pa ? b : a}`);
  const ra = rank(pa);
  const rb = rank(pb);
  for (let i = 0; i < ra.length; i++) {
    const d = (ra[i] ?? 0) - (rb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** "1.26.8" -> "1.26" */
export function goMinor(v: string): string {
  const p = parseGoVersion(v);
  if (!p) throw new Error(`not a Go version: ${v}`);
  return `${p.major}.${p.minor}`;
}

/** A go.mod `go` line as the minimum release it allows: "1.24" -> "1.24.0". */
export function goLineToRelease(v: string): string {
  const p = parseGoVersion(v);
  if (!p) throw new Error(`not a Go version: ${v}`);
  if (p.patch !== undefined) return `${p.major}.${p.minor}.${p.patch}`;
  if (p.pre !== undefined) return `${p.major}.${p.minor}${p.pre}`;
  return `${p.major}.${p.minor}.0`;
}
