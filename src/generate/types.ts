import type { Spec } from "../spec/schema.js";
import type { ServiceKind } from "../spec/services.js";
import type { ResolvedTool } from "../spec/tools.js";

/** How a generated file is serialised, and so how overrides and the marker apply to it. */
export type FileFormat = "text" | "yaml" | "jsonc" | "json";

/**
 * One file a generator produces. Generators never add the generated-code marker: the renderer
 * does, after `overrides` are applied, so every file carries it the same way.
 */
export type GeneratedFile =
  | { path: string; format: "text"; text: string; executable?: boolean }
  | { path: string; format: "yaml" | "jsonc" | "json"; data: unknown }
  /** A block gopave owns inside a file people also edit (e.g. .gitignore). */
  | { path: string; format: "section"; text: string };

/** A Go module of the repo (the root one, or one `use`d by go.work). */
export interface RepoModule {
  /** Directory relative to the repo root, POSIX, "." for the root. */
  dir: string;
  path: string;
  /** The go.mod `go` line. */
  goLine: string;
  toolchain: string | undefined;
  hasGoSum: boolean;
}

/**
 * A directory a `replace` directive of a main module (or go.work) points at. The go command reads
 * its go.mod to build the module graph, so `go mod download` fails without it.
 */
export interface LocalReplacement {
  /**
   * Repo-relative POSIX dir ("libs/x"); outside the repo "../shared", or the absolute path as
   * written. Never a module of the repo itself (those are in `modules`).
   */
  dir: string;
  /** Inside the repo, so inside the Docker build context. */
  inRepo: boolean;
  /** It has a go.mod (only known inside the repo; the go command refuses a directory without). */
  hasGoMod: boolean;
  /** The module path it replaces, and where: "example.com/x (go.mod:12)". */
  replaces: string;
}

/** A backing service the repo's own compose file runs. */
export interface KeptComposeService {
  /** Its name in that file. */
  name: string;
  kind: ServiceKind;
  /** Port inside the compose network. */
  port: number;
  /** Port published on the host, if any. */
  hostPort: number | undefined;
  /** Credentials as the file gives them: literals, or `${VAR}` references compose expands. */
  user?: string | undefined;
  password?: string | undefined;
  database?: string | undefined;
  healthcheck: boolean;
  /** Under a compose profile: not started by a plain `docker compose up`. */
  profiled: boolean;
  /** The networks it joins ("default" when the file names none). */
  networks: string[];
}

/** What gopave needs from a compose file the repo keeps (spec `keep.compose`). */
export interface KeptCompose {
  path: string;
  /** Backing services by kind, the one the apps depend on first. */
  services: KeptComposeService[];
  /** Environment of the services built from the repo (its apps): first value per variable. */
  appEnv: Record<string, string>;
}

/** What generators may know about the repo besides the spec: read fresh on every sync. */
export interface RepoFacts {
  /** Modules, root-first then by dir. */
  modules: RepoModule[];
  /** A go.work at the root. */
  workspace: { hasSum: boolean } | undefined;
  /** Local replacement directories, by dir; absent when there are none. */
  replacements?: LocalReplacement[];
  /**
   * The go command builds from vendor/ by default (vendor/modules.txt for this mode, go line
   * 1.14 or later); absent when it does not.
   */
  vendor?: true;
  /** The compose file named by the spec's `keep.compose`, when it has one. */
  keptCompose?: KeptCompose | undefined;
  /**
   * The workspaceFolder a kept devcontainer.json sets (as written, variables unexpanded); absent
   * when it sets none.
   */
  keptDevcontainerWorkspace?: string | undefined;
  /** A hand-written .env.example's variables: gopave then only adds a marked block to it. */
  envExample?: Record<string, string> | undefined;
}

export interface GenerateContext {
  spec: Spec;
  repo: RepoFacts;
  tools: ResolvedTool[];
  /** gopave's own version, for the drift-check step in CI. */
  gopaveVersion: string;
}

export type Generator = (ctx: GenerateContext) => GeneratedFile[];
