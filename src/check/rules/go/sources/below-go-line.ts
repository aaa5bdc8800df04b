import {
  compareGoVersions,
  goLineToRelease,
  parseGoVersion,
} from "../../../../gomod/go-version.js";

/**
 * What a go command older than the go line actually does, per version (go.dev/doc/toolchain):
 *
 * - Go 1.21 and later treat the go line as a minimum. With GOTOOLCHAIN=local (the golang images;
 *   actions/setup-go v6+ exports it for the job) the go command stops with
 *   `go.mod requires go >= X (running go Y; GOTOOLCHAIN=local)` (cmd/go/internal/gover
 *   TooNewError); with the default GOTOOLCHAIN=auto it downloads goX and runs that instead.
 * - Before Go 1.21 the go line was advisory: the build goes ahead and prints
 *   `note: module requires Go X` only when compiling fails (cmd/go/internal/work). Two
 *   exceptions: those releases cannot parse a go line in the newer `1.21.0` form ("invalid go
 *   version '1.21.0': must match format 1.23"), and Go 1.19.13+ and 1.20.8+ refuse modules that
 *   declare go 1.22 or later.
 */

export type ToolchainMode = "local" | "auto" | "unknown";

export interface Runner {
  /** "1.22", "1.22.3". */
  version: string;
  precision: "exact" | "minor";
}

const display = (r: Runner) => (r.precision === "minor" ? `${r.version}.x` : r.version);

/** The newest patch a minor pin can be is unknown here: a minor pin is judged by its minor. */
function atLeast(r: Runner, v: string): boolean {
  if (r.precision === "exact") return compareGoVersions(r.version, v) >= 0;
  const p = parseGoVersion(r.version);
  const q = parseGoVersion(v);
  return !!p && !!q && (p.major > q.major || (p.major === q.major && p.minor >= q.minor));
}

/**
 * One clause saying what Go `runner` does in a module whose go line is `goLine`, which is newer.
 * `mode` says how GOTOOLCHAIN is set where it runs.
 */
export function belowGoLineEffect(
  runner: Runner,
  goLine: string,
  mode: ToolchainMode,
  /** Who sets GOTOOLCHAIN=local, for the message: "the golang image's default". */
  localBy?: string,
): string {
  const run = display(runner);
  const release = goLineToRelease(goLine);
  if (!atLeast(runner, "1.21")) {
    const line = parseGoVersion(goLine);
    if (!line || line.patch !== undefined || line.pre !== undefined) {
      return (
        `Go ${run} predates the \`go 1.21.0\` form of the go line and cannot parse it: every go ` +
        `command stops with "invalid go version '${goLine}': must match format 1.23"`
      );
    }
    const backport = runner.version.startsWith("1.19") ? "1.19.13" : "1.20.8";
    if (compareGoVersions(goLine, "1.22") >= 0 && /^1\.(19|20)\b/.test(runner.version)) {
      const sure = runner.precision === "minor" || atLeast(runner, backport);
      return sure
        ? `Go ${run} refuses to load a module that declares go 1.22 or later (Go ${backport} ` +
            "and later patches of its release were changed to refuse them)"
        : `Go ${run} still builds it (the go line was advisory before Go 1.21; Go ${backport} ` +
            "and later would refuse it), so CI tests a Go the module says it does not support";
    }
    return (
      `before Go 1.21 the go line is advisory: Go ${run} builds anyway and prints ` +
      `"note: module requires Go ${goLine}" only when compiling fails, so the job tests a Go the ` +
      "module says it does not support"
    );
  }
  // `go env`, `go version` and `go install pkg@version` load no main module and still run.
  const fails =
    `every go command that loads the module (build, test, vet, list, mod) stops with ` +
    `"go.mod requires go >= ${goLine} (running go ${run}; GOTOOLCHAIN=local)"`;
  // A language-version go line (`go 1.26`) names no toolchain; the go command learned to ask
  // for 1.26.0 instead in Go 1.23 (golang/go#62278): Go 1.21 and 1.22 ask for "go1.26".
  const line = parseGoVersion(goLine);
  const languageOnly = !!line && line.patch === undefined && line.pre === undefined;
  // The fix (download 1.N.0) is in Go 1.23; later 1.21/1.22 patch releases may carry it too,
  // so only the releases before it are said to fail for certain.
  const broken = runner.version.startsWith("1.21")
    ? !atLeast(runner, "1.21.11")
    : runner.version.startsWith("1.22") && !atLeast(runner, "1.22.4");
  const switches =
    !languageOnly || atLeast(runner, "1.23")
      ? `the go command downloads go${release} and runs it instead, so Go ${run} never runs`
      : broken
        ? `Go ${run} tries to download "go${goLine}", which does not exist ("toolchain not ` +
          'available"; golang/go#62278, fixed in Go 1.23), so every go command fails'
        : `Go ${run} may try to download "go${goLine}", which does not exist (golang/go#62278, ` +
          `fixed in Go 1.23), and fail; write go ${goLine}.0`;
  const local = `with GOTOOLCHAIN=local${localBy ? ` (${localBy})` : ""}`;
  if (mode === "local") return `${local} ${fails}`;
  if (mode === "auto") return `with GOTOOLCHAIN=auto (the default) ${switches}`;
  return `${local} ${fails}; with GOTOOLCHAIN=auto (the default) ${switches}`;
}
