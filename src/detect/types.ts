import type { DetectedWasmProgram } from "./wasm-programs.js";
import type { KeptCompose, RepoFacts } from "../generate/types.js";
import type { LeftOut } from "./apps.js";
import type { CgoByMain } from "./cgo.js";
import type { DefaultBranch } from "./default-branch.js";
import type { KeptFiles } from "./kept-files.js";
import type { PortEvidence } from "./ports.js";
import type { DetectedService } from "./services.js";

/** A `package main` of the repo. */
export interface MainPackage {
  /** Relative to the repo root, POSIX: "./cmd/api", or "." for the root. */
  dir: string;
  importPath: string;
  /** Path of the module the package belongs to. */
  module: string;
}

export type GoVersionSource =
  /** go.mod's (or go.work's) toolchain line. */
  | "toolchain"
  /** A go line that names a release ("go 1.26.4"). */
  | "go-line"
  /** The Go the repo's own Dockerfiles, CI and version files name. */
  | "kept-files"
  /** The local go, which satisfies the go line. */
  | "local"
  /** A go line that names only a language version ("go 1.24" -> 1.24.0). */
  | "go-line-minimum";

/** A main package init proposes as an app, with what the repo says about it. */
export interface DetectedApp {
  pkg: MainPackage;
  /** Where the repo builds it, e.g. ".goreleaser.yml:12", "Makefile:30"; empty when nothing does. */
  evidence: string[];
  /** The binary's name, when the repo's release config names it. */
  binary: string | undefined;
  /** The repo's own Dockerfile that builds its image, when gopave keeps the repo's Dockerfiles. */
  dockerfile?: string;
  /** Its stage that is the image, when that is not the last one (the last one runs Delve). */
  target?: string;
  port: PortEvidence | undefined;
  /** An HTTP health route found in its sources (only for apps with a port). */
  health: string | undefined;
  /** Build tags and linker flags of the repo's own build of it. */
  tags: string[];
  ldflags: string | undefined;
}

export type PrivateReason = "proxy-not-found" | "host-heuristic";

/** What `gopave init` learns about a repo to propose a spec. */
export interface Detection {
  root: string;
  /** The root module, or the first module of go.work. */
  modulePath: string;
  /** Project name: last element of modulePath without /vN, lowercased, [a-z0-9-], starts with a letter. */
  name: string;
  /** An exact release such as "1.26.8". */
  goVersion: string;
  goVersionSource: GoVersionSource;
  repo: RepoFacts;
  /** Every main package, sorted by dir. */
  mainPackages: MainPackage[];
  /** The main packages proposed as apps, sorted by dir. */
  apps: DetectedApp[];
  /** How the apps were chosen: what the repo ships, all main packages, or --apps. */
  appsBasis: "shipped" | "main packages" | "chosen";
  /** Main packages written for Go's wasm port (by their build constraints), sorted by dir. */
  wasm: DetectedWasmProgram[];
  /** Main packages that are not apps, and why. */
  leftOut: LeftOut[];
  /** Files the repo already has for what gopave generates. */
  kept: KeptFiles;
  /** The branch CI runs on. */
  branch: DefaultBranch;
  /** Backing services the main packages use, in SERVICE_KINDS order, with the evidence. */
  services: DetectedService[];
  /** The compose file `docker compose` reads in the repo (not one gopave wrote), if any. */
  keptCompose: KeptCompose | undefined;
  /** GOPRIVATE globs to propose; sorted, deduplicated. */
  privateGlobs: string[];
  privateEvidence: { module: string; reason: PrivateReason }[];
  /** Main packages that need cgo, by dir, with the import chain that says why. */
  cgo: CgoByMain;
  /** Human-readable remarks about fallbacks taken. */
  notes: string[];
}

export interface DetectOptions {
  /** Apps chosen by the user: names or "./dir" of main packages (init --apps). */
  apps?: string[];
  /** Never ask the public module proxy; decide private modules by host name alone. */
  offline?: boolean;
  /** Environment for the go command and settings (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Timeout of each go command (default 10 s). */
  timeoutMs?: number;
  /** Total time budget of the public proxy checks (default 3 s). */
  proxyBudgetMs?: number;
}
