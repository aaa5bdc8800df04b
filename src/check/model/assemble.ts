import type { RepoModel, StructuredFile } from "../types.js";
import type { FileKind } from "./classify.js";
import { readDockerfile, readDockerignore } from "./dockerfile.js";
import { readGoMod, readGoWork } from "./gomod.js";
import { hasShellShebang, readScript } from "./scripts.js";
import { readSpec } from "./spec.js";
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

/** Parses every file with its reader; what fails to parse lands in `malformed`, never throws. */
export function assembleModel(
  root: string,
  sources: readonly SourceFile[],
  readFile: (path: string) => string | undefined,
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
    gitlab: undefined,
    launches: [],
    golangci: undefined,
    versionPins: [],
    scripts: [],
    spec: undefined,
    malformed: [],
    readFile,
  };
  const bad = (m: Malformed) => model.malformed.push(m);
  const structured = (parsed: Parsed<StructuredFile>, into: StructuredFile[]) => {
    if (parsed.ok) into.push(parsed.file);
    else bad(parsed.malformed);
  };
  const golangci: StructuredFile[] = [];
  const gitlab: StructuredFile[] = [];

  const read = ({ path, kind, text }: SourceFile): void => {
    switch (kind) {
      case "gomod": {
        const r = readGoMod(path, text);
        if (r.ok) model.gomods.push(r.file);
        else r.malformed.forEach(bad);
        break;
      }
      case "gowork": {
        const r = readGoWork(path, text);
        if (r.ok) model.gowork = r.file;
        else r.malformed.forEach(bad);
        break;
      }
      case "dockerfile":
        model.dockerfiles.push(readDockerfile(path, text));
        break;
      case "dockerignore":
        model.dockerignores.push(readDockerignore(path, text));
        break;
      case "devcontainer":
        structured(parseJsoncFile(path, text), model.devcontainers);
        break;
      case "launch":
        structured(parseJsoncFile(path, text), model.launches);
        break;
      case "compose":
        structured(parseYamlFile(path, text), model.composes);
        break;
      case "workflow":
        structured(parseYamlFile(path, text), model.workflows);
        break;
      case "gitlab":
        structured(parseYamlFile(path, text), gitlab);
        break;
      case "golangci":
        structured(
          path.endsWith(".json") ? parseJsoncFile(path, text) : parseYamlFile(path, text),
          golangci,
        );
        break;
      case "go-version":
        model.versionPins.push(readGoVersionFile(path, text));
        break;
      case "tool-versions":
        model.versionPins.push(readToolVersions(path, text));
        break;
      case "mise":
        model.versionPins.push(readMiseToml(path, text));
        break;
      case "shell":
        model.scripts.push(readScript(path, text, "shell"));
        break;
      case "maybe-shell":
        if (hasShellShebang(text)) model.scripts.push(readScript(path, text, "shell"));
        break;
      case "makefile":
        model.scripts.push(readScript(path, text, "makefile"));
        break;
      case "spec":
        model.spec = readSpec(path, text);
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
  // golangci-lint's own lookup order when several configs exist.
  model.golangci = golangciOrder.map((p) => golangci.find((f) => f.path === p)).find(Boolean);
  model.gitlab = gitlab[0];
  model.gomods.sort((a, b) =>
    a.dir === "." ? -1 : b.dir === "." ? 1 : a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0,
  );
  model.malformed.sort((a, b) => byPath(a, b) || a.line - b.line);
  return model;
}

const golangciOrder = [".golangci.yml", ".golangci.yaml", ".golangci.json"];
