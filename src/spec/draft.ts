import type { Detection } from "../detect/index.js";
import { compareGoVersions } from "../gomod/go-version.js";
import { draftApps } from "./draft-apps.js";
import type { SpecInput } from "./schema.js";
import { draftServices } from "./draft-services.js";
import { draftWasm } from "./draft-wasm.js";
import { DEFAULT_TOOLS, defaultToolPin } from "./tools.js";
import type { SpecComments } from "./spec-yaml.js";

export interface SpecDraft {
  spec: SpecInput;
  comments: SpecComments;
  /** Things the user should know about the draft (missing pins, guesses). */
  notes: string[];
}

const SOURCE_TEXT: Record<Detection["goVersionSource"], string> = {
  toolchain: "from go.mod's toolchain line",
  "go-line": "go.mod's go line, which names this release",
  "kept-files": "the Go the repo's Dockerfiles, CI or version files name",
  local: "the local go, which satisfies go.mod's go line (nothing else names a release)",
  "go-line-minimum": "go.mod's go line (nothing names a release, and no newer local go)",
};

/** ci: the provider whose files the repo uses, on the branch git says is the default. */
function draftCi(d: Detection, notes: string[]): NonNullable<SpecInput["ci"]> {
  const branches = [d.branch.branch];
  if (d.branch.gitRoot !== undefined && d.branch.gitRoot !== ".") {
    notes.push(
      "this module is not at the top of its git checkout, and CI systems read their files only there: " +
        "gopave writes no CI file; run `npx gopave sync --check` in this folder from your CI",
    );
    return { provider: "none", branches };
  }
  const kept = d.kept.ci ?? [];
  const gopave = d.kept.gopaveDependency ? { gopave: "devDependency" as const } : {};
  if (kept.length === 0 || d.kept.github) return { provider: "github", branches, ...gopave };
  if (kept.some((p) => p.startsWith(".gitlab-ci."))) {
    notes.push(
      `GitLab reads one pipeline file and ${kept.find((p) => p.startsWith(".gitlab-ci."))} is the repo's: add a job that runs \`npx gopave sync --check\` to it`,
    );
    return { provider: "gitlab", branches, ...gopave };
  }
  notes.push(
    `CI runs in ${kept.join(", ")}, which gopave does not generate: add \`npx gopave sync --check\` to it to catch drift`,
  );
  return { provider: "none", branches };
}

/** Turns what init detected into a spec a person can read and adjust. */
export function draftSpec(d: Detection): SpecDraft {
  const notes: string[] = [];
  const comments: SpecComments = { "go.version": SOURCE_TEXT[d.goVersionSource] };
  const tools: Record<string, string> = {};
  for (const name of DEFAULT_TOOLS) {
    const pin = defaultToolPin(name, d.goVersion);
    if (pin.note) notes.push(pin.note);
    if (pin.version) tools[name] = pin.version;
  }
  comments.tools = `pinned for Go ${d.goVersion} (gopave's compatibility table); never @latest`;
  const lint = golangciForKeptConfig(d, tools, notes);
  const apps = draftApps(d, comments, notes);
  const wasm = draftWasm(
    d,
    apps.map((a) => a.name),
    comments,
    notes,
  );

  const { services, comments: serviceComments, notes: serviceNotes } = draftServices(d);
  Object.assign(comments, serviceComments);
  notes.push(...serviceNotes);
  if (d.privateGlobs.length > 0) {
    const why = d.privateEvidence.map(
      (e) =>
        `${e.module} (${e.reason === "proxy-not-found" ? "not on the public proxy" : "private-looking host"})`,
    );
    comments["modules.private"] = `detected: ${why.join(", ")}`;
  }

  const spec: SpecInput = {
    version: 1,
    name: d.name,
    // No go.toolchain: setup-go-env.sh leaves each developer's global GOTOOLCHAIN alone.
    go: { version: d.goVersion },
    modules: { private: d.privateGlobs, flags: [] },
    tools: { ...tools, ...lint },
    apps,
    ...(wasm.length > 0 ? { wasm } : {}),
    image: { runtime: "distroless", platforms: ["linux/amd64", "linux/arm64"] },
    services,
    editor: { kind: "vscode", debugPort: 2345 },
    ci: draftCi(d, notes),
    lint: { linters: ["gosec", "revive", "staticcheck"], formatters: ["gofumpt"] },
  };
  const keep = draftKeep(d);
  if (Object.keys(keep).length > 0) {
    spec.keep = keep;
    comments.keep = "files this repo already has; gopave writes none in their place";
  }
  comments["ci.branches"] = `the default branch (${d.branch.source})`;
  return { spec, comments, notes: [...new Set([...notes, ...d.notes])] };
}

function draftKeep(d: Detection): NonNullable<SpecInput["keep"]> {
  const { compose, dockerfile, devcontainer, golangci, ci } = d.kept;
  return {
    ...(compose ? { compose } : {}),
    ...(dockerfile ? { dockerfile } : {}),
    ...(devcontainer ? { devcontainer } : {}),
    ...(golangci ? { golangci } : {}),
    ...(ci ? { ci } : {}),
  };
}

/** golangci-lint's last v1 release: what a repo that keeps a v1 config can run. */
const GOLANGCI_V1 = {
  package: "github.com/golangci/golangci-lint/cmd/golangci-lint",
  version: "v1.64.8",
};

/**
 * A kept v1 config (no `version: "2"`) is rejected by golangci-lint v2, so such a repo gets the
 * last v1 release (it builds with Go 1.23+) until it migrates.
 */
function golangciForKeptConfig(
  d: Detection,
  tools: Record<string, string>,
  notes: string[],
): Record<string, typeof GOLANGCI_V1> {
  if (d.kept.golangci === undefined || d.kept.golangciFormat !== "1") return {};
  delete tools["golangci-lint"];
  if (compareGoVersions(d.goVersion, "1.23.0") < 0) return {};
  notes.push(
    `${d.kept.golangci} is a golangci-lint v1 config: pinned ${GOLANGCI_V1.version}, the last v1 release (\`golangci-lint migrate\` converts the config to v2)`,
  );
  return { "golangci-lint": GOLANGCI_V1 };
}
