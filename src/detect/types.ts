import type { RepoFacts } from "../generate/types.js";
import type { CgoByMain } from "./cgo.js";
import type { ServiceKind } from "../spec/services.js";

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
  /** In SERVICE_KINDS order. */
  services: ServiceKind[];
  /** The module path that implied each service. */
  serviceEvidence: Partial<Record<ServiceKind, string>>;
  /** GOPRIVATE globs to propose; sorted, deduplicated. */
  privateGlobs: string[];
  privateEvidence: { module: string; reason: PrivateReason }[];
  /** Main packages that need cgo, by dir, with the import chain that says why. */
  cgo: CgoByMain;
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
