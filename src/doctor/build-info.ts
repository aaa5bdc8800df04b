/**
 * `go version -m <binary>` output (cmd/go/internal/version + runtime/debug BuildInfo.String):
 * "<file>: go1.26.8", then tab-indented, tab-separated rows: path, mod, dep, =>, build.
 */
export interface BuildInfo {
  /** "go1.26.8" */
  goVersion: string;
  /** The main package path. */
  path: string | undefined;
  /** The main module and its version ("(devel)" or a VCS-stamped one for local builds). */
  mod: { path: string; version: string } | undefined;
  /** The main module's replacement, if any. */
  replacedBy: { path: string; version: string } | undefined;
}

export function parseBuildInfo(text: string): BuildInfo | undefined {
  const lines = text.split("\n");
  const first = lines[0] ?? "";
  const goVersion = /:\s+(go\S+)\s*$/.exec(first)?.[1];
  if (!goVersion) return undefined;
  const info: BuildInfo = { goVersion, path: undefined, mod: undefined, replacedBy: undefined };
  let afterMod = false;
  for (const line of lines.slice(1)) {
    const cols = line.replace(/^\t/, "").split("\t");
    const [kind, a, b] = cols;
    if (kind === "path") info.path = a;
    else if (kind === "mod" && a !== undefined) {
      info.mod = { path: a, version: b ?? "" };
      afterMod = true;
      continue;
    } else if (kind === "=>" && afterMod && a !== undefined) {
      info.replacedBy = { path: a, version: b ?? "" };
    }
    afterMod = false;
  }
  return info;
}
