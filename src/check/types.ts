import type { Dockerfile } from "dockerfile-ast";
import type { GoModFile } from "../gomod/gomod-file.js";
import type { GoWorkFile } from "../gomod/gowork-file.js";
import type { LoadedSpec } from "../spec/load.js";
import type { GopaveError } from "../util/errors.js";

/**
 * The contract between `gopave check`'s repo model, its rules and its output. Rules are pure:
 * `(RuleContext) -> RuleFinding[]`, one rule per file under src/check/rules/.
 */

export type Severity = "error" | "warning" | "note";

export interface Related {
  file: string;
  line: number;
  message?: string;
}

/** A finding as printed: paths relative to the repo root, POSIX separators, lines 1-based. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  message: string;
  related?: Related[];
}

/** What a rule returns; the runner adds rule id and severity (a rule may lower/raise one). */
export interface RuleFinding {
  file: string;
  line: number;
  message: string;
  related?: Related[];
  severity?: Severity;
}

export interface RuleDoc {
  /** Why it matters, in a few sentences. */
  why: string;
  /** How to fix it. */
  fix: string;
  /** A minimal before/after, in the file type the rule reads. */
  example: { file: string; bad: string; good: string };
}

export interface Rule {
  /** Stable id: two upper-case letters and three digits, e.g. "DF003". */
  id: string;
  severity: Severity;
  /** One line, e.g. "sources copied before go mod download". */
  title: string;
  doc: RuleDoc;
  check(ctx: RuleContext): RuleFinding[] | Promise<RuleFinding[]>;
}

export interface RuleContext {
  model: RepoModel;
  /** Whether a module@version is served by the public module proxy: true / false, or undefined
   * when unknown (offline and no heuristic verdict). Answers are cached between runs. */
  isPublicModule(path: string, version: string): Promise<boolean | undefined>;
}

/** Any file the model read. Lines are 1-based: `lines[n - 1]` is line n. */
export interface TextFile {
  /** Relative to the repo root, POSIX separators. */
  path: string;
  text: string;
  lines: string[];
}

/** A YAML or JSON(C) file with its data and a way back from a data path to a line. */
export interface StructuredFile extends TextFile {
  data: unknown;
  /** Line of the key (or item) at `path`; the nearest existing parent's line when absent. */
  lineOf(path: readonly (string | number)[]): number;
}

export interface GoModModel extends TextFile {
  /** Module directory relative to the repo root ("." for the root). */
  dir: string;
  mod: GoModFile;
}

export interface GoWorkModel extends TextFile {
  work: GoWorkFile;
}

export interface DockerfileModel extends TextFile {
  ast: Dockerfile;
}

export interface DockerignoreModel extends TextFile {
  patterns: { pattern: string; line: number; negated: boolean }[];
}

/** .go-version, .tool-versions or mise.toml: where they pin Go. */
export interface VersionPinFile extends TextFile {
  kind: "go-version" | "tool-versions" | "mise";
  go: { version: string; line: number } | undefined;
}

/** A shell script or Makefile that sets up Go (`go env -w`, `go install`, exported GO* vars). */
export interface ScriptModel extends TextFile {
  kind: "shell" | "makefile";
  goEnvWrites: { name: string; value: string; line: number }[];
  goInstalls: { target: string; version: string | undefined; line: number }[];
  exports: { name: string; value: string; line: number }[];
}

export interface SpecModel extends TextFile {
  loaded: LoadedSpec | undefined;
  error: GopaveError | undefined;
}

export interface RepoModel {
  root: string;
  /** Every go.mod of the repo (root first, then by dir), excluding vendor/ and testdata/. */
  gomods: GoModModel[];
  gowork: GoWorkModel | undefined;
  /** Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile anywhere. */
  dockerfiles: DockerfileModel[];
  /** .dockerignore files (and <name>.Dockerfile.dockerignore). */
  dockerignores: DockerignoreModel[];
  /** .devcontainer/devcontainer.json, .devcontainer.json, .devcontainer/<x>/devcontainer.json (JSONC). */
  devcontainers: StructuredFile[];
  /** compose*.y(a)ml and docker-compose*.y(a)ml. */
  composes: StructuredFile[];
  /** .github/workflows/*.y(a)ml */
  workflows: StructuredFile[];
  gitlab: StructuredFile | undefined;
  /** .vscode/launch.json (JSONC) */
  launches: StructuredFile[];
  /** .golangci.y(a)ml / .golangci.json */
  golangci: StructuredFile | undefined;
  versionPins: VersionPinFile[];
  scripts: ScriptModel[];
  spec: SpecModel | undefined;
  /** Files that could not be parsed: reported by rule PA001, never a crash. */
  malformed: { path: string; line: number; message: string }[];
  /**
   * Reads any repo file by relative POSIX path (undefined when absent), for the few rules that
   * need a file the model does not parse (drift against generated files, go.sum presence).
   * Set by buildModel (disk) and modelFromFiles (the given files).
   */
  readFile?: (path: string) => string | undefined;
}
