import type { Related, RepoModel, Rule, RuleFinding, StructuredFile } from "../../types.js";
import { devcontainerSource, goFeature, nonRootUser } from "./sources/devcontainer.js";
import { goImageVersion, isDevcontainerGoImage } from "./sources/go-image.js";
import type { DevcontainerSource } from "./sources/devcontainer.js";
import { dockerStages } from "./sources/dockerfile-env.js";
import type { DockerStage } from "./sources/dockerfile-env.js";
import { isRecord, scalarString } from "./sources/values.js";

/** Go commands that fill the module cache when run during the image build. */
const FILLS_MODCACHE =
  /\bgo\s+(install|get|build|test|run|generate|vet|list|mod\s+(download|tidy|vendor))\b/;
const FIXES_OWNER = /\b(chown|chmod)\b[^\n]*(\/go\b|\$\{?GOPATH|\$\{?GOMODCACHE)/;
const LIFECYCLE = [
  "onCreateCommand",
  "updateContentCommand",
  "postCreateCommand",
  "postStartCommand",
];

/** Stages the dev container image is built from, base first. */
function stageChain(src: DevcontainerSource): DockerStage[] {
  if (!src.dockerfile) return [];
  const stages = dockerStages(src.dockerfile);
  const target = src.target?.toLowerCase();
  let stage = target ? stages.find((s) => s.name === target) : stages[stages.length - 1];
  const chain: DockerStage[] = [];
  while (stage && !chain.includes(stage)) {
    chain.unshift(stage);
    const parent = stage.image.toLowerCase();
    stage = stages.slice(0, stages.indexOf(stage)).find((s) => s.name === parent);
  }
  return chain;
}

function isRoot(user: string): boolean {
  return /^(root|0)(:.*)?$/.test(user.trim());
}

function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(text).join(" ");
  if (isRecord(v)) return Object.values(v).map(text).join("\n");
  return "";
}

/** A cache location outside /go (the user's home, /tmp, a workspace dir) is writable by design. */
function movesCache(dc: StructuredFile, chain: DockerStage[]): boolean {
  const outside = (v: string | undefined) => v !== undefined && v !== "" && !/^\/go(\/|$)/.test(v);
  for (const key of ["containerEnv", "remoteEnv"]) {
    const env = isRecord(dc.data) ? dc.data[key] : undefined;
    if (
      isRecord(env) &&
      (outside(scalarString(env["GOMODCACHE"])) || outside(scalarString(env["GOPATH"])))
    ) {
      return true;
    }
  }
  return chain.some((s) =>
    s.settings.some((e) => (e.name === "GOMODCACHE" || e.name === "GOPATH") && outside(e.value)),
  );
}

interface Cause {
  file: string;
  line: number;
  what: string;
}

/** A compose volume entry, short (`src:dst[:mode]`) or long form; a path source is a bind mount. */
function composeVolume(v: unknown): { target: string | undefined; bind: boolean } {
  if (typeof v === "string") {
    const [a, b] = v.split(":");
    return b === undefined
      ? { target: a, bind: false }
      : { target: b, bind: /^[./~$]/.test(a ?? "") };
  }
  if (!isRecord(v)) return { target: undefined, bind: false };
  return { target: scalarString(v["target"]), bind: v["type"] === "bind" };
}

/** Volume mounts (not bind mounts) on the module cache: Docker creates them owned by root. */
function cacheVolumes(dc: StructuredFile, src: DevcontainerSource): Cause[] {
  const out: Cause[] = [];
  const onCache = (target: string) => /^\/go(\/pkg(\/mod)?)?\/?$/.test(target);
  const mounts = isRecord(dc.data) && Array.isArray(dc.data["mounts"]) ? dc.data["mounts"] : [];
  mounts.forEach((m: unknown, i) => {
    const fields =
      typeof m === "string"
        ? Object.fromEntries(m.split(",").map((kv) => kv.split("=", 2) as [string, string]))
        : isRecord(m)
          ? m
          : {};
    const target = scalarString(fields["target"] ?? fields["dst"] ?? fields["destination"]);
    if (target && onCache(target) && fields["type"] !== "bind") {
      out.push({ file: dc.path, line: dc.lineOf(["mounts", i]), what: `a volume on ${target}` });
    }
  });
  for (const { file, name, service } of src.services) {
    const vols = Array.isArray(service["volumes"]) ? service["volumes"] : [];
    vols.forEach((v: unknown, i) => {
      const { target, bind } = composeVolume(v);
      if (target && onCache(target) && !bind) {
        out.push({
          file: file.path,
          line: file.lineOf(["services", name, "volumes", i]),
          what: `a volume on ${target}`,
        });
      }
    });
  }
  return out;
}

/** Go commands run as root while the image is built: they create /go/pkg/mod owned by root. */
function rootFills(src: DevcontainerSource, chain: DockerStage[]): Cause[] {
  const out: Cause[] = [];
  let user = "root";
  for (const stage of chain) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if (kw === "USER") user = ins.getArgumentsContent() ?? user;
      if (kw === "RUN" && isRoot(user) && FILLS_MODCACHE.test(ins.getArgumentsContent() ?? "")) {
        out.push({
          file: src.dockerfile?.path ?? "",
          line: ins.getRange().start.line + 1,
          what: "a go command run as root during the image build",
        });
      }
    }
  }
  return out;
}

function check(model: RepoModel, dc: StructuredFile): RuleFinding | undefined {
  const user = nonRootUser(dc);
  // The Go feature hands GOROOT and GOPATH to the remote user (chown + a golang group).
  if (!user || goFeature(dc)) return undefined;
  const src = devcontainerSource(model, dc);
  if (src.image && isDevcontainerGoImage(src.image)) return undefined;
  const chain = stageChain(src);
  const base = chain[0]?.image ?? src.image;
  if (base === undefined || goImageVersion(base) === undefined || isDevcontainerGoImage(base))
    return undefined;
  const lifecycle = LIFECYCLE.map((k) => text(isRecord(dc.data) ? dc.data[k] : undefined)).join(
    "\n",
  );
  const fixed =
    FIXES_OWNER.test(lifecycle) ||
    chain.some((s) =>
      s.instructions.some(
        (i) => i.getKeyword() === "RUN" && FIXES_OWNER.test(i.getArgumentsContent() ?? ""),
      ),
    ) ||
    movesCache(dc, chain);
  if (fixed) return undefined;
  // The golang image's /go is world-writable: only a root-owned cache directory breaks it.
  const causes = [...rootFills(src, chain), ...cacheVolumes(dc, src)];
  const first = causes[0];
  if (!first) return undefined;
  const related: Related[] = causes.map((c) => ({ file: c.file, line: c.line, message: c.what }));
  return {
    file: dc.path,
    line: user.line,
    message:
      `${user.key} "${user.name}" runs Go from ${base}, but the module cache will be owned by root ` +
      `(${first.what}, ${first.file}:${first.line}): go commands fail with "could not create module ` +
      `cache … permission denied"; chown /go to ${user.name} in the Dockerfile, or point GOMODCACHE ` +
      `into the user's home`,
    related,
  };
}

export const DC003: Rule = {
  id: "DC003",
  severity: "warning",
  title: "non-root dev container user cannot write the Go module cache",
  doc: {
    why:
      "The golang image keeps the module cache in /go/pkg/mod. /go itself is world-writable, but a go " +
      "command run as root while building the image, or a Docker volume mounted on /go/pkg/mod (Docker " +
      "creates it owned by root), leaves a root-owned cache that a non-root remoteUser/containerUser " +
      'cannot write: every `go build` fails with "could not create module cache: … permission denied". ' +
      "The Go feature and the mcr.microsoft.com/devcontainers/go images hand /go to the user themselves.",
    fix:
      "In the dev container Dockerfile, create /go/pkg/mod and `chown -R <user> /go` before switching " +
      "USER (a volume then inherits that owner), or set GOMODCACHE to a directory in the user's home.",
    example: {
      file: ".devcontainer/Dockerfile",
      bad: 'FROM golang:1.26.8\nRUN go install golang.org/x/tools/gopls@v0.23.0\n# devcontainer.json: "remoteUser": "vscode"',
      good:
        "FROM golang:1.26.8\nRUN useradd -m vscode && mkdir -p /go/pkg/mod && chown -R vscode /go\nUSER vscode\n" +
        "RUN go install golang.org/x/tools/gopls@v0.23.0",
    },
  },
  check({ model }) {
    return model.devcontainers.flatMap((dc) => check(model, dc) ?? []);
  },
};
