import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { shellCommands } from "../check/model/shell-words.js";
import { composeServices } from "../check/rules/docker/util/compose.js";
import { serviceBuild } from "../check/rules/docker/util/repo.js";
import { isRecord, recordAt } from "../check/rules/go/sources/values.js";
import type { RepoModel } from "../check/types.js";
import { hasMarker } from "../generate/marker.js";
import { makeTargetRuns } from "./builds/makefile.js";
import { COMPOSE_FILE_NAMES, composeFileInUse } from "./kept-compose.js";

/** Files the repo already has for a purpose gopave generates a file for. */
export interface KeptFiles {
  compose?: string;
  dockerfile?: string;
  devcontainer?: string;
  golangci?: string;
  /** The kept golangci-lint config's format: "2" with `version: "2"`, else "1" (golangci-lint v1). */
  golangciFormat?: "1" | "2";
  /** CI files that run the Go tests. */
  ci?: string[];
  /** GitHub Actions workflows exist (so a drift-check workflow has somewhere to run). */
  github: boolean;
  /** The repo's package.json pins gopave (dependencies or devDependencies). */
  gopaveDependency?: boolean;
  /** Other candidates seen and not kept, and why. */
  notes: string[];
}

/** golangci-lint's config files, in its lookup order. */
export const GOLANGCI_FILES = [
  ".golangci.yml",
  ".golangci.yaml",
  ".golangci.toml",
  ".golangci.json",
];
/** Where the devcontainer CLI and VS Code look, in that order. */
const DEVCONTAINER_FILES = [".devcontainer/devcontainer.json", ".devcontainer.json"];
/** Pipelines of CI systems other than GitHub Actions, by their conventional paths. */
const OTHER_CI = [
  ".gitlab-ci.yml",
  ".gitlab-ci.yaml",
  ".woodpecker.yml",
  ".woodpecker.yaml",
  ".drone.yml",
  ".circleci/config.yml",
  ".travis.yml",
  "Jenkinsfile",
  "azure-pipelines.yml",
  "bitbucket-pipelines.yml",
  ".buildkite/pipeline.yml",
  ".buildkite/pipeline.yaml",
  "cloudbuild.yaml",
  "cloudbuild.yml",
];

/** A command that runs the Go tests. */
const TEST_COMMAND = /(?:^|[\s;&|(])(?:go\s+test|gotestsum|ginkgo|richgo\s+test)\b/;

function listDir(root: string, dir: string): string[] {
  try {
    return readdirSync(join(root, dir)).sort();
  } catch {
    return [];
  }
}

function read(root: string, path: string): string {
  try {
    return readFileSync(join(root, path), "utf8");
  } catch {
    return "";
  }
}

/** Whether a CI script runs the Go tests: directly, or through a make target that does. */
function runsGoTests(root: string, text: string): boolean {
  if (TEST_COMMAND.test(text)) return true;
  const makefile = ["GNUmakefile", "makefile", "Makefile"]
    .map((f) => read(root, f))
    .find((t) => t !== "");
  if (!makefile) return false;
  for (const line of text.split("\n")) {
    for (const words of shellCommands(
      line.replace(/^\s*-\s+/, "").replace(/^\s*(?:run|script|command):\s*/, ""),
    )) {
      const i = words.findIndex((w) => w === "make" || w.endsWith("/make"));
      if (i < 0) continue;
      const targets = words.slice(i + 1).filter((w) => !w.startsWith("-") && !w.includes("="));
      if (targets.some((t) => makeTargetRuns(makefile, t, TEST_COMMAND))) return true;
    }
  }
  return false;
}

/**
 * GitHub workflows whose jobs run the Go tests: a `run:` step that does, or a job that calls a
 * reusable workflow named like a test or check pipeline (its steps are elsewhere; counting it
 * avoids a second pipeline that runs the same tests).
 */
function testingWorkflows(root: string, model: RepoModel): string[] {
  const out = new Set<string>();
  for (const file of model.workflows) {
    for (const job of Object.values(recordAt(file.data, "jobs") ?? {})) {
      if (!isRecord(job)) continue;
      const uses = typeof job["uses"] === "string" ? job["uses"] : "";
      if (/\/(?:[\w-]*[-_])?(?:test|tests|check|checks|ci|build)\.ya?ml@/.test(uses))
        out.add(file.path);
      const steps = Array.isArray(job["steps"]) ? job["steps"] : [];
      const runs = steps.flatMap((s) =>
        isRecord(s) && typeof s["run"] === "string" ? [s["run"]] : [],
      );
      if (runs.some((r) => runsGoTests(root, r))) out.add(file.path);
    }
  }
  return [...out].sort();
}

/** `version: "2"` (YAML), `version = "2"` (TOML) or `"version": "2"` (JSON) at the top level. */
function golangciFormat(text: string): "1" | "2" {
  return /^["']?version["']?\s*[:=]\s*["']?2["']?\s*,?\s*(?:#.*)?$/m.test(text) ? "2" : "1";
}

function pinsGopave(packageJson: string): boolean {
  try {
    const pkg = JSON.parse(packageJson) as Record<string, Record<string, unknown> | undefined>;
    return ["dependencies", "devDependencies"].some((k) => pkg[k]?.["gopave"] !== undefined);
  } catch {
    return false;
  }
}

/** The first of `paths` that exists and is not gopave's own (a generated file has the marker). */
function firstExisting(root: string, paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(join(root, p)) && !hasMarker(read(root, p)));
}

function keptDockerfile(
  root: string,
  model: RepoModel,
  compose: string | undefined,
): string | undefined {
  const rootFile = firstExisting(root, ["Dockerfile", "Containerfile"]);
  if (rootFile) return rootFile;
  // The Dockerfile the repo's compose file builds an app from is its image build too.
  const file = model.composes.find((c) => c.path === compose);
  for (const s of file ? composeServices(file) : []) {
    const b = serviceBuild(model, file as NonNullable<typeof file>, s);
    if (b) return b.dockerfile.path;
  }
  return undefined;
}

/**
 * Finds, for each artifact gopave generates, the file the repo already has that a tool would
 * read for the same purpose: compose's default file, golangci-lint's config, the dev container,
 * the root Dockerfile (or the one its compose file builds), and CI that runs the Go tests.
 */
export function findKeptFiles(root: string, model: RepoModel): KeptFiles {
  const notes: string[] = [];
  const composes = COMPOSE_FILE_NAMES.filter((p) => existsSync(join(root, p)));
  const compose = composeFileInUse(root);
  if (composes.length > 1) {
    notes.push(`docker compose reads ${compose}, not ${composes.slice(1).join(", ")}`);
  }
  const golangci = firstExisting(root, GOLANGCI_FILES);
  const nested = listDir(root, ".devcontainer")
    .map((d) => `.devcontainer/${d}/devcontainer.json`)
    .filter((p) => existsSync(join(root, p)));
  const devcontainer = firstExisting(root, DEVCONTAINER_FILES) ?? nested[0];
  const workflows = listDir(root, ".github/workflows")
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `.github/workflows/${f}`);
  const woodpecker = listDir(root, ".woodpecker")
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `.woodpecker/${f}`);
  const ci = [
    ...testingWorkflows(root, model),
    ...[...OTHER_CI.filter((p) => existsSync(join(root, p))), ...woodpecker].filter((p) =>
      runsGoTests(root, read(root, p)),
    ),
  ];
  return {
    ...(compose ? { compose } : {}),
    ...(() => {
      const d = keptDockerfile(root, model, compose);
      return d ? { dockerfile: d } : {};
    })(),
    ...(devcontainer ? { devcontainer } : {}),
    ...(golangci ? { golangci, golangciFormat: golangciFormat(read(root, golangci)) } : {}),
    ...(ci.length > 0 ? { ci } : {}),
    github: workflows.length > 0,
    ...(pinsGopave(read(root, "package.json")) ? { gopaveDependency: true } : {}),
    notes,
  };
}
