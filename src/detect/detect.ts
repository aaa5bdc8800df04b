import { resolve } from "node:path";
import { parseGoVersion } from "../gomod/go-version.js";
import { parseGoproxy } from "../gomod/goproxy-list.js";
import { goEnv, runGo } from "./go-command.js";
import { goListMains, modulesInRepo } from "./go-list.js";
import { chooseGoVersion, releaseFromGoVersion } from "./go-version-choice.js";
import { detectPrivateModules } from "./private-modules.js";
import type { PrivateDetection } from "./private-modules.js";
import { projectName } from "./project-name.js";
import { publicProxyUrl } from "./public-proxy.js";
import { loadRepo, toRepoFacts } from "./repo-files.js";
import type { LoadedRepo } from "./repo-files.js";
import { parsedImportGraph } from "./import-graph.js";
import { composeFileInUse, readKeptCompose } from "./kept-compose.js";
import { detectServices } from "./services.js";
import type { ServiceDetection } from "./services.js";
import { scanMainPackages } from "./source-scan.js";
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
 * Services of the given main packages (all of them for now; the apps init keeps, later). The
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
 * Reads a repo for `gopave init`: modules, the exact Go release, main packages, services and
 * private modules. Runs at most `go env` and `go list` (offline, never downloading), plus
 * `.info` requests to the public proxy unless offline.
 */
export async function detect(rootIn: string, opts: DetectOptions = {}): Promise<Detection> {
  const root = resolve(rootIn);
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const repo = loadRepo(root);

  const localPromise = localGo(root, env, timeoutMs);
  const choicePromise = localPromise.then((local) => ({
    local,
    choice: chooseGoVersion(repo, local),
  }));
  const mainsPromise = mainPackages(repo, env, timeoutMs, async () => {
    // go1.N release tags follow the toolchain that would build: the local go if any.
    const { local, choice } = await choicePromise;
    return parseGoVersion(local.version ?? choice.version)?.minor;
  });
  const privatePromise = localPromise.then((local) => privateModules(repo, opts, env, local));

  const [{ choice }, mains, priv] = await Promise.all([
    choicePromise,
    mainsPromise,
    privatePromise,
  ]);
  const composePath = composeFileInUse(root);
  const keptCompose = composePath === undefined ? undefined : readKeptCompose(root, composePath);
  const facts = toRepoFacts(repo);
  const services = servicesOf(repo, mains.mains, keptCompose, facts.envExample);
  const modulePath = repo.primary.mod.module.path;
  return {
    root,
    modulePath,
    name: projectName(modulePath),
    goVersion: choice.version,
    goVersionSource: choice.source,
    repo: facts,
    mainPackages: mains.mains,
    services: services.services,
    keptCompose,
    privateGlobs: priv.globs,
    privateEvidence: priv.evidence,
    notes: [...repo.notes, ...choice.notes, ...mains.notes, ...priv.notes, ...services.notes],
  };
}
