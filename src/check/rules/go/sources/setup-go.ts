import { posix } from "node:path";
import type { RepoModel, RuleFinding } from "../../../types.js";
import { versionPrecision } from "./go-image.js";
import { belowGoLineEffect } from "./below-go-line.js";
import type { ToolchainMode } from "./below-go-line.js";
import { pinBelow, pinsAgree, requiredGo } from "./go-lines.js";
import type { GoMinimum } from "./go-lines.js";
import { SETUP_GO, workflowJobs } from "./workflows.js";
import type { WorkflowJob, WorkflowStep } from "./workflows.js";
import { scalarString } from "./values.js";

export interface ExactPin {
  version: string;
  file: string;
  line: number;
  what: string;
}

/** The release the repo pins exactly: gopave.yaml, else the governing toolchain line (as GV001). */
export function exactPin(model: RepoModel): ExactPin | undefined {
  const loaded = model.spec?.loaded;
  if (model.spec && loaded) {
    const version = loaded.spec.go.version;
    return {
      version,
      file: model.spec.path,
      line: loaded.positionOf(["go", "version"]).line,
      what: `${model.spec.path} (go.version ${version})`,
    };
  }
  const root = model.gomods.find((m) => m.dir === ".");
  const tc = model.gowork
    ? model.gowork.work.toolchain && { ...model.gowork.work.toolchain, file: model.gowork.path }
    : root?.mod.toolchain && { ...root.mod.toolchain, file: root.path };
  const tv = tc && versionPrecision(tc.name.replace(/-.*$/, ""));
  if (!tc || tv?.precision !== "exact") return undefined;
  return {
    version: tv.version,
    file: tc.file,
    line: tc.line,
    what: `${tc.file}'s toolchain line (${tc.name})`,
  };
}

/** YAML reads `go-version: 1.20` as the number 1.2: compare the value with the text. */
function unquotedNumber(raw: unknown, lineText: string | undefined): string | undefined {
  if (typeof raw !== "number") return undefined;
  const written = /go-version:\s*([^\s#]+)/.exec(lineText ?? "")?.[1];
  return written !== undefined && written !== String(raw) ? written : undefined;
}

interface Selected {
  version: string;
  precision: "exact" | "minor";
  /** How setup-go arrived at it, for messages. */
  how: string;
  related: { file: string; line: number }[];
}

/** What `go-version-file` makes setup-go install, or a problem with the file. */
export function fromVersionFile(
  model: RepoModel,
  raw: string,
  major: number | undefined,
): Selected | { missing: string } | undefined {
  const path = posix.normalize(raw.replace(/^\.\//, ""));
  const base = posix.basename(path);
  if (base === "go.mod" || base === "go.work") {
    const mod =
      base === "go.mod"
        ? model.gomods.find((m) => m.path === path)?.mod
        : model.gowork?.path === path
          ? model.gowork.work
          : undefined;
    if (!mod) return { missing: path };
    // setup-go v6 reads the toolchain line first; earlier majors only the go line.
    const tc = (major ?? 6) >= 6 ? mod.toolchain : undefined;
    if (tc && tc.name !== "default") {
      const p = versionPrecision(tc.name.replace(/-.*$/, ""));
      if (p)
        return { ...p, how: `${path}'s toolchain line`, related: [{ file: path, line: tc.line }] };
    }
    const go = mod.go;
    const p = go && versionPrecision(go.version);
    if (!go || !p) return undefined;
    const how = `${path}'s go line${mod.toolchain && tc === undefined ? ` (setup-go v${major} ignores the toolchain line; v6 reads it)` : ""}`;
    return { ...p, how, related: [{ file: path, line: go.line }] };
  }
  if (base === ".go-version" || base === ".tool-versions") {
    const f = model.versionPins.find((v) => v.path === path);
    if (!f) return { missing: path };
    const p = f.go && versionPrecision(f.go.version);
    if (!f.go || !p) return undefined;
    return { ...p, how: path, related: [{ file: path, line: f.go.line }] };
  }
  return undefined;
}

export interface SetupGoStep {
  job: WorkflowJob;
  step: WorkflowStep;
}

export function setupGoSteps(model: RepoModel): SetupGoStep[] {
  return workflowJobs(model).flatMap((job) =>
    job.steps.filter((s) => s.action === SETUP_GO).map((step) => ({ job, step })),
  );
}

/**
 * How GOTOOLCHAIN is set for a setup-go step's job: setup-go v6+ exports GOTOOLCHAIN=local for
 * the rest of the job (actions/setup-go src/main.ts setGoToolchain, since v6.0.0); earlier
 * majors leave Go's default, auto. A workflow that sets GOTOOLCHAIN itself is not second-guessed.
 */
export function toolchainMode(step: SetupGoStep): ToolchainMode {
  if (/\bGOTOOLCHAIN\b/.test(step.job.file.text)) return "unknown";
  const major = step.step.major;
  if (major === undefined) return "unknown";
  return major >= 6 ? "local" : "auto";
}

function checkSelected(
  sel: Selected,
  file: string,
  line: number,
  need: GoMinimum | undefined,
  exact: ExactPin | undefined,
  mode: ToolchainMode,
): RuleFinding | undefined {
  const what = sel.precision === "minor" ? `Go ${sel.version}.x` : `Go ${sel.version}`;
  if (need && pinBelow(sel.version, sel.precision, need.version)) {
    const effect = belowGoLineEffect(sel, need.version, mode, "setup-go v6+ exports it");
    return {
      file,
      line,
      message:
        `setup-go installs ${what} (${sel.how}), below the go line \`go ${need.version}\` in ` +
        `${need.file}: ${effect}`,
      related: [
        ...sel.related,
        { file: need.file, line: need.line, message: `go ${need.version}` },
      ],
    };
  }
  if (exact && !pinsAgree(sel, { version: exact.version, precision: "exact" })) {
    return {
      file,
      line,
      message: `setup-go installs ${what} (${sel.how}) but ${exact.what} pins Go ${exact.version}: CI tests another Go than the one the repo uses`,
      related: [
        ...sel.related,
        { file: exact.file, line: exact.line, message: `Go ${exact.version}` },
      ],
    };
  }
  return undefined;
}

/**
 * A path as the repo knows it: `actions/checkout` with `path: head` puts the repo under head/,
 * so `go-version-file: head/go.mod` is the repo's go.mod.
 */
function inCheckout(job: WorkflowJob, step: WorkflowStep, file: string): string {
  const norm = posix.normalize(file.replace(/^\.\//, ""));
  for (const s of job.steps) {
    if (s.index >= step.index || s.action !== "actions/checkout") continue;
    const dir = scalarString(s.with["path"]);
    const prefix = dir && posix.normalize(dir.replace(/^\.\//, "")).replace(/\/+$/, "");
    if (prefix && prefix !== "." && norm.startsWith(`${prefix}/`))
      return norm.slice(prefix.length + 1);
  }
  return norm;
}

/** CI001's findings; GV001/GV002 leave these locations to it. */
export function setupGoProblems(model: RepoModel): RuleFinding[] {
  const exact = exactPin(model);
  const out: RuleFinding[] = [];
  for (const setup of setupGoSteps(model)) {
    const { job, step } = setup;
    const mode = toolchainMode(setup);
    const file = job.file.path;
    const need = requiredGo(model, file);
    const rawVersion = step.with["go-version"];
    const version = scalarString(rawVersion);
    if (version !== undefined && version !== "") {
      const line = job.file.lineOf([...step.path, "with", "go-version"]);
      const written = unquotedNumber(rawVersion, job.file.lines[line - 1]);
      if (written !== undefined) {
        out.push({
          file,
          line,
          message: `go-version: ${written} is a YAML number, read as ${version}: setup-go installs Go ${version}, not ${written}; quote it ('${written}')`,
        });
        continue;
      }
      if (version.includes("${{")) continue;
      const p = versionPrecision(version);
      if (!p) continue;
      const f = checkSelected(
        { ...p, how: `go-version ${version}`, related: [] },
        file,
        line,
        need,
        exact,
        mode,
      );
      if (f) out.push(f);
      continue;
    }
    const vf = scalarString(step.with["go-version-file"]);
    if (vf === undefined || vf === "" || vf.includes("${{")) continue;
    const line = job.file.lineOf([...step.path, "with", "go-version-file"]);
    const sel = fromVersionFile(model, inCheckout(job, step, vf), step.major);
    if (!sel) continue;
    if ("missing" in sel) {
      out.push({
        file,
        line,
        message: `go-version-file points at ${sel.missing}, which is not in the repository: setup-go fails before the job starts`,
      });
      continue;
    }
    const f = checkSelected(sel, file, line, need, exact, mode);
    if (f) out.push(f);
  }
  return out;
}
