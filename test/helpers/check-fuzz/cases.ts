import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { classifyPath } from "../../../src/check/model/index.js";
import type { FileKind } from "../../../src/check/model/index.js";
import { generateCompose } from "./compose.js";
import { generateDevcontainer } from "./devcontainer.js";
import { generateDockerfile, generateDockerignore } from "./dockerfile.js";
import { mutateStructure, mutateText } from "./mutate.js";
import type { Rand } from "./random.js";
import { generateGitlab, generateGolangci, generateLaunch } from "./other.js";
import { generateWorkflow } from "./workflow.js";
import { SchemaSampler } from "./from-schema.js";
import { loadOfficialSchema } from "../official-schemas.js";
import { SCHEMA_DIR } from "../schemas.js";
import { stringify } from "yaml";

/** Small repos for the fuzz test: generated files, the repo's own fixtures, and mutations of both. */

export type Files = Record<string, string>;

interface Seed {
  path: string;
  text: string;
}

/** Where a fixture file would sit in a repo: from its `.github/`-like folder, else its name. */
function repoPath(rel: string): string {
  const m = /(?:^|\/)(\.(?:github|devcontainer|vscode|gitlab)\/.*)$/.exec(rel);
  return m?.[1] ?? rel.slice(rel.lastIndexOf("/") + 1);
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** The environment files among test/fixtures and test/golden, by the kind check reads them as. */
export function loadSeeds(repoRoot: string): Map<FileKind, Seed[]> {
  const seeds = new Map<FileKind, Seed[]>();
  for (const top of ["test/fixtures", "test/golden"]) {
    for (const file of walk(join(repoRoot, top))) {
      const path = repoPath(relative(repoRoot, file).split(sep).join("/"));
      const kind = classifyPath(path);
      if (!kind) continue;
      const list = seeds.get(kind) ?? [];
      list.push({ path, text: readFileSync(file, "utf8") });
      seeds.set(kind, list);
    }
  }
  return seeds;
}

function generateGoMod(r: Rand): string {
  const lines = [
    `module ${r.pick(["example.com/app", "github.com/acme/svc/v2", "corp.internal/x", "app"])}`,
    "",
  ];
  lines.push(`go ${r.pick(["1.22", "1.22.0", "1.26.8", "1.21rc1", "1.19", "1.25", "1.30.1"])}`);
  if (r.bool(0.3)) lines.push(`toolchain ${r.pick(["go1.23.1", "go1.26.8", "default", "go1.22"])}`);
  if (r.bool(0.4)) {
    lines.push(
      "",
      "require (",
      ...r.some(
        [
          "\tgithub.com/lib/pq v1.10.9",
          "\tcorp.internal/auth v0.1.0",
          "\tgolang.org/x/tools v0.24.0 // indirect",
          "\tgithub.com/mattn/go-sqlite3 v1.14.22",
        ],
        3,
      ),
      ")",
    );
  }
  if (r.bool(0.2))
    lines.push(
      "",
      "tool golang.org/x/tools/cmd/stringer",
      "tool (",
      "\tgithub.com/go-delve/delve/cmd/dlv",
      ")",
    );
  if (r.bool(0.1)) lines.push("godebug default=go1.21");
  if (r.bool(0.1))
    lines.push(
      "replace corp.internal/auth => ./auth",
      "exclude golang.org/x/tools v0.1.0",
      "retract v1.0.0",
    );
  return `${lines.join("\n")}\n`;
}

const PIN_FILES: [string, (r: Rand) => string][] = [
  [".go-version", (r) => `${r.pick(["1.22.5", "1.26.8", "go1.22", "1.22", "", "latest"])}\n`],
  [
    ".tool-versions",
    (r) => `golang ${r.pick(["1.22.5", "1.26.8", "system", ""])}\nnodejs 20.1.0\n`,
  ],
  [
    "mise.toml",
    (r) =>
      `[tools]\ngo = ${r.pick(['"1.22"', '"latest"', '["1.22", "1.23"]', '{ version = "1.22" }', "1.22"])}\n`,
  ],
];

const SCRIPT_FILES: [string, (r: Rand) => string][] = [
  [
    "Makefile",
    (r) =>
      `GO ?= go\n\ntools:\n\t${r.pick(["go install github.com/golangci/golangci-lint/cmd/golangci-lint@latest", "$(GO) install golang.org/x/tools/cmd/goimports", "go env -w GOPROXY=off"])}\n\tgo install \\\n\t  honnef.co/go/tools/cmd/staticcheck@2024.1\n\nbuild:\n\tdocker build -f build/Dockerfile.dev .\n`,
  ],
  [
    "scripts/setup.sh",
    (r) =>
      `#!/bin/sh\nset -eu\nexport GOFLAGS=${r.pick(["-mod=mod", "'-mod=vendor -trimpath'", ""])}\ngo env -w GOPRIVATE=corp.internal\ngo install golang.org/x/tools/gopls\n`,
  ],
  [
    "scripts/bootstrap",
    () => "#!/usr/bin/env bash\ngo install github.com/go-delve/delve/cmd/dlv@master\n",
  ],
];

/** A hand-written Tiltfile: the shapes the Tiltfile scanner reads, with values that disagree or not. */
function generateTiltfile(r: Rand): string {
  const q = () => r.pick(["'", '"']);
  const str = (v: string) => {
    const c = q();
    return `${c}${v}${c}`;
  };
  const go = () => r.pick(["1.22.3", "1.26.8", "1.26", "go1.22", "", "$GO", "1.21rc1"]);
  const lines: string[] = [];
  if (r.bool(0.4)) lines.push(`GO = ${str(go())}`);
  if (r.bool(0.3)) lines.push("load('./tilt/go.star', 'go_image')");
  if (r.bool(0.2))
    lines.push(`include(${str(r.pick(["./svc/Tiltfile", "../Tiltfile", "x.star"]))})`);
  const args = r.some(
    [
      `${str("GO_VERSION")}: ${r.bool(0.3) ? "GO" : str(go())}`,
      `${str("GOFLAGS")}: ${str(r.pick(["-mod=mod", "-mod=readonly", "mod=mod", ""]))}`,
      `${str("GOPROXY")}: ${str(r.pick(["off", "direct", "https://proxy.example.com,direct", ","]))}`,
      `${str("GOPRIVATE")}: ${str("corp.internal")}`,
    ],
    3,
  );
  lines.push(
    `docker_build(${str("api")}, '.',\n    build_args={\n        ${args.join(",\n        ")},\n    }, target='dev')`,
  );
  if (r.bool(0.5))
    lines.push(
      `local_resource('go-test', cmd=${str(`GOFLAGS=${r.pick(["-mod=mod", "'-mod=vendor -count=1'"])} go test ./...`)}, env={'GOTOOLCHAIN': ${str(`go${go()}`)}}, serve_env=dict(GOSUMDB='off'))`,
    );
  if (r.bool(0.4)) lines.push(`local(${str(`GOTOOLCHAIN=go${go()} go build ./...`)})`);
  if (r.bool(0.4))
    lines.push(
      `custom_build('img', """\n  docker build \\\\\n    --build-arg GO_VERSION=${go()} -t $EXPECTED_REF .\n""", ['.'])`,
    );
  if (r.bool(0.2)) lines.push("# local('GOFLAGS=-mod=mod go test')");
  return `${lines.join("\n")}\n`;
}

const DOCKERFILE_PATHS = [
  "Dockerfile",
  "build/Dockerfile.dev",
  ".devcontainer/Dockerfile",
  "api.Dockerfile",
  "Containerfile",
  "docker/Dockerfile-debug",
];
const COMPOSE_PATHS = [
  "compose.yaml",
  "docker-compose.yml",
  "compose.override.yml",
  "deploy/compose.prod.yaml",
];
const WORKFLOW_PATHS = [
  ".github/workflows/ci.yml",
  ".github/workflows/test.yaml",
  ".github/workflows/release.yml",
];

const samplers = new Map<string, SchemaSampler>();

/** An instance of an official schema (compose, github-workflow, devcontainer), as YAML or JSON. */
function fromSchema(r: Rand, name: "compose" | "github-workflow" | "devcontainer"): string {
  let sampler = samplers.get(name);
  if (!sampler) {
    sampler = new SchemaSampler(loadOfficialSchema(SCHEMA_DIR, name) as Record<string, unknown>, r);
    samplers.set(name, sampler);
  }
  const value = sampler.sample(r);
  return name === "devcontainer" ? JSON.stringify(value, null, 2) : stringify(value);
}

/** A seed of the kind, or undefined when the fixtures have none. */
function seedOf(r: Rand, seeds: Map<FileKind, Seed[]>, kind: FileKind): Seed | undefined {
  const list = seeds.get(kind);
  return list && list.length > 0 ? r.pick(list) : undefined;
}

/** A generated file, a fixture as it is, or a mutation of either. */
function variant(
  r: Rand,
  generated: () => string,
  seed: Seed | undefined,
  structured: "yaml" | "json" | false,
): string {
  const base = seed && r.bool(0.4) ? seed.text : generated();
  if (!r.bool(0.3)) return base;
  return structured && r.bool(0.6)
    ? mutateStructure(r, base, structured === "json")
    : mutateText(r, base);
}

/** One repo: go.mod, Dockerfiles, compose, workflows, and sometimes every other kind check reads. */
export function makeCase(r: Rand, seeds: Map<FileKind, Seed[]>): Files {
  const files: Files = {};
  // Rarely broken: a go.mod that does not parse leaves the go rules nothing to compare.
  if (r.bool(0.9)) {
    const seed = seedOf(r, seeds, "gomod");
    const text = seed && r.bool(0.3) ? seed.text : generateGoMod(r);
    files["go.mod"] = r.bool(0.08) ? mutateText(r, text) : text;
  }
  if (r.bool(0.08)) {
    files["svc/go.mod"] = generateGoMod(r);
    files["go.work"] = `go 1.22\n\nuse (\n\t.\n\t./svc\n)\n`;
  }
  for (const path of r.some(DOCKERFILE_PATHS, 2)) {
    files[path] = variant(r, () => generateDockerfile(r), seedOf(r, seeds, "dockerfile"), false);
  }
  if (r.bool(0.4))
    files[r.pick([".dockerignore", "api.Dockerfile.dockerignore"])] = variant(
      r,
      () => generateDockerignore(r),
      seedOf(r, seeds, "dockerignore"),
      false,
    );
  for (const path of r.some(COMPOSE_PATHS, 2)) {
    const generate = () => (r.bool(0.3) ? fromSchema(r, "compose") : generateCompose(r));
    files[path] = variant(r, generate, seedOf(r, seeds, "compose"), "yaml");
  }
  for (const path of r.some(WORKFLOW_PATHS, 2)) {
    const generate = () => (r.bool(0.3) ? fromSchema(r, "github-workflow") : generateWorkflow(r));
    files[path] = variant(r, generate, seedOf(r, seeds, "workflow"), "yaml");
  }
  if (r.bool(0.35)) {
    files[
      r.pick([
        ".devcontainer/devcontainer.json",
        ".devcontainer.json",
        ".devcontainer/go/devcontainer.json",
      ])
    ] = variant(r, () => generateDevcontainer(r), seedOf(r, seeds, "devcontainer"), "json");
  }
  const fromSeed = (kind: FileKind, p: number, json: boolean) => {
    const seed = seedOf(r, seeds, kind);
    if (seed && r.bool(p))
      files[seed.path] = r.bool(0.5) ? seed.text : mutateStructure(r, seed.text, json);
  };
  if (r.bool(0.15))
    files[".gitlab-ci.yml"] = variant(
      r,
      () => generateGitlab(r),
      seedOf(r, seeds, "gitlab"),
      "yaml",
    );
  if (r.bool(0.25))
    files[".vscode/launch.json"] = variant(
      r,
      () => generateLaunch(r),
      seedOf(r, seeds, "launch"),
      "json",
    );
  if (r.bool(0.2))
    files[".golangci.yml"] = variant(
      r,
      () => generateGolangci(r),
      seedOf(r, seeds, "golangci"),
      "yaml",
    );
  if (r.bool(0.15)) {
    files[r.pick(["Tiltfile", "deploy/Tiltfile"])] = variant(
      r,
      () => generateTiltfile(r),
      seedOf(r, seeds, "tiltfile"),
      false,
    );
    if (r.bool(0.5)) files["tilt/go.star"] = mutateText(r, generateTiltfile(r));
  }
  fromSeed("spec", 0.1, false);
  for (const [path, gen] of [...PIN_FILES, ...SCRIPT_FILES]) {
    if (r.bool(0.12)) files[path] = r.bool(0.8) ? gen(r) : mutateText(r, gen(r));
  }
  return files;
}
