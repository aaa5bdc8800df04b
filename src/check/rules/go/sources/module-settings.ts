import { moduleEnv } from "../../../../generate/module-env.js";
import type { RepoModel, StructuredFile } from "../../../types.js";
import { dockerStages } from "./dockerfile-env.js";
import { gitlabJobs } from "./gitlab.js";
import { workflowJobs } from "./workflows.js";
import { isRecord, recordAt, scalarString, valueAt, withDefaults } from "./values.js";

/**
 * Go environment settings that decide where modules come from and how they are verified.
 * GONOSUMCHECK and GONOVERIFY are not Go settings, but people set them believing they are.
 */
export const MODULE_SETTINGS = [
  "GOPROXY",
  "GOSUMDB",
  "GOPRIVATE",
  "GONOSUMDB",
  "GONOPROXY",
  "GOFLAGS",
  "GOTOOLCHAIN",
  "GOINSECURE",
  "GONOSUMCHECK",
  "GONOVERIFY",
] as const;
const NAMES = new Set<string>(MODULE_SETTINGS);

export interface ModuleSetting {
  name: string;
  /** The value the go command would see; empty values (= Go's default) are left out. */
  value: string;
  file: string;
  line: number;
  /** Where in the file, e.g. "ENV", "containerEnv", "job test env", "go env -w". */
  where: string;
}

type Push = (name: string, value: string | undefined, line: number, where: string) => void;

function collector(out: ModuleSetting[], file: string): Push {
  return (name, value, line, where) => {
    if (!NAMES.has(name) || value === undefined || value.trim() === "") return;
    out.push({ name, value: value.trim(), file, line, where });
  };
}

/** A dev container variable: `${localEnv:X:default}` -> default; other references are unknown. */
function devcontainerValue(v: unknown): string | undefined {
  const s = scalarString(v);
  if (s === undefined) return undefined;
  const out = s.replace(/\$\{localEnv:[A-Za-z_][A-Za-z0-9_]*:([^}]*)\}/g, "$1");
  return out.includes("${") ? undefined : out;
}

/** compose `environment:` / `build.args:` in map or `K=V` list form. */
function composeEntries(v: unknown): [string, string | undefined, number | string][] {
  if (Array.isArray(v)) {
    return v.flatMap((item, i): [string, string | undefined, number | string][] => {
      if (typeof item !== "string") return [];
      const eq = item.indexOf("=");
      return eq < 0 ? [] : [[item.slice(0, eq), withDefaults(item.slice(eq + 1)), i]];
    });
  }
  if (!isRecord(v)) return [];
  return Object.entries(v).map(([k, val]) => {
    const s = scalarString(val);
    return [k, s === undefined ? undefined : withDefaults(s), k];
  });
}

function fromDockerfiles(model: RepoModel, out: ModuleSetting[]): void {
  for (const df of model.dockerfiles) {
    const push = collector(out, df.path);
    const seen = new Set<string>();
    for (const stage of dockerStages(df)) {
      for (const s of stage.settings) {
        // `ARG X=v` then `ENV X=$X` is one setting, reported where the value is written.
        const key = `${s.name}=${s.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        push(s.name, s.value, s.line, s.kind);
      }
    }
  }
}

function fromDevcontainers(model: RepoModel, out: ModuleSetting[]): void {
  for (const dc of model.devcontainers) {
    const push = collector(out, dc.path);
    for (const path of [["containerEnv"], ["remoteEnv"], ["build", "args"]]) {
      const env = valueAt(dc.data, path);
      if (!isRecord(env)) continue;
      for (const [name, v] of Object.entries(env)) {
        push(name, devcontainerValue(v), dc.lineOf([...path, name]), path.join("."));
      }
    }
  }
}

function fromComposes(model: RepoModel, out: ModuleSetting[]): void {
  for (const c of model.composes) {
    const push = collector(out, c.path);
    for (const [svc, s] of Object.entries(recordAt(c.data, "services") ?? {})) {
      if (!isRecord(s)) continue;
      const scopes: [string[], string][] = [
        [["environment"], `service ${svc} environment`],
        [["build", "args"], `service ${svc} build.args`],
      ];
      for (const [path, where] of scopes) {
        for (const [name, value, key] of composeEntries(valueAt(s, path))) {
          push(name, value, c.lineOf(["services", svc, ...path, key]), where);
        }
      }
    }
  }
}

function envBlock(
  file: StructuredFile,
  path: (string | number)[],
  where: string,
  out: ModuleSetting[],
) {
  const env = valueAt(file.data, path);
  if (!isRecord(env)) return;
  const push = collector(out, file.path);
  for (const [name, v] of Object.entries(env)) {
    const s = scalarString(v);
    // Expressions are evaluated by the runner; their value is not in the repo.
    if (s === undefined || s.includes("${{")) continue;
    push(name, s, file.lineOf([...path, name]), where);
  }
}

function fromWorkflows(model: RepoModel, out: ModuleSetting[]): void {
  for (const wf of model.workflows) envBlock(wf, ["env"], "workflow env", out);
  for (const job of workflowJobs(model)) {
    envBlock(job.file, ["jobs", job.id, "env"], `job ${job.id} env`, out);
    for (const step of job.steps) {
      envBlock(job.file, [...step.path, "env"], `job ${job.id} step ${step.index + 1} env`, out);
    }
  }
}

function fromGitlab(model: RepoModel, out: ModuleSetting[]): void {
  const gitlab = model.gitlab;
  if (!gitlab) return;
  const push = collector(out, gitlab.path);
  for (const { name, job, path } of gitlabJobs(gitlab)) {
    if (path[0] === "default") continue;
    const vars = recordAt(job, "variables");
    for (const [k, v] of Object.entries(vars ?? {})) {
      const s = scalarString(isRecord(v) ? v["value"] : v);
      if (s === undefined || s.includes("$")) continue;
      const line = gitlab.lineOf([...path, "variables", k]);
      push(k, s, line, name === "" ? "variables" : `job ${name} variables`);
    }
  }
}

function fromScripts(model: RepoModel, out: ModuleSetting[]): void {
  for (const s of model.scripts) {
    const push = collector(out, s.path);
    for (const w of s.goEnvWrites) push(w.name, withDefaults(w.value), w.line, "go env -w");
    for (const e of s.exports) push(e.name, withDefaults(e.value), e.line, "export");
  }
}

/**
 * A hand-written Tiltfile's build args, env dicts and command prefixes. A value in a command
 * string is shell text (`$X` unknown); one in a dict is passed as written. gopave's own
 * Tiltfile is GP001's.
 */
function fromTiltfiles(model: RepoModel, out: ModuleSetting[]): void {
  for (const f of model.tiltfiles) {
    if (f.generated) continue;
    const push = collector(out, f.path);
    for (const s of f.settings) {
      const shell = s.via === "command" || s.via === "build-arg";
      const where = s.variable
        ? `${s.where}, ${s.variable.name} on line ${s.variable.line}`
        : s.where;
      push(s.name, shell ? withDefaults(s.value) : s.value, s.line, where);
    }
  }
}

const SPEC_KEYS: Record<string, readonly string[]> = {
  GOTOOLCHAIN: ["go", "toolchain"],
  GOPROXY: ["modules", "proxy"],
  GOSUMDB: ["modules", "sumdb"],
  GOPRIVATE: ["modules", "private"],
  GONOPROXY: ["modules", "noproxy"],
  GONOSUMDB: ["modules", "nosumdb"],
  GOFLAGS: ["modules", "flags"],
};

function fromSpec(model: RepoModel, out: ModuleSetting[]): void {
  const loaded = model.spec?.loaded;
  if (!model.spec || !loaded) return;
  const push = collector(out, model.spec.path);
  for (const [name, value] of moduleEnv(loaded.spec)) {
    const key = SPEC_KEYS[name] ?? ["modules"];
    push(name, value, loaded.positionOf(key).line, key.join("."));
  }
}

/** Every place that sets a module setting, in a stable order (by source kind, then file). */
export function moduleSettingSources(model: RepoModel): ModuleSetting[] {
  const out: ModuleSetting[] = [];
  fromDockerfiles(model, out);
  fromDevcontainers(model, out);
  fromComposes(model, out);
  fromWorkflows(model, out);
  fromGitlab(model, out);
  fromScripts(model, out);
  fromTiltfiles(model, out);
  fromSpec(model, out);
  return out;
}

/** "file:line" and where, for messages. */
export function describeSetting(s: ModuleSetting): string {
  return `${s.file}:${s.line} (${s.where})`;
}
