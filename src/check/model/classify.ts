import { posix } from "node:path";
import { isMakefileName } from "./scripts.js";

export type FileKind =
  | "gomod"
  | "gowork"
  | "dockerfile"
  /** Named like a Dockerfile but not exactly `Dockerfile`/`Containerfile`: one if it has a FROM. */
  | "maybe-dockerfile"
  | "dockerignore"
  | "devcontainer"
  | "compose"
  | "workflow"
  /** A composite action of the repo's own (.github/actions/<name>/action.yml). */
  | "action"
  /** A Woodpecker CI workflow: .woodpecker.y(a)ml, or any YAML file under .woodpecker/. */
  | "woodpecker"
  | "gitlab"
  | "goreleaser"
  | "launch"
  | "golangci"
  | "go-version"
  | "tool-versions"
  | "mise"
  | "shell"
  | "makefile"
  /** A Terraform file: *.tf (a module's code) or *.tfvars (its variable values). */
  | "terraform"
  /** A *.tftpl or *.tpl template: read as a Terraform module's user data when a .tf file is beside it. */
  | "terraform-template"
  /** A Tiltfile (Starlark), by its name; the files it loads are read through it. */
  | "tiltfile"
  /** Extension-less file under a scripts/ directory: a shell script only if its shebang says so. */
  | "maybe-shell"
  /**
   * Any other YAML file: a compose file when its content is one (a top-level `services` map of
   * images and builds), whatever its name, or GitLab CI when .gitlab-ci.yml includes it.
   */
  | "yaml"
  | "spec";

/**
 * Directories never worth descending into: VCS data, dependencies (.terraform/ holds the
 * providers and modules `terraform init` downloaded), fixtures of Go tests. Every
 * other dot directory is walked (.docker/, .github/, .gitlab/, .circleci/, .devcontainer/<x>/):
 * repos keep build files there, and .gitignore says what is not the repo's.
 */
const SKIP_DIRS = new Set([
  ".git",
  ".hg",
  ".svn",
  ".jj",
  "node_modules",
  "vendor",
  "testdata",
  ".terraform",
]);

export function skipDir(name: string): boolean {
  return SKIP_DIRS.has(name);
}

const ROOT_FILES: Record<string, FileKind> = {
  "go.work": "gowork",
  ".devcontainer.json": "devcontainer",
  ".devcontainer/devcontainer.json": "devcontainer",
  ".gitlab-ci.yml": "gitlab",
  ".gitlab-ci.yaml": "gitlab",
  "gopave.yaml": "spec",
};

const BASENAMES: Record<string, FileKind> = {
  // golangci-lint looks in the directory it runs in: a module below the root may have its own.
  ".golangci.yml": "golangci",
  ".golangci.yaml": "golangci",
  ".golangci.json": "golangci",
  "go.mod": "gomod",
  ".dockerignore": "dockerignore",
  ".go-version": "go-version",
  ".tool-versions": "tool-versions",
  "mise.toml": "mise",
  ".mise.toml": "mise",
};

/** What a repo-relative POSIX path is to the model; undefined for files it does not read. */
export function classifyPath(path: string): FileKind | undefined {
  const root = ROOT_FILES[path];
  if (root) return root;
  const base = posix.basename(path);
  const byName = BASENAMES[base];
  if (byName) return byName;
  const dir = posix.dirname(path);
  if (/^\.devcontainer\/[^/]+\/devcontainer\.json$/.test(path)) return "devcontainer";
  if (dir === ".github/workflows" && /\.ya?ml$/.test(base)) return "workflow";
  if (/^\.github\/actions\/.+\/action\.ya?ml$/.test(path)) return "action";
  if (/^\.woodpecker(?:\.ya?ml|\/.+\.ya?ml)$/.test(path)) return "woodpecker";
  if (base === "launch.json" && (dir === ".vscode" || dir.endsWith("/.vscode"))) return "launch";
  if (/^(?:docker-)?compose(?:[.-][^/]*)?\.ya?ml$/.test(base)) return "compose";
  if (/^\.?goreleaser(?:[._-][^/]*)?\.ya?ml$/i.test(base)) return "goreleaser";
  if (base.endsWith(".dockerignore")) return "dockerignore";
  if (base === "Tiltfile") return "tiltfile";
  if (/\.(?:tf|tfvars)$/.test(base)) return "terraform";
  if (/\.(?:tftpl|tpl)$/i.test(base)) return "terraform-template";
  const dockerfile = dockerfileName(base);
  if (dockerfile) return dockerfile;
  if (/\.(?:sh|bash)$/.test(base)) return "shell";
  if (isMakefileName(path)) return "makefile";
  if (!base.includes(".") && /(?:^|\/)scripts(?:\/|$)/.test(dir)) return "maybe-shell";
  if (/\.ya?ml$/i.test(base)) return "yaml";
  return undefined;
}

/** Docs, editor leftovers, templates (whose `{{ }}` is not Dockerfile syntax) and code are not builds. */
const NOT_A_DOCKERFILE =
  /\.(?:md|txt|orig|bak|rej|swp|tmpl|tpl|j2|jinja2?|gotmpl|erb|js|mjs|cjs|ts|json|go|py|rb|ya?ml|toml|html?|css|svg|png|lock|sum|patch|diff)$/i;

/**
 * docker build -f takes any name; these are the ones people give Dockerfiles: Dockerfile and
 * Containerfile, with a `.x`, `-x` or `_x` suffix (Dockerfile.dev, Dockerfile-build,
 * Dockerfile_debug), or as an extension (api.Dockerfile, dev.dockerfile), in any case. Only the
 * exact names are taken on their name alone; the others must have a FROM line (a
 * `dockerfile.min.js` syntax highlighter is not a build).
 */
function dockerfileName(base: string): "dockerfile" | "maybe-dockerfile" | undefined {
  if (/^(?:Dockerfile|Containerfile)$/i.test(base)) return "dockerfile";
  if (NOT_A_DOCKERFILE.test(base)) return undefined;
  return /^(?:Dockerfile|Containerfile)[._-][^/]+$|^[^/]+[.-](?:Dockerfile|Containerfile)$/i.test(
    base,
  )
    ? "maybe-dockerfile"
    : undefined;
}

/** A Dockerfile has a FROM instruction at the start of a line (instructions are case-insensitive). */
export function hasFromInstruction(text: string): boolean {
  return /^[ \t]*FROM[ \t]+\S/im.test(text);
}
