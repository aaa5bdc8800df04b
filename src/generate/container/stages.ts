import { posix } from "node:path";
import { NONROOT_UID } from "../../spec/images.js";
import type { Spec } from "../../spec/schema.js";
import type { ResolvedTool } from "../../spec/tools.js";
import { moduleEnv, needsPrivateFetch } from "../module-env.js";
import type { RepoFacts } from "../types.js";
import type { AppBuildPlan, NativeSource } from "./build-plan.js";
import {
  buildContextNames,
  buildStage,
  DEBUG_BASE_STAGE,
  debugTarget,
  DEPS_STAGE,
  liveTarget,
  DELVE_CONTAINER_PORT,
  DEV_TARGET,
  DEV_USER,
  GOPATH,
  OUT_DIR,
  outsideDirs,
  SRC_STAGE,
} from "./names.js";
import { dockerfileValue, execForm, shellWord } from "./quote.js";

// The module cache and build cache of the golang image's root user (GOPATH=/go, HOME=/root).
export const MOD_CACHE = `--mount=type=cache,target=${GOPATH}/pkg/mod`;
export const BUILD_CACHE = "--mount=type=cache,target=/root/.cache/go-build";
const NETRC = "--mount=type=secret,id=netrc,target=/root/.netrc";
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** `RUN` with one mount or command per continuation line, as Docker's docs lay them out. */
export function run(mounts: string[], commands: string[]): string[] {
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
export function fetchMounts(spec: Spec): string[] {
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

/** Where a repo-relative dir is in the build stages (WORKDIR /src); `..` steps outside it. */
function imagePath(dir: string): string {
  return posix.join("/src", dir);
}

/**
 * Named build contexts for module directories outside the repo, by dir. vendor/ holds copies of
 * the replacements, but not of go.work's own modules.
 */
export function outsideContexts(repo: RepoFacts): Map<string, string> {
  return buildContextNames(
    outsideDirs(
      repo.modules.map((m) => m.dir),
      repo.vendor ? [] : repo.replacements,
    ),
  );
}

/**
 * go.mod/go.sum (and go.work) first, so the download layer survives source edits; then the go.mod
 * of every local replacement, which the go command reads to build the module graph (only the main
 * modules' go.sum files are consulted, so a replacement's own go.sum is not needed).
 */
function moduleFiles(repo: RepoFacts): string[] {
  const contexts = outsideContexts(repo);
  const lines: string[] = [];
  if (repo.workspace) {
    lines.push(copyInto(repo.workspace.hasSum ? ["go.work", "go.work.sum"] : ["go.work"], "./"));
  }
  for (const m of repo.modules) {
    const files = ["go.mod", ...(m.hasGoSum ? ["go.sum"] : [])];
    const context = contexts.get(m.dir);
    if (context !== undefined) {
      lines.push(`COPY --from=${context} ${files.join(" ")} ${imagePath(m.dir)}/`);
      continue;
    }
    const prefix = m.dir === "." ? "" : `${m.dir}/`;
    lines.push(
      copyInto(
        files.map((f) => `${prefix}${f}`),
        prefix === "" ? "./" : prefix,
      ),
    );
  }
  const replacements = (repo.replacements ?? []).filter((r) => r.hasGoMod || !r.inRepo);
  if (replacements.length > 0) {
    lines.push("# Local replacements (replace => dir): the module graph includes their go.mod.");
  }
  for (const r of replacements) {
    const context = contexts.get(r.dir);
    lines.push(
      context !== undefined
        ? `COPY --from=${context} go.mod ${imagePath(r.dir)}/`
        : copyInto([`${r.dir}/go.mod`], `${r.dir}/`),
    );
  }
  return lines;
}

/** The sources of module directories outside the repo, from their named build contexts. */
function outsideSources(repo: RepoFacts): string[] {
  return [...outsideContexts(repo)].map(
    ([dir, name]) => `COPY --from=${name} . ${imagePath(dir)}/`,
  );
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

function contextHint(repo: RepoFacts): string[] {
  const contexts = [...outsideContexts(repo)];
  if (contexts.length === 0) return [];
  return [
    "# Module directories outside the repo come from named build contexts:",
    `#   docker build ${contexts.map(([dir, name]) => `--build-context ${name}=${dir}`).join(" ")} .`,
  ];
}

export function depsStages(spec: Spec, repo: RepoFacts, builder: string): string[] {
  const download =
    !repo.vendor && (repo.modules.length > 0 || repo.workspace) ? downloadCommands(repo) : [];
  return [
    "# Everything up to the compile step runs on the build machine's platform; Go cross-compiles.",
    ...contextHint(repo),
    `FROM --platform=$BUILDPLATFORM ${builder} AS ${DEPS_STAGE}`,
    "WORKDIR /src",
    "# Module settings from gopave.yaml; a build can override one with --build-arg NAME=value.",
    ...moduleSettings(spec),
    ...(repo.vendor
      ? ["# vendor/ holds every dependency: builds use -mod=vendor and download nothing."]
      : [
          ...moduleFiles(repo),
          ...(download.length > 0 ? run([MOD_CACHE, ...fetchMounts(spec)], download) : []),
        ]),
    "",
    `FROM ${DEPS_STAGE} AS ${SRC_STAGE}`,
    "COPY . .",
    ...outsideSources(repo),
  ];
}

export function nativeSourceStage(spec: Spec, repo: RepoFacts, source: NativeSource): string[] {
  return [
    "# cgo needs a C toolchain for the target, so cgo apps build on the target platform",
    "# (emulated when it is not the build machine's).",
    `FROM ${source.image} AS ${source.stage}`,
    ...(source.apkBuildBase ? ["RUN apk add --no-cache build-base"] : []),
    "WORKDIR /src",
    ...moduleSettings(spec),
    "COPY . .",
    ...outsideSources(repo),
  ];
}

function goBuild(flags: string[], plan: AppBuildPlan): string {
  return [
    "go build -trimpath",
    ...plan.goFlags,
    ...flags,
    `-o ${OUT_DIR}/${plan.app.name}`,
    shellWord(plan.app.main),
  ].join(" ");
}

/**
 * Cache mounts of a compile step. With vendor/ the module cache is never read; the netrc secret is
 * only for fetching private modules, which a build with everything downloaded (or vendored) may
 * still need when a cache mount starts empty.
 */
function buildMounts(spec: Spec, plan: AppBuildPlan): string[] {
  return plan.vendor ? [BUILD_CACHE] : [MOD_CACHE, BUILD_CACHE, ...fetchMounts(spec)];
}

export function buildStageLines(spec: Spec, plan: AppBuildPlan): string[] {
  const name = plan.app.name;
  const envs = plan.cross ? "CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH" : "CGO_ENABLED=1";
  return [
    `FROM ${plan.from} AS ${buildStage(name)}`,
    // One per line: some Dockerfile parsers (dockerfile-ast) read only the first name of an ARG.
    ...(plan.cross ? ["ARG TARGETOS", "ARG TARGETARCH"] : []),
    ...run(buildMounts(spec, plan), [`${envs} ${goBuild([plan.ldflags], plan)}`]),
  ];
}

export function runtimeStage(plan: AppBuildPlan): string[] {
  const name = plan.app.name;
  return [
    `FROM ${plan.runtimeFrom} AS ${name}`,
    ...(plan.copyCerts ? [`COPY --from=${buildStage(name)} ${CA_BUNDLE} ${CA_BUNDLE}`] : []),
    ...(plan.apkRuntime.length > 0 ? [`RUN apk add --no-cache ${plan.apkRuntime.join(" ")}`] : []),
    `COPY --from=${buildStage(name)} ${OUT_DIR}/${name} /${name}`,
    // Numeric, so it needs no /etc/passwd; 65532 is distroless's nonroot.
    `USER ${NONROOT_UID}:${NONROOT_UID}`,
    ...(plan.app.port !== undefined ? [`EXPOSE ${plan.app.port}`] : []),
    `ENTRYPOINT ${execForm([`/${name}`])}`,
  ];
}

/**
 * Delve for every debug target, installed on top of the module download and before the sources
 * are copied, so a source edit does not reinstall it. `go install pkg@version` ignores the repo's
 * go.mod and vendor/: it always downloads, with the spec's module settings (inherited ENV).
 */
export function debugBaseStage(dlv: ResolvedTool): string[] {
  return [
    "# Debug targets: for local debugging only, so on the build machine's platform. Delve has no",
    "# TLS and no authentication: compose publishes their Delve port on 127.0.0.1 only.",
    `FROM ${DEPS_STAGE} AS ${DEBUG_BASE_STAGE}`,
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
    `FROM ${SRC_STAGE} AS ${debugTarget(name)}`,
    `COPY --from=${DEBUG_BASE_STAGE} ${GOPATH}/bin/dlv ${GOPATH}/bin/dlv`,
    // No -s: Delve needs the DWARF data; -N -l turn off optimisation and inlining.
    ...run(buildMounts(spec, plan), [
      `CGO_ENABLED=${plan.app.cgo ? 1 : 0} ${goBuild(
        [`-gcflags="all=-N -l"`, ...(plan.debugLdflags !== undefined ? [plan.debugLdflags] : [])],
        plan,
      )}`,
    ]),
    `EXPOSE ${[p, ...(port !== undefined ? [String(port)] : [])].join(" ")}`,
    `ENTRYPOINT ${execForm(["dlv", "exec", `${OUT_DIR}/${name}`, ...DELVE_FLAGS])}`,
  ];
}

/**
 * The command that builds an app in its live stage, and again in the running container when Tilt's
 * live_update has synced a change: the release build's flags, no cache mounts.
 */
export function liveBuildCommand(plan: AppBuildPlan): string {
  return `CGO_ENABLED=${plan.app.cgo ? 1 : 0} ${goBuild([plan.ldflags], plan)}`;
}

/**
 * Tilt's inner loop builds these. Without cache mounts the module and build caches stay in the
 * image, so an in-place rebuild after a synced change is incremental and fetches nothing; the
 * image runs as root, and only on a developer's machine.
 */
export function liveStage(spec: Spec, plan: AppBuildPlan, first: boolean): string[] {
  const { name, port } = plan.app;
  return [
    ...(first
      ? [
          "# Inner-loop targets (Tilt): each app built in its source tree, where Tilt's live_update",
          "# syncs a saved change and rebuilds it in place. For local development only.",
        ]
      : []),
    `FROM ${plan.from} AS ${liveTarget(name)}`,
    // DF004 asks for cache mounts; here the caches belong in the image.
    "# gopave:ignore DF004",
    ...run(fetchMounts(spec), [liveBuildCommand(plan)]),
    ...(port !== undefined ? [`EXPOSE ${port}`] : []),
    `ENTRYPOINT ${execForm([`${OUT_DIR}/${name}`])}`,
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
    // Other hosts' users get vscode renumbered to their uid by the dev container tools
    // (updateRemoteUserUID), which re-own only its home: the module cache, outside it, is
    // world-writable as the golang image's GOPATH is, and a new volume on it inherits that mode.
    ...run(
      [],
      [
        `groupadd --gid ${u.gid} ${u.name}`,
        `&& useradd --uid ${u.uid} --gid ${u.gid} --create-home --home-dir ${u.home} --shell /bin/bash ${u.name}`,
        `&& mkdir -p ${GOPATH}/pkg/mod ${GOPATH}/bin ${u.home}/.cache/go-build`,
        `&& chown -R ${u.name}:${u.name} ${GOPATH} ${u.home}`,
        `&& chmod 1777 ${GOPATH}/pkg/mod`,
      ],
    ),
    // js/wasm tests run under Node (go_js_wasm_exec); Debian's is enough for wasm_exec_node.js.
    ...(spec.wasm.some((p) => p.targets.includes("js"))
      ? run(
          [],
          [
            "apt-get update",
            "&& apt-get install -y --no-install-recommends nodejs",
            "&& rm -rf /var/lib/apt/lists/*",
          ],
        )
      : []),
    `USER ${u.name}`,
    ...(installs.length > 0 ? run(mounts, installs) : []),
  ];
}
