import { posix } from "node:path";
import { GORELEASER_FILES } from "../../../../detect/builds/goreleaser.js";
import { parseYamlFile } from "../../../model/structured.js";
import type { RepoModel, StructuredFile } from "../../../types.js";
import { isRecord, scalarString } from "./values.js";

/**
 * GoReleaser configs, read here until the repo model carries them (a GoReleaser model is being
 * added to src/check/model/; this reader is meant to be replaced by it). GoReleaser takes the
 * first of its config names in the directory it runs in: the repo root, or a module's directory.
 */
export function goreleaserConfigs(model: RepoModel): StructuredFile[] {
  const dirs = new Set([".", ...model.gomods.map((m) => m.dir)]);
  const out: StructuredFile[] = [];
  for (const dir of dirs) {
    for (const name of GORELEASER_FILES) {
      const path = dir === "." ? name : posix.join(dir, name);
      const text = model.readFile?.(path);
      if (text === undefined) continue;
      const parsed = parseYamlFile(path, text);
      // A config that does not parse is GoReleaser's own error to report.
      if (parsed.ok) out.push(parsed.file);
      break;
    }
  }
  return out;
}

export interface GoreleaserGo {
  /** "go1.22.3" as written. */
  binary: string;
  /** "1.22.3". */
  version: string;
  line: number;
  /** Where: "builds[0].gobinary", "gomod.gobinary". */
  where: string;
  /** Directory (relative to the repo root) whose go.mod the build uses. */
  dir: string;
}

/** A Go binary named for its release (golang.org/dl's `go1.22.3`, or a path ending in one). */
function releaseOf(binary: string): string | undefined {
  return /(?:^|\/)go(\d+\.\d+(?:\.\d+|(?:rc|beta)\d+)?)$/.exec(binary.trim())?.[1];
}

/**
 * The Go releases a config builds with: each Go build's `gobinary` (or `tool`, its newer name)
 * and `gomod.gobinary`. Builds without one use the `go` on PATH — in CI, what setup-go installed.
 */
export function goreleaserGoBinaries(config: StructuredFile): GoreleaserGo[] {
  const data = isRecord(config.data) ? config.data : {};
  const base = posix.dirname(config.path);
  const gomod = isRecord(data["gomod"]) ? data["gomod"] : {};
  const gomodDir = scalarString(gomod["dir"]) ?? ".";
  const out: GoreleaserGo[] = [];
  const builds = Array.isArray(data["builds"]) ? data["builds"] : [];
  builds.forEach((b, i) => {
    if (!isRecord(b) || b["skip"] === true) return;
    if (typeof b["builder"] === "string" && b["builder"] !== "go") return;
    for (const key of ["gobinary", "tool"]) {
      const binary = scalarString(b[key]);
      const version = binary && releaseOf(binary);
      if (!binary || !version) continue;
      const dir = posix.normalize(posix.join(base, scalarString(b["dir"]) ?? gomodDir));
      const line = config.lineOf(["builds", i, key]);
      out.push({ binary, version, line, where: `builds[${i}].${key}`, dir });
    }
  });
  const binary = scalarString(gomod["gobinary"]);
  const version = binary && releaseOf(binary);
  if (binary && version) {
    const dir = posix.normalize(posix.join(base, gomodDir));
    out.push({
      binary,
      version,
      line: config.lineOf(["gomod", "gobinary"]),
      where: "gomod.gobinary",
      dir,
    });
  }
  return out;
}

/** GOTOOLCHAIN as the config's top-level or build `env` sets it, if it does. */
export function goreleaserToolchainEnv(config: StructuredFile): string | undefined {
  const data = isRecord(config.data) ? config.data : {};
  const envs = [
    data["env"],
    ...(Array.isArray(data["builds"]) ? data["builds"] : []).map((b) =>
      isRecord(b) ? b["env"] : undefined,
    ),
  ];
  for (const env of envs) {
    if (!Array.isArray(env)) continue;
    for (const e of env) {
      const m = typeof e === "string" ? /^GOTOOLCHAIN=(.*)$/.exec(e) : null;
      if (m) return m[1];
    }
  }
  return undefined;
}
