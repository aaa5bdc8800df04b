import { posix } from "node:path";
import type { GoReleaserModel } from "../../../types.js";
import { isRecord, scalarString } from "./values.js";

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
 * The Go releases a config builds with: each Go build's `tool` (or `gobinary`, its older name)
 * and `gomod.gobinary`. Builds without one use the `go` on PATH — in CI, what setup-go installed.
 */
export function goreleaserGoBinaries(config: GoReleaserModel): GoreleaserGo[] {
  const data = isRecord(config.data) ? config.data : {};
  const base = posix.dirname(config.path);
  const gomod = isRecord(data["gomod"]) ? data["gomod"] : {};
  const gomodDir = scalarString(gomod["dir"]) ?? ".";
  const raw = Array.isArray(data["builds"]) ? data["builds"] : [];
  const out: GoreleaserGo[] = [];
  for (const b of config.builds) {
    if (b.skip || b.builder !== "go" || !b.goBinary) continue;
    const version = releaseOf(b.goBinary.value);
    if (!version) continue;
    const written = raw[b.index];
    const dir = isRecord(written) && scalarString(written["dir"]) !== undefined ? b.dir : gomodDir;
    out.push({
      binary: b.goBinary.value,
      version,
      line: b.goBinary.line,
      where: `builds[${b.index}].${b.goBinary.key}`,
      dir: posix.normalize(posix.join(base, dir)),
    });
  }
  const binary = scalarString(gomod["gobinary"]);
  const version = binary && releaseOf(binary);
  if (binary && version) {
    out.push({
      binary,
      version,
      line: config.lineOf(["gomod", "gobinary"]),
      where: "gomod.gobinary",
      dir: posix.normalize(posix.join(base, gomodDir)),
    });
  }
  return out;
}

/** GOTOOLCHAIN as the config's top-level or a build's `env` sets it, if it does. */
export function goreleaserToolchainEnv(config: GoReleaserModel): string | undefined {
  const envs = [config.env, ...config.builds.map((b) => b.env)];
  return envs.flat().find((e) => e.name === "GOTOOLCHAIN")?.value;
}
