import { compareGoVersions, goLineToRelease, isGoVersion } from "../gomod/go-version.js";

/**
 * What the go command does with GOTOOLCHAIN in this repo (go.dev/doc/toolchain, and
 * cmd/go/internal/toolchain Select): "local" or a name runs that toolchain; "+auto"/"+path"
 * (and "auto"/"path", meaning local+auto/local+path) switch to a newer one when go.mod's
 * toolchain or go line asks; a switch finds go<version> on PATH, and only +auto downloads it.
 */
export interface ToolchainOutcome {
  /** The release that would run ("1.26.8"). */
  release: string;
  how: "installed" | "path" | "download" | "not-on-path";
  /** Why that toolchain: "GOTOOLCHAIN names it", "go.mod's go line asks for 1.27.0", ... */
  why: string;
  /** go.mod/go.work needs a newer Go than what would run: every go command fails. */
  tooOld: boolean;
}

export interface ToolchainInput {
  gotoolchain: string;
  installed: string;
  goLine: string | undefined;
  /** go.mod's toolchain line ("go1.26.8"), if any and not "default". */
  toolchainLine: string | undefined;
  /** Whether `go<release>` is on PATH. */
  onPath: (name: string) => boolean;
}

/** "go1.26.8" / "go1.26.8-custom" -> "1.26.8"; undefined for names that are not releases. */
export function toolchainRelease(name: string): string | undefined {
  const m = /^go(\d[^-+]*)/.exec(name);
  return m?.[1] && isGoVersion(m[1]) ? goLineToRelease(m[1]) : undefined;
}

export function resolveToolchain(input: ToolchainInput): ToolchainOutcome {
  const value = input.gotoolchain.trim() || "local";
  let [name, mode] = value.split("+", 2) as [string, string | undefined];
  if (value === "auto" || value === "path") [name, mode] = ["local", value];
  let release = name === "local" ? input.installed : (toolchainRelease(name) ?? input.installed);
  let why = name === "local" ? "the installed toolchain" : `GOTOOLCHAIN names go${release}`;
  if (mode === "auto" || mode === "path") {
    const fromLine = input.toolchainLine ? toolchainRelease(input.toolchainLine) : undefined;
    if (fromLine && compareGoVersions(fromLine, release) > 0) {
      release = fromLine;
      why = `go.mod's toolchain line asks for go${fromLine}`;
    }
    if (input.goLine && compareGoVersions(input.goLine, release) > 0) {
      release = input.goLine;
      why = `go.mod's go line needs go ${input.goLine}`;
    }
  }
  let how: ToolchainOutcome["how"] = "installed";
  if (release !== input.installed) {
    if (input.onPath(`go${release}`)) how = "path";
    else how = mode === "path" ? "not-on-path" : "download";
  }
  const tooOld = input.goLine !== undefined && compareGoVersions(release, input.goLine) < 0;
  return { release, how, why, tooOld };
}

/** A sentence for a detail line: "runs the installed go1.26.8", "downloads go1.27.0 (...)". */
export function describeOutcome(o: ToolchainOutcome): string {
  switch (o.how) {
    case "installed":
      return `runs the installed go${o.release}`;
    case "path":
      return `switches to go${o.release} from PATH (${o.why})`;
    case "download":
      return `switches to go${o.release}, downloading it on first use (${o.why})`;
    default:
      return `wants go${o.release} (${o.why}) but never downloads, and go${o.release} is not on PATH`;
  }
}
