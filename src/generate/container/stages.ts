import { NONROOT_UID } from "../../spec/images.js";
import type { Spec } from "../../spec/schema.js";
import type { ResolvedTool } from "../../spec/tools.js";
import { moduleEnv, needsPrivateFetch } from "../module-env.js";
import type { RepoFacts } from "../types.js";
import type { AppBuildPlan, NativeSource } from "./build-plan.js";
import {
  buildStage,
  DEBUG_BASE_STAGE,
  debugTarget,
  DEPS_STAGE,
  DELVE_CONTAINER_PORT,
  DEV_TARGET,
  DEV_USER,
  GOPATH,
  OUT_DIR,
  SRC_STAGE,
} from "./names.js";
import { dockerfileValue, execForm, shellWord } from "./quote.js";

// The module cache and build cache of the golang image's root user (GOPATH=/go, HOME=/root).
const MOD_CACHE = `--mount=type=cache,target=${GOPATH}/pkg/mod`;
const BUILD_CACHE = "--mount=type=cache,target=/root/.cache/go-build";
const NETRC = "--mount=type=secret,id=netrc,target=/root/.netrc";
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** `RUN` with one mount or command per continuation line, as Docker's docs lay them out. */
function run(mounts: string[], commands: string[]): string[] {
  const parts = [...mounts, ...commands];
  return parts.map(
    (p, i) => `${i === 0 ? "RUN " : "    "}${p}${i < parts.length - 1 ? " \\" : ""}`,
  );
}

/** `ENV` with one variable per line. */
function env(pairs: [string, string][]): string[] {
  return pairs.map(
    ([k, v], i) => `${i === 0 ? "ENV " : "    "}${k}=${v}${i < pairs.length - 1 ? " \\" : ""}`,
  );
}

/** Private modules may need fetching in any step: cache mounts can start empty at any time. */
function fetchMounts(spec: Spec): string[] {
  return needsPrivateFetch(spec) ? [NETRC] : [];
}

/**
 * The spec's module settings as build args (so `--build-arg GOPROXY=...` can point a CI build at
 * another proxy) copied into ENV: child stages inherit ENV in every builder, while ARG inheritance
 * is BuildKit-only, and ENV wins over the golang image's own GOTOOLCHAIN=local everywhere.
 */
function moduleSettings(spec: Spec): string[] {
  const vars = moduleEnv(spec);
  // GOPROXY, GOSUMDB and GOPRIVATE are always build args, so a build can set them even when the
  // spec leaves them to Go's defaults; an empty value means "default" to the go command.
  const declared = new Set(vars.map(([k]) => k));
  const always = ALWAYS_BUILD_ARGS.filter((k) => !declared.has(k)).map((k): [string, string] => [
    k,
    "",
  ]);
  const all = [...vars, ...always];
  return [
    ...all.map(([k, v]) => (v === "" ? `ARG ${k}` : `ARG ${k}=${dockerfileValue(v)}`)),
    ...env(all.map(([k]) => [k, `"$${k}"`])),
  ];
}

const ALWAYS_BUILD_ARGS = ["GOPROXY", "GOSUMDB", "GOPRIVATE"];

function copyInto(sources: string[], dest: string): string {
  const spaced = [...sources, dest].some((p) => /\s/.test(p));
  return spaced ? `COPY ${execForm([...sources, dest])}` : `COPY ${[...sources, dest].join(" ")}`;
}

/** go.mod/go.sum (and go.work) first, so the download layer survives source edits. */
function moduleFiles(repo: RepoFacts): string[] {
  const lines: string[] = [];
  if (repo.workspace) {
    lines.push(copyInto(repo.workspace.hasSum ? ["go.work", "go.work.sum"] : ["go.work"], "./"));
  }
  for (const m of repo.modules) {
    const prefix = m.dir === "." ? "" : `${m.dir}/`;
    const files = [`${prefix}go.mod`, ...(m.hasGoSum ? [`${prefix}go.sum`] : [])];
    lines.push(copyInto(files, prefix === "" ? "./" : prefix));
  }
  return lines;
}

/** One download covers a workspace; separate modules without go.work each download their own. */
function downloadCommands(repo: RepoFacts): string[] {
  if (repo.workspace || repo.modules.every((m) => m.dir === ".")) return ["go mod download"];
  return [
    repo.modules
      .map((m) => (m.dir === "." ? "go mod download" : `go -C ${shellWord(m.dir)} mod download`))
      .join(" && "),
  ];
}

export function depsStages(spec: Spec, repo: RepoFacts, builder: string): string[] {
  const download = repo.modules.length > 0 || repo.workspace ? downloadCommands(repo) : [];
  return [
    "# Everything up to the compile step runs on the build machine's platform; Go cross-compiles.",
    `FROM --platform=$BUILDPLATFORM ${builder} AS ${DEPS_STAGE}`,
    "WORKDIR /src",
    "# Module settings from gopave.yaml; a build can override one with --build-arg NAME=value.",
    ...moduleSettings(spec),
    ...moduleFiles(repo),
    ...(download.length > 0 ? run([MOD_CACHE, ...fetchMounts(spec)], download) : []),
    "",
    `FROM ${DEPS_STAGE} AS ${SRC_STAGE}`,
    "COPY . .",
  ];
}

export function nativeSourceStage(spec: Spec, source: NativeSource): string[] {
  return [
    "# cgo needs a C toolchain for the target, so cgo apps build on the target platform",
    "# (emulated when it is not the build machine's).",
    `FROM ${source.image} AS ${source.stage}`,
    ...(source.apkBuildBase ? ["RUN apk add --no-cache build-base"] : []),
    "WORKDIR /src",
    ...moduleSettings(spec),
    "COPY . .",
  ];
}

function goBuild(flags: string, plan: AppBuildPlan): string {
  return `go build -trimpath ${flags} -o ${OUT_DIR}/${plan.app.name} ${shellWord(plan.app.main)}`;
}

export function buildStageLines(spec: Spec, plan: AppBuildPlan): string[] {
  const name = plan.app.name;
  const envs = plan.cross ? "CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH" : "CGO_ENABLED=1";
  return [
    `FROM ${plan.from} AS ${buildStage(name)}`,
    // One per line: some Dockerfile parsers (dockerfile-ast) read only the first name of an ARG.
    ...(plan.cross ? ["ARG TARGETOS", "ARG TARGETARCH"] : []),
    ...run(
      [MOD_CACHE, BUILD_CACHE, ...fetchMounts(spec)],
      [`${envs} ${goBuild(`-ldflags=${plan.ldflags}`, plan)}`],
    ),
  ];
}

export function runtimeStage(plan: AppBuildPlan): string[] {
  const name = plan.app.name;
  return [
    `FROM ${plan.runtimeFrom} AS ${name}`,
    ...(plan.copyCerts ? [`COPY --from=${buildStage(name)} ${CA_BUNDLE} ${CA_BUNDLE}`] : []),
    `COPY --from=${buildStage(name)} ${OUT_DIR}/${name} /${name}`,
    // Numeric, so it needs no /etc/passwd; 65532 is distroless's nonroot.
    `USER ${NONROOT_UID}:${NONROOT_UID}`,
    ...(plan.app.port !== undefined ? [`EXPOSE ${plan.app.port}`] : []),
    `ENTRYPOINT ${execForm([`/${name}`])}`,
  ];
}

export function debugBaseStage(dlv: ResolvedTool): string[] {
  return [
    "# Debug targets: for local debugging only, so on the build machine's platform. Delve has no",
    "# TLS and no authentication: compose publishes their Delve port on 127.0.0.1 only.",
    `FROM ${SRC_STAGE} AS ${DEBUG_BASE_STAGE}`,
    ...run([MOD_CACHE, BUILD_CACHE], [`go install ${shellWord(dlv.package)}@${dlv.version}`]),
  ];
}

// --continue starts the app at once; Delve refuses it without --headless and --accept-multiclient.
const DELVE_FLAGS = [
  "--headless",
  `--listen=:${DELVE_CONTAINER_PORT}`,
  "--api-version=2",
  "--accept-multiclient",
  "--continue",
];

export function debugStage(spec: Spec, plan: AppBuildPlan): string[] {
  const { name, port } = plan.app;
  const p = String(DELVE_CONTAINER_PORT);
  return [
    `FROM ${DEBUG_BASE_STAGE} AS ${debugTarget(name)}`,
    // No -s: Delve needs the DWARF data; -N -l turn off optimisation and inlining.
    ...run(
      [MOD_CACHE, BUILD_CACHE, ...fetchMounts(spec)],
      [`CGO_ENABLED=${plan.app.cgo ? 1 : 0} ${goBuild(`-gcflags="all=-N -l"`, plan)}`],
    ),
    `EXPOSE ${[p, ...(port !== undefined ? [String(port)] : [])].join(" ")}`,
    `ENTRYPOINT ${execForm(["dlv", "exec", `${OUT_DIR}/${name}`, ...DELVE_FLAGS])}`,
  ];
}

export function devStage(spec: Spec, tools: ResolvedTool[], builder: string): string[] {
  const u = DEV_USER;
  // Caches of their own: ones shared with the root stages are root-owned and unwritable here.
  const mounts = [
    `--mount=type=cache,id=gomod-${u.name},target=${GOPATH}/pkg/mod,uid=${u.uid},gid=${u.gid}`,
    `--mount=type=cache,id=gobuild-${u.name},target=${u.home}/.cache/go-build,uid=${u.uid},gid=${u.gid}`,
    ...(needsPrivateFetch(spec)
      ? [`--mount=type=secret,id=netrc,target=${u.home}/.netrc,uid=${u.uid}`]
      : []),
  ];
  const installs = tools.map(
    (t, i) => `${i === 0 ? "" : "&& "}go install ${shellWord(t.package)}@${t.version}`,
  );
  return [
    "# The dev container: the same Go, module settings and pinned tools as every other place.",
    `FROM ${builder} AS ${DEV_TARGET}`,
    ...env(moduleEnv(spec).map(([k, v]) => [k, dockerfileValue(v)])),
    // uid 1000 is the usual first user on Linux hosts, so bind-mounted files keep their owner.
    ...run(
      [],
      [
        `groupadd --gid ${u.gid} ${u.name}`,
        `&& useradd --uid ${u.uid} --gid ${u.gid} --create-home --home-dir ${u.home} --shell /bin/bash ${u.name}`,
        `&& mkdir -p ${GOPATH}/pkg/mod ${GOPATH}/bin ${u.home}/.cache/go-build`,
        `&& chown -R ${u.name}:${u.name} ${GOPATH} ${u.home}`,
      ],
    ),
    `USER ${u.name}`,
    ...(installs.length > 0 ? run(mounts, installs) : []),
  ];
}
