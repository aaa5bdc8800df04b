import type { From, Instruction } from "dockerfile-ast";
import type { DockerfileModel } from "../../../types.js";
import { expandVars } from "./expand.js";
import type { Vars } from "./expand.js";
import { parseImageRef } from "./image-ref.js";
import type { ImageRef } from "./image-ref.js";
import { runMounts } from "./run-script.js";
import { instructionFlag } from "./sources.js";
import { lineHolding } from "../../../model/text-file.js";

/**
 * The build stages of a Dockerfile and how they connect: `FROM <stage>` chains, `COPY --from`
 * and `RUN --mount=from=` edges, and the ARG/ENV values in scope at each instruction.
 */

export interface Stage {
  index: number;
  /** `AS` alias, lower-cased (stage names are case-insensitive). */
  name: string | undefined;
  from: From;
  /** 1-based line of the FROM. */
  line: number;
  /** The external base image; undefined for `FROM <stage>` or an unresolvable `$VAR`. */
  image: ImageRef | undefined;
  /** The FROM names an image through a variable that has no default. */
  unresolved: boolean;
  parent: Stage | undefined;
  /** Instructions after the FROM, up to the next FROM. */
  instructions: Instruction[];
}

export interface StageGraph {
  file: DockerfileModel;
  stages: Stage[];
  /** ARGs before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>;
}

/** 1-based line an instruction starts on. */
export function lineOf(ins: { getRange(): { start: { line: number } } }): number {
  return ins.getRange().start.line + 1;
}

/** The line of an instruction that holds `text` (a continued RUN: the line the command is on). */
export function lineOfText(
  file: { lines: readonly string[] },
  ins: { getRange(): { start: { line: number }; end: { line: number } } },
  text: string,
): number {
  const { start, end } = ins.getRange();
  return lineHolding(file.lines, start.line + 1, end.line + 1, text) ?? start.line + 1;
}

/**
 * `ARG A B=2 C="x y"`: every name with its default. dockerfile-ast keeps only the first name of a
 * multi-name ARG, so the words are split here.
 */
export function argDeclarations(ins: Instruction): { name: string; value: string | undefined }[] {
  const text = ins.getArgumentsContent() ?? "";
  const out: { name: string; value: string | undefined }[] = [];
  for (const word of text.match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+/g) ?? []) {
    const eq = word.indexOf("=");
    const name = eq === -1 ? word : word.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    const raw = eq === -1 ? undefined : word.slice(eq + 1);
    out.push({ name, value: raw?.replace(/^"(.*)"$|^'(.*)'$/s, "$1$2") });
  }
  return out;
}

const graphs = new WeakMap<DockerfileModel, StageGraph>();

export function stageGraph(file: DockerfileModel): StageGraph {
  const cached = graphs.get(file);
  if (cached) return cached;
  const graph: StageGraph = { file, stages: [], globalArgs: new Map() };
  let current: Stage | undefined;
  for (const ins of file.ast.getInstructions()) {
    const keyword = ins.getKeyword();
    if (keyword === "FROM") {
      current = newStage(graph, ins as From);
      graph.stages.push(current);
    } else if (current) {
      current.instructions.push(ins);
    } else if (keyword === "ARG") {
      for (const a of argDeclarations(ins)) graph.globalArgs.set(a.name, a.value);
    }
  }
  graphs.set(file, graph);
  return graph;
}

function newStage(graph: StageGraph, from: From): Stage {
  const index = graph.stages.length;
  const written = from.getImage() ?? from.getArguments()[0]?.getValue() ?? "";
  const alias = from.getBuildStage()?.toLowerCase();
  const stage: Stage = {
    index,
    name: alias,
    from,
    line: lineOf(from),
    image: undefined,
    unresolved: false,
    parent: undefined,
    instructions: [],
  };
  const expanded = expandVars(written, graph.globalArgs);
  stage.parent = stageByName(graph, expanded.value, index);
  if (stage.parent) return stage;
  if (!expanded.resolved) stage.unresolved = true;
  else stage.image = parseImageRef(expanded.value);
  return stage;
}

function stageByName(graph: StageGraph, ref: string, before: number): Stage | undefined {
  const name = ref.toLowerCase();
  return graph.stages.slice(0, before).find((s) => s.name === name);
}

/** A `--from=` value: an earlier stage name or index; undefined for an image or a `$VAR`. */
export function stageRef(graph: StageGraph, ref: string, before: number): Stage | undefined {
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    return n < before ? graph.stages[n] : undefined;
  }
  return stageByName(graph, ref, before);
}

export function finalStage(graph: StageGraph): Stage | undefined {
  return graph.stages.at(-1);
}

/** The stage and its `FROM <stage>` ancestors, root first. */
export function chainOf(stage: Stage): Stage[] {
  const out: Stage[] = [];
  const seen = new Set<Stage>();
  for (let s: Stage | undefined = stage; s && !seen.has(s); s = s.parent) {
    seen.add(s);
    out.unshift(s);
  }
  return out;
}

/** The first stage of a chain: its `image` is what the whole chain is built on. */
export function rootOf(stage: Stage): Stage {
  return chainOf(stage)[0] ?? stage;
}

/** Stages whose files can reach `stage`: its chain, and what `COPY --from` / mounts pull in. */
export function feedingStages(graph: StageGraph, stage: Stage): Stage[] {
  const out = new Set<Stage>();
  const visit = (s: Stage) => {
    for (const c of chainOf(s)) {
      if (out.has(c)) continue;
      out.add(c);
      for (const ins of c.instructions) {
        for (const ref of fromRefs(ins)) {
          const src = stageRef(graph, ref, c.index);
          if (src) visit(src);
        }
      }
    }
  };
  visit(stage);
  return [...out].sort((a, b) => a.index - b.index);
}

function fromRefs(ins: Instruction): string[] {
  const keyword = ins.getKeyword();
  if (keyword === "COPY" || keyword === "ADD") {
    const v = instructionFlag(ins, "from");
    return v ? [v] : [];
  }
  if (keyword === "RUN") {
    return runMounts(ins).flatMap((m) => (m.from ? [m.from] : []));
  }
  return [];
}

/**
 * Calls `visit` for each instruction of the stage's chain with the ARG/ENV values in scope just
 * before it. ARGs declared in a parent stage reach child stages: BuildKit (and now buildah)
 * inherit them, although the Dockerfile reference long said otherwise.
 */
export function walkChain(
  graph: StageGraph,
  stage: Stage,
  visit: (ins: Instruction, scope: Vars, owner: Stage) => void,
): void {
  const scope = new Map<string, string | undefined>();
  for (const s of chainOf(stage)) {
    for (const ins of s.instructions) {
      visit(ins, scope, s);
      applyToScope(graph, ins, scope);
    }
  }
}

/** The ARG/ENV values a whole stage chain ends with. */
export function scopeAtEnd(graph: StageGraph, stage: Stage): Vars {
  const scope = new Map<string, string | undefined>();
  for (const s of chainOf(stage)) for (const ins of s.instructions) applyToScope(graph, ins, scope);
  return scope;
}

function applyToScope(
  graph: StageGraph,
  ins: Instruction,
  scope: Map<string, string | undefined>,
): void {
  const keyword = ins.getKeyword();
  if (keyword === "ARG") {
    for (const a of argDeclarations(ins)) {
      if (a.value !== undefined) scope.set(a.name, resolved(a.value, scope));
      // A bare ARG takes the global default when there is one, and keeps an ENV of the same name.
      else if (!scope.has(a.name)) scope.set(a.name, graph.globalArgs.get(a.name));
    }
  } else if (keyword === "ENV") {
    for (const p of (ins as Instruction & EnvLike).getProperties()) {
      scope.set(p.getName(), resolved(p.getValue() ?? "", scope));
    }
  }
}

interface EnvLike {
  getProperties(): { getName(): string; getValue(): string | null }[];
}

function resolved(value: string, scope: Vars): string | undefined {
  const e = expandVars(value, scope);
  return e.resolved ? e.value : undefined;
}
