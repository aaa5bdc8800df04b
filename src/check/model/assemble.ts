import { posix } from "node:path";
import type { ReadFileEntry, RepoModel, StructuredFile } from "../types.js";
import { resolveBuilds } from "./builds/index.js";
import { hasFromInstruction } from "./classify.js";
import type { FileKind } from "./classify.js";
import { composeShape, mayBeCompose, serviceNames } from "./compose-shape.js";
import { readDockerfile, readDockerignore } from "./dockerfile.js";
import { resolveGitlabIncludes } from "./gitlab-includes.js";
import { readGoMod, readGoWork } from "./gomod.js";
import { isGoreleaserData, readGoreleaser } from "./goreleaser.js";
import { hasShellShebang, readScript } from "./scripts.js";
import { readSpec } from "./spec.js";
import { readTerraformModules } from "./terraform-files.js";
import { readTiltfiles } from "./tiltfile-files.js";
import { parseJsoncFile, parseYamlFile } from "./structured.js";
import type { Parsed } from "./structured.js";
import { readerFailure } from "./text-file.js";
import type { Malformed } from "./text-file.js";
import { readGoVersionFile, readMiseToml, readToolVersions } from "./version-pins.js";

export interface SourceFile {
  path: string;
  kind: FileKind;
  text: string;
}

const byPath = (a: { path: string }, b: { path: string }) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/**
 * Parses every file with its reader; what fails to parse lands in `malformed`, never throws.
 * Files known only by their content (compose files by any name, GitLab includes, Dockerfiles
 * by a looser name) are read once their content says what they are.
 */
export function assembleModel(
  root: string,
  sources: readonly SourceFile[],
  readFile: (path: string) => string | undefined,
  discovery: RepoModel["discovery"] = { method: "files", truncated: false },
): RepoModel {
  const model: RepoModel = {
    root,
    gomods: [],
    gowork: undefined,
    dockerfiles: [],
    dockerignores: [],
    devcontainers: [],
    composes: [],
    workflows: [],
    actions: [],
    woodpeckers: [],
    gitlab: undefined,
    gitlabIncludes: [],
    goreleasers: [],
    builds: [],
    launches: [],
    golangci: undefined,
    golangciConfigs: [],
    versionPins: [],
    scripts: [],
    terraform: [],
    tiltfiles: [],
    spec: undefined,
    files: [],
    discovery,
    malformed: [],
    readFile,
  };
  const files: ReadFileEntry[] = [];
  const bad = (m: Malformed) => model.malformed.push(m);
  /** Parsed into `into` (or reported malformed) and listed as read, as `kind`. */
  const structured = (parsed: Parsed<StructuredFile>, into: StructuredFile[], kind: string) => {
    if (parsed.ok) into.push(parsed.file);
    else bad(parsed.malformed);
    files.push({ path: parsed.ok ? parsed.file.path : parsed.malformed.path, kind });
  };
  const golangci: StructuredFile[] = [];
  const gitlab: StructuredFile[] = [];
  const yaml: SourceFile[] = [];

  const read = ({ path, kind, text }: SourceFile): void => {
    switch (kind) {
      case "gomod": {
        const r = readGoMod(path, text);
        if (r.ok) model.gomods.push(r.file);
        else r.malformed.forEach(bad);
        files.push({ path, kind });
        break;
      }
      case "gowork": {
        const r = readGoWork(path, text);
        if (r.ok) model.gowork = r.file;
        else r.malformed.forEach(bad);
        files.push({ path, kind });
        break;
      }
      case "maybe-dockerfile":
      case "dockerfile":
        if (kind === "maybe-dockerfile" && !hasFromInstruction(text)) break;
        model.dockerfiles.push(readDockerfile(path, text));
        files.push({ path, kind: "dockerfile" });
        break;
      case "dockerignore":
        model.dockerignores.push(readDockerignore(path, text));
        files.push({ path, kind });
        break;
      case "devcontainer":
        structured(parseJsoncFile(path, text), model.devcontainers, kind);
        break;
      case "launch":
        structured(parseJsoncFile(path, text), model.launches, kind);
        break;
      case "compose":
        structured(parseYamlFile(path, text), model.composes, kind);
        break;
      case "workflow":
        structured(parseYamlFile(path, text), model.workflows, kind);
        break;
      case "action":
        structured(parseYamlFile(path, text), model.actions, kind);
        break;
      case "woodpecker": {
        // Read only for the images its steps build: one that does not parse is not reported.
        const parsed = parseYamlFile(path, text);
        if (parsed.ok) structured(parsed, model.woodpeckers, kind);
        break;
      }
      case "gitlab": {
        const parsed = parseYamlFile(path, text);
        if (parsed.ok) gitlab.push(parsed.file);
        else structured(parsed, gitlab, kind);
        break;
      }
      case "golangci": {
        const parsed = path.endsWith(".json")
          ? parseJsoncFile(path, text)
          : parseYamlFile(path, text);
        if (parsed.ok) golangci.push(parsed.file);
        else structured(parsed, golangci, kind);
        break;
      }
      case "goreleaser": {
        const parsed = parseYamlFile(path, text);
        if (parsed.ok && !isGoreleaserData(parsed.file.data)) break;
        if (parsed.ok) model.goreleasers.push(readGoreleaser(parsed.file));
        else bad(parsed.malformed);
        files.push({ path, kind });
        break;
      }
      case "yaml":
        yaml.push({ path, kind, text });
        break;
      case "go-version":
        model.versionPins.push(readGoVersionFile(path, text));
        files.push({ path, kind });
        break;
      case "tool-versions":
        model.versionPins.push(readToolVersions(path, text));
        files.push({ path, kind });
        break;
      case "mise":
        model.versionPins.push(readMiseToml(path, text));
        files.push({ path, kind });
        break;
      case "maybe-shell":
      case "shell":
        if (kind === "maybe-shell" && !hasShellShebang(text)) break;
        model.scripts.push(readScript(path, text, "shell"));
        files.push({ path, kind: "shell" });
        break;
      case "makefile":
        model.scripts.push(readScript(path, text, "makefile"));
        files.push({ path, kind });
        break;
      case "spec":
        model.spec = readSpec(path, text);
        files.push({ path, kind });
        break;
    }
  };
  for (const source of [...sources].sort(byPath)) {
    try {
      read(source);
    } catch (err) {
      // A reader that throws is a bug in gopave: that file is reported, the others still read.
      bad(readerFailure(source.path, err));
    }
  }
  // golangci-lint's own lookup order when several configs exist; GitLab reads one pipeline file.
  for (const dir of new Set(golangci.map((f) => posix.dirname(f.path)))) {
    const first = golangciOrder
      .map((name) => golangci.find((f) => f.path === (dir === "." ? name : `${dir}/${name}`)))
      .find(Boolean);
    if (first) model.golangciConfigs.push(first);
  }
  model.golangci = model.golangciConfigs.find((f) => posix.dirname(f.path) === ".");
  model.gitlab = gitlab[0];
  for (const f of model.golangciConfigs) files.push({ path: f.path, kind: "golangci" });
  if (model.gitlab) files.push({ path: model.gitlab.path, kind: "gitlab" });
  readByContent(model, yaml, files, bad);
  try {
    model.terraform = readTerraformModules(sources, readFile);
  } catch (err) {
    const first = sources.find((s) => s.kind === "terraform");
    if (first) bad(readerFailure(first.path, err));
  }
  try {
    model.tiltfiles = readTiltfiles(sources, readFile);
  } catch (err) {
    const first = sources.find((s) => s.kind === "tiltfile");
    if (first) bad(readerFailure(first.path, err));
  }
  const listed = new Set(files.map((f) => f.path));
  for (const f of model.terraform) {
    if (!listed.has(f.path)) files.push({ path: f.path, kind: "terraform" });
  }
  for (const f of model.tiltfiles) {
    if (!listed.has(f.path)) files.push({ path: f.path, kind: "tiltfile" });
  }
  model.composes.sort(byPath);
  model.builds = resolveBuilds(model);
  model.files = files.sort(byPath);
  model.gomods.sort((a, b) =>
    a.dir === "." ? -1 : b.dir === "." ? 1 : a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0,
  );
  model.malformed.sort((a, b) => byPath(a, b) || a.line - b.line);
  return model;
}

const golangciOrder = [".golangci.yml", ".golangci.yaml", ".golangci.json"];

/**
 * YAML files known by content: what .gitlab-ci.yml includes is GitLab CI (whatever it holds),
 * and among the rest, a file whose top level is compose's is a compose file. Only a file that
 * mentions `services:` at the top is parsed for the second test.
 */
function readByContent(
  model: RepoModel,
  yaml: readonly SourceFile[],
  files: ReadFileEntry[],
  bad: (m: Malformed) => void,
): void {
  const parsed = new Map<string, Parsed<StructuredFile>>();
  const parse = (s: SourceFile) => {
    let p = parsed.get(s.path);
    if (!p) parsed.set(s.path, (p = parseYamlFile(s.path, s.text)));
    return p;
  };
  const byPath = new Map(yaml.map((s) => [s.path, s]));
  const included = model.gitlab
    ? resolveGitlabIncludes(model.gitlab.data, model.gitlab.path, [...byPath.keys()], (p) => {
        const s = byPath.get(p);
        const r = s ? parse(s) : undefined;
        return r?.ok ? r.file.data : undefined;
      })
    : [];
  for (const path of included) {
    const r = parse(byPath.get(path) as SourceFile);
    if (r.ok) model.gitlabIncludes.push(r.file);
    else bad(r.malformed);
    files.push({ path, kind: "gitlab" });
  }
  const taken = new Set(included);
  const overrides: StructuredFile[] = [];
  for (const s of yaml) {
    if (taken.has(s.path) || !mayBeCompose(s.text)) continue;
    const r = parse(s);
    const shape = r.ok ? composeShape(r.file.data) : undefined;
    if (!r.ok || !shape) continue;
    if (shape === "override") {
      overrides.push(r.file);
      continue;
    }
    model.composes.push(r.file);
    files.push({ path: s.path, kind: "compose" });
  }
  // An override is a compose file when the services it changes are defined beside it.
  const defined = new Set(
    model.composes.flatMap((c) => serviceNames(c.data).map((n) => `${posix.dirname(c.path)}/${n}`)),
  );
  for (const o of overrides) {
    if (serviceNames(o.data).every((n) => defined.has(`${posix.dirname(o.path)}/${n}`))) {
      model.composes.push(o);
      files.push({ path: o.path, kind: "compose" });
    }
  }
}
