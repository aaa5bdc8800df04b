import type { VersionPinFile } from "../types.js";
import { textFile } from "./text-file.js";

export function readGoVersionFile(path: string, text: string): VersionPinFile {
  const base = textFile(path, text);
  let go: VersionPinFile["go"];
  base.lines.some((raw, i) => {
    const v = raw.replace(/#.*/, "").trim();
    if (v !== "") go = { version: v, line: i + 1 };
    return v !== "";
  });
  return { ...base, kind: "go-version", go };
}

/** asdf names the plugin `golang`, mise also accepts `go`; the first listed version is the active one. */
export function readToolVersions(path: string, text: string): VersionPinFile {
  const base = textFile(path, text);
  let go: VersionPinFile["go"];
  base.lines.some((raw, i) => {
    const m = /^\s*(?:golang|go)\s+(\S+)/.exec(raw.replace(/#.*/, ""));
    if (m?.[1]) go = { version: m[1], line: i + 1 };
    return go !== undefined;
  });
  return { ...base, kind: "tool-versions", go };
}

/**
 * The subset of TOML mise.toml uses for Go: `go = "1.26.8"`, `go = ["1.26.8", ...]` or
 * `go = { version = "1.26.8" }` under `[tools]`, or `tools.go = ...` at the top level.
 */
export function readMiseToml(path: string, text: string): VersionPinFile {
  const base = textFile(path, text);
  let go: VersionPinFile["go"];
  let table = "";
  for (let i = 0; i < base.lines.length && go === undefined; i++) {
    const raw = (base.lines[i] as string).trim();
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(raw);
    if (header?.[1] !== undefined) {
      table = header[1].replace(/["']/g, "");
      continue;
    }
    const kv = /^("?)(tools\.)?(go|golang)\1\s*=\s*(.*)$/.exec(raw);
    if (!kv || (table !== "tools" && !(table === "" && kv[2]))) continue;
    const version = /^(?:\[\s*|\{[^}]*?version\s*=\s*)?["']([^"']+)["']/.exec(kv[4] ?? "")?.[1];
    if (version) go = { version, line: i + 1 };
  }
  return { ...base, kind: "mise", go };
}
