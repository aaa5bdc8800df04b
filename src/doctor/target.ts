import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadRepo } from "../detect/repo-files.js";
import type { LoadedRepo } from "../detect/repo-files.js";
import { developerEnv } from "../generate/module-env.js";
import { goLineToRelease } from "../gomod/go-version.js";
import { loadSpec, SPEC_FILE } from "../spec/load.js";
import { resolveTools } from "../spec/tools.js";
import { GopaveError } from "../util/errors.js";
import type { Target } from "./types.js";

/** go.work's lines in workspace mode, else the root module's; the go command reads the same. */
function governingLines(repo: LoadedRepo): {
  goLine: string;
  toolchain: string | undefined;
  file: string;
} {
  if (repo.work) {
    return {
      goLine: repo.work.go?.version ?? "1.18",
      toolchain: repo.work.toolchain?.name,
      file: "go.work",
    };
  }
  const mod = repo.primary.mod;
  // A go.mod without a go line means go 1.16 to the go command.
  return { goLine: mod.go?.version ?? "1.16", toolchain: mod.toolchain?.name, file: "go.mod" };
}

function readSpecText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new GopaveError("IO", `cannot read ${SPEC_FILE}: ${(err as Error).message}`);
  }
}

function tryLoadRepo(root: string): LoadedRepo | undefined {
  try {
    return loadRepo(root);
  } catch (err) {
    if (err instanceof GopaveError && err.code === "GOMOD_MISSING") return undefined;
    throw err;
  }
}

/**
 * What doctor audits against: gopave.yaml when there is one (exact Go, module settings, tools),
 * else go.mod (its go line as a minimum, nothing pinned). Invalid files are usage errors (exit 2).
 */
export function loadTarget(root: string): Target {
  const specText = readSpecText(join(root, SPEC_FILE));
  const repo = tryLoadRepo(root);
  if (specText === undefined && repo === undefined) {
    throw new GopaveError("SPEC_MISSING", `no ${SPEC_FILE}, go.mod or go.work in ${root}`, {
      hint: "run gopave doctor in a Go repository (or pass its directory)",
    });
  }
  const lines = repo ? governingLines(repo) : undefined;
  const goLine = lines ? { release: goLineToRelease(lines.goLine), file: lines.file } : undefined;
  const toolchainLine =
    lines?.toolchain && lines.toolchain !== "default" ? lines.toolchain : undefined;
  if (specText === undefined) {
    return {
      kind: "go.mod",
      spec: undefined,
      goExact: undefined,
      goPolicy: undefined,
      goLine,
      toolchainLine,
      settings: new Map(),
      tools: [],
    };
  }
  const { spec } = loadSpec(specText, SPEC_FILE);
  return {
    kind: "spec",
    spec,
    goExact: spec.go.version,
    goPolicy: spec.go.toolchain,
    goLine,
    toolchainLine,
    // What this machine should have: GOTOOLCHAIN only when the spec asks for it.
    settings: new Map(developerEnv(spec)),
    tools: resolveTools(spec),
  };
}
