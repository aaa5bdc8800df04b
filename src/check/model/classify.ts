import { posix } from "node:path";
import { isMakefileName } from "./scripts.js";

export type FileKind =
  | "gomod"
  | "gowork"
  | "dockerfile"
  | "dockerignore"
  | "devcontainer"
  | "compose"
  | "workflow"
  | "gitlab"
  | "launch"
  | "golangci"
  | "go-version"
  | "tool-versions"
  | "mise"
  | "shell"
  | "makefile"
  /** Extension-less file under a scripts/ directory: a shell script only if its shebang says so. */
  | "maybe-shell"
  | "spec";

/** Directories never worth descending into: VCS data, dependencies, fixtures of Go tests. */
const SKIP_DIRS = new Set(["node_modules", "vendor", "testdata"]);
const DOT_DIRS_KEPT = new Set([".github", ".devcontainer", ".vscode", ".gopave"]);

export function skipDir(name: string): boolean {
  if (SKIP_DIRS.has(name)) return true;
  return name.startsWith(".") && !DOT_DIRS_KEPT.has(name);
}

const ROOT_FILES: Record<string, FileKind> = {
  "go.work": "gowork",
  ".devcontainer.json": "devcontainer",
  ".devcontainer/devcontainer.json": "devcontainer",
  ".gitlab-ci.yml": "gitlab",
  ".gitlab-ci.yaml": "gitlab",
  ".golangci.yml": "golangci",
  ".golangci.yaml": "golangci",
  ".golangci.json": "golangci",
  "gopave.yaml": "spec",
};

const BASENAMES: Record<string, FileKind> = {
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
  if (base === "launch.json" && (dir === ".vscode" || dir.endsWith("/.vscode"))) return "launch";
  if (/^(?:docker-)?compose(?:[.-][^/]*)?\.ya?ml$/.test(base)) return "compose";
  if (base.endsWith(".dockerignore")) return "dockerignore";
  if (isDockerfileName(base)) return "dockerfile";
  if (/\.(?:sh|bash)$/.test(base)) return "shell";
  if (isMakefileName(path)) return "makefile";
  if (!base.includes(".") && /(?:^|\/)scripts(?:\/|$)/.test(dir)) return "maybe-shell";
  return undefined;
}

/** Docs, editor leftovers and templates (whose `{{ }}` is not Dockerfile syntax) are not builds. */
const NOT_A_DOCKERFILE = /\.(?:md|txt|orig|bak|rej|swp|tmpl|tpl|j2|jinja2?|gotmpl|erb)$/i;

function isDockerfileName(base: string): boolean {
  if (NOT_A_DOCKERFILE.test(base)) return false;
  // docker build -f takes any name; these are the ones people give Dockerfiles.
  return /^(?:Dockerfile|Containerfile)(?:[.-][^/]+)?$|^[^/]+\.(?:Dockerfile|Containerfile)$/i.test(
    base,
  );
}
