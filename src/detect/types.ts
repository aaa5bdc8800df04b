import type { KeptCompose, RepoFacts } from "../generate/types.js";
import type { DetectedService } from "./services.js";

/** A `package main` of the repo. */
export interface MainPackage {
  /** Relative to the repo root, POSIX: "./cmd/api", or "." for the root. */
  dir: string;
  importPath: string;
  /** Path of the module the package belongs to. */
  module: string;
}

export type GoVersionSource = "toolchain" | "local" | "go-line";

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
  /** Sorted by dir. */
  mainPackages: MainPackage[];
  /** Backing services the main packages use, in SERVICE_KINDS order, with the evidence. */
  services: DetectedService[];
  /** The compose file `docker compose` reads in the repo (not one gopave wrote), if any. */
  keptCompose: KeptCompose | undefined;
  /** GOPRIVATE globs to propose; sorted, deduplicated. */
  privateGlobs: string[];
  privateEvidence: { module: string; reason: PrivateReason }[];
  /** Human-readable remarks about fallbacks taken. */
  notes: string[];
}

export interface DetectOptions {
  /** Never ask the public module proxy; decide private modules by host name alone. */
  offline?: boolean;
  /** Environment for the go command and settings (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Timeout of each go command (default 10 s). */
  timeoutMs?: number;
  /** Total time budget of the public proxy checks (default 3 s). */
  proxyBudgetMs?: number;
}
