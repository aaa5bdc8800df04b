import { KNOWN_TOOLS } from "../spec/tools.js";
import type { ResolvedTool } from "../spec/tools.js";
import { developerEnv, goToolchainValue } from "./module-env.js";
import type { GeneratedFile, Generator } from "./types.js";

/**
 * Module roots of the known tools: `go version -m` names the module, not the package, and the
 * module root cannot be derived from a package path without a download.
 */
const KNOWN_MODULES: Record<string, string> = {
  gopls: "golang.org/x/tools/gopls",
  dlv: "github.com/go-delve/delve",
  "golangci-lint": "github.com/golangci/golangci-lint/v2",
  gofumpt: "mvdan.cc/gofumpt",
  staticcheck: "honnef.co/go/tools",
  revive: "github.com/mgechev/revive",
  gosec: "github.com/securego/gosec/v2",
  actionlint: "github.com/rhysd/actionlint",
};

/** Single-quoted for sh: nothing inside is expanded. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The file `go install` writes: the last path element, skipping a major-version suffix. */
export function binaryName(pkg: string): string {
  const parts = pkg.split("/");
  const last = parts[parts.length - 1] ?? pkg;
  return /^v\d+$/.test(last) && parts.length > 1 ? (parts[parts.length - 2] ?? last) : last;
}

/** The module a tool's binary must report; "" when unknown (then any prefix of the package). */
export function toolModule(tool: ResolvedTool): string {
  return KNOWN_TOOLS[tool.name] === tool.package ? (KNOWN_MODULES[tool.name] ?? "") : "";
}

type Policy = "local" | "auto" | "path" | undefined;

export const generateSetupScript: Generator = (ctx): GeneratedFile[] => {
  const { spec } = ctx;
  const want = `go${spec.go.version}`;
  const policy: Policy = spec.go.toolchain;
  const toolchain = goToolchainValue(spec);
  // GOTOOLCHAIN goes last: once it selects a toolchain to download, the download should
  // already go through the spec's GOPROXY. Without go.toolchain it is not written at all.
  const env = developerEnv(spec);
  const ordered = [
    ...env.filter(([k]) => k !== "GOTOOLCHAIN"),
    ...env.filter(([k]) => k === "GOTOOLCHAIN"),
  ];
  const text = [
    ...header(want, policy === undefined),
    ...(policy !== undefined ? versionCheck(policy, want, toolchain) : []),
    ...ENV_FUNCTIONS,
    ...ordered.map(([k, v]) => `ensure_env ${k} ${shQuote(v)}`),
    "",
    ...(policy !== undefined ? effectiveCheck(want, policy) : repoGoCheck(want)),
    ...TOOL_FUNCTIONS,
    ...ctx.tools.map(
      (t) =>
        `ensure_tool ${shQuote(t.name)} ${shQuote(binaryName(t.package))} ${shQuote(t.package)} ${shQuote(toolModule(t))} ${shQuote(t.version)}`,
    ),
    "",
    ...FOOTER,
  ].join("\n");
  return [{ path: "scripts/setup-go-env.sh", format: "text", text, executable: true }];
};

function header(want: string, needsRepo: boolean): string[] {
  return [
    "#!/bin/sh",
    "# Brings this machine's Go in line with gopave.yaml: the Go release, the go env defaults",
    "# (written with go env -w) and the pinned tools. Safe to re-run: it changes only what differs",
    "# and ends with a table of what was already right and what it changed.",
    "set -eu",
    "",
    `want_go=${want}`,
    "changes=0",
    "conflicts=0",
    "rows=''",
    "",
    "row() {",
    `  rows="$rows$(printf '  %-9s %-16s %s' "$1" "$2" "$3")`,
    '"',
    "}",
    "",
    ...(needsRepo
      ? [
          "# The repo this script belongs to (scripts/..), before leaving it.",
          'repo=$(cd "$(dirname "$0")/.." && pwd)',
        ]
      : []),
    "# A go.mod or go.work around the caller must not pick the toolchain or change what go env",
    "# reports: this sets up the machine, not a module.",
    "cd /",
    "",
    "if ! command -v go >/dev/null 2>&1; then",
    `  echo "setup-go-env: go is not on PATH. Install $want_go from https://go.dev/dl/ and re-run." >&2`,
    "  exit 1",
    "fi",
    "# The installed toolchain, whatever GOTOOLCHAIN would switch to.",
    "have_go=$(GOTOOLCHAIN=local go env GOVERSION)",
    "",
  ];
}

function versionCheck(
  policy: "local" | "auto" | "path",
  want: string,
  toolchain: string,
): string[] {
  const lines = ['if [ "$have_go" != "$want_go" ]; then'];
  if (policy === "local") {
    lines.push(
      '  echo "setup-go-env: this machine runs $have_go, gopave.yaml pins $want_go with GOTOOLCHAIN=local (never switch)." >&2',
      '  echo "  Install $want_go from https://go.dev/dl/ and put it first on PATH, or set go.toolchain: auto in gopave.yaml." >&2',
      "  exit 1",
    );
  } else if (policy === "auto") {
    lines.push(
      `  echo "setup-go-env: this machine has $have_go; GOTOOLCHAIN=${toolchain} makes the go command download $want_go and run it."`,
    );
  } else {
    lines.push(
      `  if ! command -v ${want} >/dev/null 2>&1; then`,
      `    echo "setup-go-env: GOTOOLCHAIN=${toolchain} runs $want_go from PATH and never downloads it, and it is not on PATH." >&2`,
      `    echo "  Get it with the go command's own toolchain download (through GOPROXY, checksum-verified), then link it onto PATH:" >&2`,
      `    echo "    GOTOOLCHAIN=$want_go go version && ln -s \\"\\$(GOTOOLCHAIN=$want_go go env GOROOT)/bin/go\\" \\"\\$(go env GOPATH)/bin/$want_go\\"" >&2`,
      '    echo "  or install it from https://go.dev/dl/ as $want_go on PATH, or set go.toolchain: auto in gopave.yaml." >&2',
      "    exit 1",
      "  fi",
    );
  }
  lines.push("fi", "");
  return lines;
}

/** Settings that conflict with the spec stop the script before anything is checked further. */
const STOP_ON_CONFLICTS = [
  'if [ "$conflicts" -gt 0 ]; then',
  "  printf '%s' \"$rows\"",
  '  echo "setup-go-env: fix the conflicts above and re-run." >&2',
  "  exit 1",
  "fi",
  "",
];

/**
 * Without go.toolchain the script writes no GOTOOLCHAIN, so what matters is the Go this repo
 * gets with the developer's own setting (a go.mod toolchain line may switch to it). When that is
 * not go.version, it says how to get it rather than change a setting every repo shares.
 */
function repoGoCheck(want: string): string[] {
  return [
    ...STOP_ON_CONFLICTS,
    "# The Go the go command runs in this repo, with this machine's own GOTOOLCHAIN (left as it is).",
    'eff_go=$(cd "$repo" && go env GOVERSION) || eff_go="none (go env failed in $repo)"',
    'if [ "$eff_go" != "$want_go" ]; then',
    '  echo "setup-go-env: go runs $eff_go in this repo (installed: $have_go, GOTOOLCHAIN=$(go env GOTOOLCHAIN)); gopave.yaml pins $want_go." >&2',
    `  echo "  This script leaves GOTOOLCHAIN alone: go env -w would change it for every repo on this machine." >&2`,
    `  echo "  Get ${want} in one of these ways:" >&2`,
    `  echo "  - the go command downloads it (through GOPROXY, checksum-verified) and runs it when asked:" >&2`,
    '  echo "      export GOTOOLCHAIN=$want_go   (in this shell, or in a direnv .envrc for this repo only)" >&2',
    '  echo "  - install $want_go from https://go.dev/dl/ and put it first on PATH" >&2',
    '  echo "  - set go.toolchain: auto in gopave.yaml: this script then writes GOTOOLCHAIN=$want_go+auto for your user" >&2',
    "  exit 1",
    "fi",
    'if [ "$have_go" = "$want_go" ]; then row ok go "$eff_go"; else row ok go "$eff_go (switched by GOTOOLCHAIN; installed: $have_go)"; fi',
    "# Tools are built by the pinned Go: for this script's own go commands, nothing is written.",
    "GOTOOLCHAIN=$want_go",
    "export GOTOOLCHAIN",
    "",
  ];
}

const ENV_FUNCTIONS = [
  "# Writes a go env default unless go env already reports the wanted value. A variable the",
  "# shell exports wins over the go env file, so writing the file would change nothing: that is",
  "# reported instead.",
  "ensure_env() {",
  '  have=$(go env "$1")',
  '  if [ "$have" = "$2" ]; then',
  '    row ok "$1" "$2"',
  '  elif env | grep "^$1=" >/dev/null; then',
  `    row conflict "$1" "your shell exports $1='$have'; unset it or set it to '$2'"`,
  "    conflicts=$((conflicts + 1))",
  "  else",
  '    go env -w "$1=$2"',
  `    row changed "$1" "'$have' -> '$2'"`,
  "    changes=$((changes + 1))",
  "  fi",
  "}",
  "",
];

function effectiveCheck(want: string, policy: "local" | "auto" | "path"): string[] {
  return [
    ...STOP_ON_CONFLICTS,
    "# What the go command now runs by default, after any toolchain switch.",
    "eff_go=$(go env GOVERSION)",
    'if [ "$eff_go" != "$want_go" ]; then',
    `  echo "setup-go-env: go runs $eff_go, not ${want}. Check GOTOOLCHAIN ($(go env GOTOOLCHAIN))." >&2`,
    "  exit 1",
    "fi",
    policy === "local"
      ? 'row ok go "$eff_go"'
      : 'if [ "$have_go" = "$want_go" ]; then row ok go "$eff_go"; else row ok go "$eff_go (via GOTOOLCHAIN; installed: $have_go)"; fi',
    "",
  ];
}

const TOOL_FUNCTIONS = [
  "gobin=$(go env GOBIN)",
  'if [ -z "$gobin" ]; then',
  "  gopath=$(go env GOPATH)",
  "  gobin=${gopath%%:*}/bin",
  "fi",
  "exe=$(go env GOEXE)",
  "",
  "# Prints the module version binary $1 was built from, if it was built from package $2 of",
  "# module $3. An empty $3 accepts any module whose path is a prefix of the package.",
  "built_version() {",
  `  go version -m "$1" 2>/dev/null | awk -F '\\t' -v pkg="$2" -v mod="$3" '`,
  '    $2 == "path" { inpkg = ($3 == pkg) }',
  '    $2 == "mod" && inpkg && (mod == "" ? (pkg == $3 || index(pkg, $3 "/") == 1) : $3 == mod) { print $4; exit }',
  "  ' || true",
  "}",
  "",
  "# name, binary, package, module, version",
  "ensure_tool() {",
  '  bin="$gobin/$2$exe"',
  '  have=$(built_version "$bin" "$3" "$4")',
  '  if [ "$have" = "$5" ]; then',
  '    row ok "$1" "$5"',
  "    return",
  "  fi",
  '  echo "setup-go-env: go install $3@$5"',
  '  if ! go install "$3@$5"; then',
  '    echo "setup-go-env: go install $3@$5 failed" >&2',
  "    exit 1",
  "  fi",
  '  now=$(built_version "$bin" "$3" "$4")',
  '  if [ "$now" != "$5" ]; then',
  '    echo "setup-go-env: $bin reports ${now:-no module version} after installing $5" >&2',
  "    exit 1",
  "  fi",
  '  row changed "$1" "${have:-missing} -> $5"',
  "  changes=$((changes + 1))",
  "}",
  "",
];

const FOOTER = [
  'case ":$PATH:" in',
  '*":$gobin:"*) ;;',
  '*) row note PATH "$gobin is not on PATH: add it to run the tools" ;;',
  "esac",
  "",
  'echo "gopave setup ($want_go):"',
  "printf '%s' \"$rows\"",
  'if [ "$changes" -eq 0 ]; then',
  '  echo "Nothing changed: this machine already matches gopave.yaml."',
  "else",
  '  echo "Changed $changes setting(s) or tool(s)."',
  "fi",
  "",
];
