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

/** A string value of an HCL attribute, with its line; `value` is undefined when not a literal string. */
export interface TerraformValue {
  value: string | undefined;
  line: number;
}

/** One entry of a `terraform { required_providers { ... } }` block. */
export interface TerraformProviderRequirement {
  name: string;
  line: number;
  /** `source = "..."`; undefined when absent (or in the legacy `name = "1.2.3"` form). */
  source: string | undefined;
  /** The version constraint: `version = "..."`, or the string of the legacy form; undefined when absent. */
  version: TerraformValue | undefined;
  /** `name = "1.2.3"` (Terraform 0.12's form) rather than `name = { ... }`. */
  legacy: boolean;
}

/** A `variable "NAME" { default = ... }` block. */
export interface TerraformVariable {
  name: string;
  line: number;
  /** The default when it is given; `value` undefined when it is not a literal string. */
  default: TerraformValue | undefined;
}

/**
 * A file of a hand-written or generated Terraform module: its `.tf` files, its `.tfvars`, and the
 * files beside them (or named by `templatefile`/`file("${path.module}/...")`) that hold user data
 * or provisioning: templates (.tftpl, .tpl), `#cloud-config` YAML and shell scripts.
 */
export interface TerraformFile extends TextFile {
  /** The module directory (the directory of its .tf files), relative to the repo root ("." for the root). */
  dir: string;
  kind: "tf" | "tfvars" | "template" | "cloud-config" | "shell" | "referenced";
  /** Carries gopave's generated-file marker (gopave's own devbox/ module). */
  generated: boolean;
  /** Entries of `terraform { required_providers { } }` blocks (.tf files only). */
  providers: TerraformProviderRequirement[];
  /** `variable` blocks (.tf files only). */
  variables: TerraformVariable[];
  /** Top-level attribute names a .tfvars file assigns, with their lines. */
  assigns: { name: string; line: number }[];
}

/** A value a hand-written Tiltfile hands to a build or a command as an environment variable. */
export interface TiltSetting {
  name: string;
  /** As written, top-level string variables resolved (`$X` in a command string kept as written). */
  value: string;
  line: number;
  /**
   * How it is passed: an entry of a `build_args`, `env` or `serve_env` dict, a `NAME=value`
   * prefix (or `export`) in a command string, or a `--build-arg NAME=value` in one.
   */
  via: "build_args" | "env" | "serve_env" | "command" | "build-arg";
  /** Where, for messages: "docker_build('api') build_args", "local_resource('go-test') cmd". */
  where: string;
  /** The top-level variable a dict entry takes its value from (`'GO_VERSION': GO`), and its line. */
  variable?: { name: string; line: number };
}

/**
 * A Tiltfile (Starlark): `Tiltfile` anywhere, and the .tiltfile/.star files and Tiltfiles they
 * `load()` or `include()`.
 */
export interface TiltFile extends TextFile {
  /** Carries gopave's generated-file marker (gopave's own Tiltfile, covered by GP001). */
  generated: boolean;
  /** The Tiltfile that loads or includes it; undefined for one found by its name. */
  loadedBy: string | undefined;
  /** Repo files it loads or includes (.tiltfile, .star, Tiltfile), resolved from its directory. */
  loads: string[];
  settings: TiltSetting[];
}

/** One `builds` entry of a GoReleaser config (Go builder), as GoReleaser runs it. */
export interface GoReleaserBuild {
  /** Index in `builds` and the line of the entry. */
  index: number;
  line: number;
  id: string | undefined;
  /** `go` unless `builder` says otherwise (rust, zig, prebuilt...). */
  builder: string;
  skip: boolean;
  /** Main package or file (default "."), and `dir`, the working directory (default "."). */
  main: string;
  dir: string;
  binary: string | undefined;
  /**
   * The go command the build runs: `tool` (GoReleaser v2.5+), `gobinary` (before) or
   * `go_version`, e.g. "go1.22.5"; undefined when it is `go` from PATH.
   */
  goBinary: { value: string; key: string; line: number } | undefined;
  flags: string[];
  ldflags: string[];
  tags: string[];
  /** `env` entries, NAME=value (templated values kept as written). */
  env: { name: string; value: string; line: number }[];
  goos: string[];
  goarch: string[];
}

/** One `dockers` or `dockers_v2` entry: an image GoReleaser builds from its own binaries. */
export interface GoReleaserDocker {
  section: "dockers" | "dockers_v2";
  index: number;
  line: number;
  /** As written (default "Dockerfile"), relative to where GoReleaser runs. */
  dockerfile: string;
  /** `image_templates` (dockers), or `images` with each of `tags` (dockers_v2). */
  images: string[];
  /** `build_flag_templates` (dockers), or `--build-arg K=V` from `build_args` (dockers_v2). */
  buildFlags: string[];
  /** `extra_files` / `files`: repo files copied into the build context beside the binaries. */
  extraFiles: string[];
  /** Build ids whose binaries go into the image (all when empty). */
  ids: string[];
}

/** .goreleaser.y(a)ml, goreleaser.y(a)ml, .config/goreleaser.yaml or a named variant. */
export interface GoReleaserModel extends StructuredFile {
  /** `version: 2` for GoReleaser v2 configs; undefined before. */
  version: number | undefined;
  /** Top-level `env`, applied to every build. */
  env: { name: string; value: string; line: number }[];
  builds: GoReleaserBuild[];
  dockers: GoReleaserDocker[];
}

/** Where the model learnt that a Dockerfile is built with a context. */
export type BuildSourceKind =
  | "compose"
  | "devcontainer"
  | "workflow"
  | "gitlab"
  | "woodpecker"
  | "makefile"
  | "script"
  | "goreleaser"
  | "default";

/**
 * One way the repo builds an image: a Dockerfile, the context it is built with and the ignore
 * file Docker applies to that context. Rules judge a .dockerignore only through these.
 */
export interface DockerBuild {
  /** A Dockerfile of `model.dockerfiles`. */
  dockerfile: string;
  /**
   * The context directory relative to the repo root ("." for the root); undefined when the
   * context is not a directory of the repo — GoReleaser builds in a staging directory that holds
   * only its binaries and `extra_files`.
   */
  context: string | undefined;
  /**
   * The ignore file Docker reads for this build, when there is one: `<Dockerfile>.dockerignore`
   * beside the Dockerfile, which wins, else `<context>/.dockerignore`.
   */
  dockerignore: string | undefined;
  /** The file and line that build it (the Dockerfile itself for the default). */
  source: { kind: BuildSourceKind; file: string; line: number };
  /** The stage built, when the source names one (`--target`, compose `target`). */
  target?: string;
  /**
   * The image names the build tags, as written (`grafana/tempo-debug`, `registry.example.com/org/app:1.2`):
   * compose `image:` beside `build:`, `-t`/`--tag`, build-push-action `tags`, GoReleaser image
   * templates. A part the source sets through a variable it does not resolve is a `*` glob
   * (`registry.example.com/org/app:*`); a name whose last path segment would be all glob is left out.
   */
  images: string[];
}

/** A file the model read, and what it read it as (the files list of `check --format json`). */
export interface ReadFileEntry {
  path: string;
  kind: string;
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
  /**
   * Dockerfile and Containerfile anywhere, and Dockerfile.*, Dockerfile-*, Dockerfile_*,
   * *.Dockerfile, *.dockerfile (any case) with a FROM line.
   */
  dockerfiles: DockerfileModel[];
  /** .dockerignore files, and `<Dockerfile>.dockerignore` beside a Dockerfile. */
  dockerignores: DockerignoreModel[];
  /** .devcontainer/devcontainer.json, .devcontainer.json, .devcontainer/<x>/devcontainer.json (JSONC). */
  devcontainers: StructuredFile[];
  /** compose*.y(a)ml and docker-compose*.y(a)ml, and any YAML file whose content is compose. */
  composes: StructuredFile[];
  /** .github/workflows/*.y(a)ml */
  workflows: StructuredFile[];
  /** The repo's own composite actions, .github/actions/<name>/action.y(a)ml. */
  actions: StructuredFile[];
  /** Woodpecker CI workflows (.woodpecker.y(a)ml, .woodpecker/*.y(a)ml): read for the images they build. */
  woodpeckers: StructuredFile[];
  /** .gitlab-ci.yml (or .yaml) at the root. */
  gitlab: StructuredFile | undefined;
  /** Files .gitlab-ci.yml includes with `include: local` (nested includes too), in include order. */
  gitlabIncludes: StructuredFile[];
  /** GoReleaser configs (usually one). */
  goreleasers: GoReleaserModel[];
  /** Which Dockerfile is built with which context and .dockerignore, from every source found. */
  builds: DockerBuild[];
  /** .vscode/launch.json (JSONC) */
  launches: StructuredFile[];
  /** The root's .golangci.y(a)ml / .golangci.json, the first in golangci-lint's lookup order. */
  golangci: StructuredFile | undefined;
  /** The config golangci-lint uses in each directory that has one (root first), modules below too. */
  golangciConfigs: StructuredFile[];
  versionPins: VersionPinFile[];
  scripts: ScriptModel[];
  /**
   * Terraform modules (any directory with .tf files, .terraform/ excluded): the .tf and .tfvars
   * files and the user-data and provisioning files beside them, sorted by path.
   */
  terraform: TerraformFile[];
  /**
   * Hand-written and generated Tiltfiles, with the files they load or include, sorted by path;
   * what they pass to builds and commands as Go environment.
   */
  tiltfiles: TiltFile[];
  spec: SpecModel | undefined;
  /** Every file read, sorted by path, with what it was read as (compose, dockerfile...). */
  files: ReadFileEntry[];
  /**
   * How the files were found: `git ls-files` in a work tree, the .gitignore-aware walk, or the
   * files given to modelFromFiles; `truncated` when a limit stopped discovery early.
   */
  discovery: { method: "git" | "walk" | "files"; truncated: boolean };
  /** Files that could not be parsed: reported by rule PA001, never a crash. */
  malformed: { path: string; line: number; message: string }[];
  /**
   * Reads any repo file by relative POSIX path (undefined when absent), for the few rules that
   * need a file the model does not parse (drift against generated files, go.sum presence).
   * Set by buildModel (disk) and modelFromFiles (the given files).
   */
  readFile?: (path: string) => string | undefined;
}
