import type { Instruction, Property } from "dockerfile-ast";
import type { DockerfileModel } from "../../../types.js";

/** An ENV, or an ARG with a default (RUN sees build args as environment variables). */
export interface DockerSetting {
  name: string;
  /** After substituting the stage's ARG/ENV values as BuildKit would (unset -> ""). */
  value: string;
  line: number;
  kind: "ENV" | "ARG";
}

export interface DockerStage {
  /** FROM's line. */
  line: number;
  /** The image with global ARG defaults substituted. */
  image: string;
  /** Line of the global ARG whose default chose the image tag, when one did. */
  argLine: number | undefined;
  name: string | undefined;
  settings: DockerSetting[];
  instructions: Instruction[];
}

type Vars = Map<string, { value: string; line: number }>;

/** `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}` as the Dockerfile frontend expands them. */
function expand(text: string, vars: Vars, used?: (line: number) => void): string {
  return text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare) => {
      const name = braced ?? (bare as string);
      const v = vars.get(name);
      if (v) used?.(v.line);
      const set = v !== undefined;
      const nonEmpty = set && v.value !== "";
      switch (op) {
        case ":-":
          return nonEmpty ? v.value : (word ?? "");
        case "-":
          return set ? v.value : (word ?? "");
        case ":+":
          return nonEmpty ? (word ?? "") : "";
        case "+":
          return set ? (word ?? "") : "";
        default:
          return v?.value ?? "";
      }
    },
  );
}

function properties(i: Instruction): Property[] {
  const kw = i.getKeyword();
  if (kw !== "ENV" && kw !== "ARG") return [];
  return (i as unknown as { getProperties(): Property[] }).getProperties();
}

/** Stages in order, with the module settings each declares and its instructions. */
export function dockerStages(df: DockerfileModel): DockerStage[] {
  const globals: Vars = new Map();
  const stages: DockerStage[] = [];
  // Only ENV carries into a stage built FROM an earlier one; ARGs end with their stage.
  const stageEnv = new Map<string, Vars>();
  let vars: Vars = new Map();
  let env: Vars = new Map();
  let current: DockerStage | undefined;
  for (const ins of df.ast.getInstructions()) {
    const line = ins.getRange().start.line + 1;
    const kw = ins.getKeyword();
    if (kw === "FROM") {
      const args = ins.getArguments().map((a) => a.getValue());
      const asIdx = args.findIndex((a) => a.toUpperCase() === "AS");
      const imageArg = args.filter((a) => !a.startsWith("--"))[0] ?? "";
      let argLine: number | undefined;
      const image = expand(imageArg, globals, (l) => (argLine = l));
      const name = asIdx >= 0 ? args[asIdx + 1]?.toLowerCase() : undefined;
      env = new Map(stageEnv.get(image.toLowerCase()) ?? []);
      vars = new Map(env);
      current = { line, image, argLine, name, settings: [], instructions: [] };
      stages.push(current);
      if (name) stageEnv.set(name, env);
      continue;
    }
    for (const p of properties(ins)) {
      const raw = p.getValue();
      const pline = p.getRange().start.line + 1;
      if (!current) {
        if (kw === "ARG" && raw !== null) globals.set(p.getName(), { value: raw, line: pline });
        continue;
      }
      let value: string | undefined;
      if (raw !== null) value = expand(raw, vars);
      else if (kw === "ARG") value = globals.get(p.getName())?.value;
      if (value === undefined) continue;
      vars.set(p.getName(), { value, line: pline });
      if (kw === "ENV") env.set(p.getName(), { value, line: pline });
      current.settings.push({ name: p.getName(), value, line: pline, kind: kw as "ENV" | "ARG" });
    }
    current?.instructions.push(ins);
  }
  return stages;
}
