import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseGoVersion } from "../gomod/go-version.js";
import { parseGoproxy } from "../gomod/goproxy-list.js";
import { detectCgo } from "./cgo.js";
import { goEnv, runGo } from "./go-command.js";
import { goListMains, modulesInRepo } from "./go-list.js";
import { buildModel } from "../check/model/index.js";
import { goVersionPins } from "../check/rules/go/sources/version-pins.js";
import type { RepoModel } from "../check/types.js";
import { GopaveError } from "../util/errors.js";
import { appDetails, matchesChoice } from "./app-details.js";
import { selectApps } from "./apps.js";
import type { AppCandidate, LeftOut } from "./apps.js";
import { imageStage, shippedBuilds } from "./builds/index.js";
import { defaultBranch } from "./default-branch.js";
import { chooseGoVersion, releaseFromGoVersion } from "./go-version-choice.js";
import type { KeptGoPin } from "./go-version-choice.js";
import { importGraph } from "./import-graph.js";
import { findKeptFiles } from "./kept-files.js";
import type { KeptFiles } from "./kept-files.js";
import { detectPrivateModules } from "./private-modules.js";
import type { PrivateDetection } from "./private-modules.js";
import { projectName } from "./project-name.js";
import { publicProxyUrl } from "./public-proxy.js";
import { loadRepo, toRepoFacts } from "./repo-files.js";
import type { LoadedRepo } from "./repo-files.js";
import { parsedImportGraph } from "./import-graph.js";
import { readKeptCompose } from "./kept-compose.js";
import { detectServices } from "./services.js";
import type { ServiceDetection } from "./services.js";
import { scanMainPackages } from "./source-scan.js";
import { scanWasmPrograms } from "./wasm-programs.js";
import type { Detection, DetectOptions, MainPackage } from "./types.js";
import type { KeptCompose } from "../generate/types.js";

interface LocalGo {
  version: string | undefined;
  goroot: string | undefined;
  /** GOPROXY as the go command resolves it (environment, go env -w file, go.env). */
  goproxy: string | undefined;
  problem: string | undefined;
}

async function localGo(root: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<LocalGo> {
  const r = await runGo(["env", "-json", "GOVERSION", "GOROOT", "GOPROXY"], {
    cwd: root,
    env: goEnv(env),
    timeoutMs,
  });
  const none = { version: undefined, goroot: undefined, goproxy: undefined };
  if (!r.ok) return { ...none, problem: r.reason };
  try {
    const j = JSON.parse(r.stdout) as { GOVERSION?: string; GOROOT?: string; GOPROXY?: string };
    const version = j.GOVERSION ? releaseFromGoVersion(j.GOVERSION) : undefined;
    return {
      version,
      goroot: j.GOROOT || undefined,
      goproxy: j.GOPROXY,
      problem: version ? undefined : `unrecognised GOVERSION ${JSON.stringify(j.GOVERSION)}`,
    };
  } catch {
    return { ...none, problem: "go env printed no JSON" };
  }
}

/**
 * Offline when asked to, or when the user's go settings forbid network module lookups
 * (GOPROXY=off in the environment or, via `go env`, in the go env file).
 */
export function isOffline(
  opts: DetectOptions,
  env: NodeJS.ProcessEnv,
  resolvedGoproxy?: string,
): boolean {
  if (opts.offline || env.GOPAVE_OFFLINE === "1") return true;
  return [env.GOPROXY, resolvedGoproxy].some((v) => {
    const parsed = v?.trim() ? parseGoproxy(v.trim()) : undefined;
    return parsed?.ok === true && parsed.entries[0]?.kind === "off";
  });
}

async function mainPackages(
  repo: LoadedRepo,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  goMinorForTags: () => Promise<number | undefined>,
): Promise<{ mains: MainPackage[]; notes: string[] }> {
  const listed = await goListMains(repo, env, timeoutMs);
  if (listed.ok) return { mains: listed.mains, notes: [] };
  const mains = scanMainPackages(repo.root, modulesInRepo(repo), await goMinorForTags());
  return {
    mains,
    notes: [`go list failed (${listed.reason}); found main packages by parsing sources`],
  };
}

/**
 * Services of the apps init keeps. The
 * graph is parsed from the repo's sources, not listed by the go command: the same answer with or
 * without the module cache, and well under a second on big repos, where `go list -deps` takes
 * seconds. Drivers behind third-party wrappers are known by name (service-drivers.ts).
 */
function servicesOf(
  repo: LoadedRepo,
  mains: readonly MainPackage[],
  keptCompose: KeptCompose | undefined,
  envExample: Record<string, string> | undefined,
): ServiceDetection {
  return detectServices(repo, mains, parsedImportGraph(repo, mains), { keptCompose, envExample });
}

async function privateModules(
  repo: LoadedRepo,
  opts: DetectOptions,
  env: NodeJS.ProcessEnv,
  local: LocalGo,
): Promise<PrivateDetection> {
  const offline = isOffline(opts, env, local.goproxy);
  const proxy = offline ? undefined : publicProxyUrl(env, local.goroot);
  const found = await detectPrivateModules(repo, { proxy, budgetMs: opts.proxyBudgetMs ?? 3_000 });
  if (offline || proxy !== undefined) return found;
  const why = "found no public module proxy to ask (no go.env, no GOPAVE_PUBLIC_PROXY)";
  return { ...found, notes: [`${why}; judged private modules by host name`, ...found.notes] };
}

/**
 * Without a root Dockerfile, Dockerfiles that build an app, or sit in an app's main package
 * ("cmd/api/Dockerfile"), are where the repo builds its images: gopave keeps them rather than
 * adding a root Dockerfile beside them.
 */
function withAppDockerfiles(
  root: string,
  kept: KeptFiles,
  apps: readonly AppCandidate[],
): KeptFiles {
  if (kept.dockerfile !== undefined) return kept;
  const files = apps.flatMap((a) => [
    ...a.builds.filter((b) => b.source === "dockerfile").map((b) => b.file),
    ...["Dockerfile", "Containerfile"]
      .map((f) => (a.pkg.dir === "." ? f : `${a.pkg.dir.slice(2)}/${f}`))
      .filter((p) => existsSync(join(root, p))),
  ]);
  const unique = [...new Set(files)];
  if (unique.length === 0) return kept;
  const notes =
    unique.length > 1
      ? [
          `the apps' images are built by ${unique.join(", ")}; gopave keeps them and writes no Dockerfile`,
        ]
      : [];
  return { ...kept, dockerfile: unique[0] as string, notes: [...kept.notes, ...notes] };
}

/**
 * The repo's Dockerfile that builds one app's image: one that builds it, else one beside its main
 * package, else the kept root Dockerfile when it is the only app.
 */
function appDockerfile(
  root: string,
  kept: KeptFiles,
  app: AppCandidate,
  appCount: number,
): string | undefined {
  if (kept.dockerfile === undefined) return undefined;
  const built = app.builds.find((b) => b.source === "dockerfile")?.file;
  if (built) return built;
  const own = ["Dockerfile", "Containerfile"]
    .map((f) => (app.pkg.dir === "." ? f : `${app.pkg.dir.slice(2)}/${f}`))
    .find((p) => existsSync(join(root, p)));
  if (own) return own;
  return appCount === 1 && !kept.dockerfile.includes("/") ? kept.dockerfile : undefined;
}

/** Exact or floating-minor Go versions the repo's own files name (not go.mod, not gopave.yaml). */
function keptGoPins(model: RepoModel): KeptGoPin[] {
  const own = new Set(["go-line", "toolchain", "spec", "spec-builder"]);
  return goVersionPins(model).flatMap((p) =>
    !own.has(p.kind) &&
    p.version !== undefined &&
    (p.precision === "exact" || p.precision === "minor")
      ? [{ version: p.version, precision: p.precision, label: p.label }]
      : [],
  );
}

function chosenApps(
  mains: MainPackage[],
  choices: string[],
  project: string,
): { apps: AppCandidate[]; leftOut: LeftOut[] } {
  const picked = new Set<MainPackage>();
  for (const choice of choices) {
    const hits = mains.filter((m) => matchesChoice(m, choice, project));
    if (hits.length === 0) {
      throw new GopaveError("USAGE", `--apps: no main package "${choice}"`, {
        hint: `main packages: ${mains.map((m) => m.dir).join(", ") || "none"}`,
      });
    }
    hits.forEach((h) => picked.add(h));
  }
  return {
    apps: mains.filter((m) => picked.has(m)).map((pkg) => ({ pkg, builds: [] })),
    leftOut: mains
      .filter((m) => !picked.has(m))
      .map((m) => ({ dir: m.dir, reason: "not chosen with --apps" })),
  };
}

/**
 * Reads a repo for `gopave init`: modules, the files it already has, the exact Go release, main
 * packages and the apps among them, services and private modules. Runs at most `go env`,
 * `go list` and git (offline, never downloading), plus `.info` requests to the public proxy
 * unless offline.
 */
export async function detect(rootIn: string, opts: DetectOptions = {}): Promise<Detection> {
  const root = resolve(rootIn);
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const repo = loadRepo(root);
  const modelPromise = buildModel(root);

  const localPromise = localGo(root, env, timeoutMs);
  const choicePromise = Promise.all([localPromise, modelPromise]).then(([local, model]) => ({
    local,
    choice: chooseGoVersion(repo, local, keptGoPins(model)),
  }));
  const mainsPromise = mainPackages(repo, env, timeoutMs, async () => {
    // go1.N release tags follow the toolchain that would build: the local go if any.
    const { local, choice } = await choicePromise;
    return parseGoVersion(local.version ?? choice.version)?.minor;
  });
  const privatePromise = localPromise.then((local) => privateModules(repo, opts, env, local));
  const branchPromise = defaultBranch(root, env, timeoutMs);

  const [model, { choice }, mains, priv, branch] = await Promise.all([
    modelPromise,
    choicePromise,
    mainsPromise,
    privatePromise,
    branchPromise,
  ]);
  const modulePath = repo.primary.mod.module.path;
  const name = projectName(modulePath, root);
  const builds = shippedBuilds(root, model, new Set(repo.modules.map((m) => m.dir)));
  const selection = opts.apps?.length
    ? { ...chosenApps(mains.mains, opts.apps, name), basis: "chosen" as const }
    : selectApps(root, repo, mains.mains, builds);
  const graph = await importGraph(
    repo,
    selection.apps.map((a) => a.pkg),
    env,
    timeoutMs,
  );
  const kept = withAppDockerfiles(root, findKeptFiles(root, model), selection.apps);
  const apps = selection.apps.map((a) => {
    const details = appDetails(root, model, graph, a.pkg, a.builds, kept.compose);
    const dockerfile = appDockerfile(root, kept, a, selection.apps.length);
    if (!dockerfile) return details;
    const file = model.dockerfiles.find((d) => d.path === dockerfile);
    const target = file ? imageStage(file).target : undefined;
    return { ...details, dockerfile, ...(target ? { target } : {}) };
  });
  const keptCompose = kept.compose === undefined ? undefined : readKeptCompose(root, kept.compose);
  const facts = toRepoFacts(repo);
  const services = servicesOf(
    repo,
    selection.apps.map((a) => a.pkg),
    keptCompose,
    facts.envExample,
  );
  return {
    root,
    modulePath,
    name,
    goVersion: choice.version,
    goVersionSource: choice.source,
    repo: facts,
    mainPackages: mains.mains,
    apps,
    wasm: scanWasmPrograms(root, modulesInRepo(repo)),
    appsBasis: selection.basis,
    leftOut: selection.leftOut,
    kept,
    branch,
    services: services.services,
    keptCompose,
    privateGlobs: priv.globs,
    privateEvidence: priv.evidence,
    cgo: detectCgo(
      graph,
      selection.apps.map((a) => a.pkg),
      root,
    ),
    notes: [
      ...repo.notes,
      ...choice.notes,
      ...mains.notes,
      ...priv.notes,
      ...kept.notes,
      ...services.notes,
    ],
  };
}
