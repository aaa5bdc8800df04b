import { Arg, DockerfileParser, From } from "dockerfile-ast";
import type { Dockerfile, Entrypoint, Instruction } from "dockerfile-ast";
import type { GenerateContext, RepoFacts } from "../src/generate/types.js";
import { exampleSpec, makeContext, makeSpec, WASM_PROGRAMS } from "./helpers/spec.js";

/** One build stage of a parsed Dockerfile: its FROM and the instructions up to the next FROM. */
export interface Stage {
  name: string;
  from: From;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  dockerfile: Dockerfile;
  stages: Stage[];
}

export function parseStages(text: string): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  for (const ins of dockerfile.getInstructions()) {
    if (ins instanceof From) {
      stages.push({
        name: ins.getBuildStage() ?? `stage-${stages.length}`,
        from: ins,
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
  }
  return { dockerfile, stages };
}

/** The value, or a test failure naming what was missing. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`missing: ${what}`);
  return value;
}

/** The first instruction of a stage that is an instance of `type`. */
export function first<T extends Instruction>(
  stage: Stage,
  type: abstract new (...args: never[]) => T,
): T {
  const found = stage.instructions.find((i): i is T => i instanceof type);
  return must(found, `${type.name} in stage ${stage.name}`);
}

export function stageByName(parsed: ParsedDockerfile, name: string): Stage {
  const s = parsed.stages.find((st) => st.name === name);
  if (!s)
    throw new Error(`no stage ${name}; stages: ${parsed.stages.map((st) => st.name).join(", ")}`);
  return s;
}

export function keyword(ins: Instruction): string {
  return ins.getKeyword().toUpperCase();
}

/** ARG names and default values (quotes removed) of a stage, in order. */
export function argDefaults(stage: Stage): [string, string | null][] {
  return stage.instructions
    .filter((i): i is Arg => i instanceof Arg)
    .flatMap((a) =>
      a.getProperties().map((p): [string, string | null] => [p.getName(), p.getUnescapedValue()]),
    );
}

export function isExecForm(e: Entrypoint): boolean {
  return (
    e.getOpeningBracket() !== null &&
    e.getClosingBracket() !== null &&
    e.getJSONStrings().length > 0
  );
}

/** The text of an instruction after its flags, with line continuations joined as Docker does. */
export function commandAfterFlags(
  text: string,
  ins: Instruction & { getFlags(): { getRange(): RangeLike }[] },
): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const flags = ins.getFlags();
  const start = offset((flags.at(-1)?.getRange() ?? ins.getInstructionRange()).end);
  const end = offset(ins.getRange().end);
  return text.slice(start, end).replace(/\\\n/g, "").trim();
}

interface RangeLike {
  end: { line: number; character: number };
}

/** A Dockerfile ARG/ENV value as Docker reads it: surrounding quotes removed, `\x` escapes undone. */
export function unquoteDockerfileValue(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}

const WORKSPACE_REPO: RepoFacts = {
  modules: [
    {
      dir: ".",
      path: "example.com/orders",
      goLine: "1.25.0",
      toolchain: "go1.26.8",
      hasGoSum: true,
    },
    {
      dir: "libs/money",
      path: "example.com/orders/libs/money",
      goLine: "1.25.0",
      toolchain: undefined,
      hasGoSum: false,
    },
  ],
  workspace: { hasSum: true },
};

/** Local replacements inside the repo and one outside it (a sibling checkout). */
const REPLACE_REPO: RepoFacts = {
  modules: [
    {
      dir: ".",
      path: "example.com/orders",
      goLine: "1.25.0",
      toolchain: undefined,
      hasGoSum: true,
    },
  ],
  workspace: undefined,
  replacements: [
    { dir: "../shared", inRepo: false, hasGoMod: false, replaces: "example.com/shared (go.mod:9)" },
    { dir: "libs/money", inRepo: true, hasGoMod: true, replaces: "example.com/money (go.mod:8)" },
  ],
};

const VENDOR_REPO: RepoFacts = { ...REPLACE_REPO, vendor: true };

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;

/** The specs the container files are snapshotted for; each covers a branch of the generators. */
export const CONTAINER_CASES: Record<string, () => GenerateContext> = {
  example: () => makeContext(exampleSpec()),
  library: () => makeContext(makeSpec()),
  // A library that ships wasm: the Dockerfile holds only the wasm stages.
  wasm: () => makeContext(makeSpec({ wasm: WASM_PROGRAMS })),
  // Apps beside wasm programs, on a vendored module; Go 1.23 keeps wasm_exec.js in misc/wasm.
  "wasm-apps": () =>
    makeContext(
      exampleSpec({
        go: { version: "1.23.12" },
        wasm: [{ name: "calc", main: "./cmd/calc", targets: ["js"] }],
      }),
      VENDOR_REPO,
    ),
  alpine: () => makeContext(exampleSpec({ image: { runtime: "alpine" } })),
  scratch: () => makeContext(exampleSpec({ image: { runtime: "scratch" } })),
  cgo: () =>
    makeContext(
      exampleSpec({
        apps: [
          { name: "api", main: "./cmd/api", port: 8080, health: "/healthz", cgo: true },
          { name: "worker", main: "./cmd/worker" },
        ],
      }),
    ),
  "cgo-scratch": () =>
    makeContext(
      exampleSpec({
        image: { runtime: "scratch" },
        apps: [
          { name: "api", main: "./cmd/api", port: 8080 },
          { name: "worker", main: "./cmd/worker", cgo: true },
        ],
      }),
    ),
  digests: () =>
    makeContext(exampleSpec({ image: { digests: { builder: DIGEST_A, runtime: DIGEST_B } } })),
  workspace: () => makeContext(exampleSpec(), WORKSPACE_REPO),
  replace: () =>
    makeContext(
      exampleSpec({
        apps: [
          {
            name: "api",
            main: "./cmd/api",
            port: 8080,
            tags: ["netgo", "timetzdata"],
            ldflags: "-w -X main.version=1.4.0",
          },
          { name: "worker", main: "./cmd/worker" },
        ],
      }),
      REPLACE_REPO,
    ),
  "vendor-cgo": () =>
    makeContext(
      exampleSpec({
        apps: [
          { name: "api", main: "./cmd/api", port: 8080, cgo: true, tags: ["sqlite_fts5"] },
          { name: "worker", main: "./cmd/worker" },
        ],
      }),
      VENDOR_REPO,
    ),
  private: () =>
    makeContext(
      exampleSpec({
        go: { version: "1.26.8", toolchain: "auto" },
        modules: {
          proxy: "https://goproxy.internal.example.com|direct",
          sumdb: "sum.internal.example.com https://sum.internal.example.com",
          private: ["git.internal.example.com", "github.com/acme/*"],
          noproxy: ["git.internal.example.com"],
          nosumdb: [],
          flags: ["-mod=readonly", "-tags=integration"],
        },
        services: {
          postgres: { version: "16.10", port: 15432 },
          mysql: {},
          mongo: {},
          nats: {},
          kafka: {},
        },
        editor: { kind: "vscode", debugPort: 40000 },
      }),
    ),
};
