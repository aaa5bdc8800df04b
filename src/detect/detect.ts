import { resolve } from "node:path";
import { parseGoVersion } from "../gomod/go-version.js";
import { parseGoproxy } from "../gomod/goproxy-list.js";
import { detectCgo } from "./cgo.js";
import { goEnv, runGo } from "./go-command.js";
import { goListMains, modulesInRepo } from "./go-list.js";
import { chooseGoVersion, releaseFromGoVersion } from "./go-version-choice.js";
import { importGraph } from "./import-graph.js";
import { detectPrivateModules } from "./private-modules.js";
import type { PrivateDetection } from "./private-modules.js";
import { projectName } from "./project-name.js";
import { publicProxyUrl } from "./public-proxy.js";
import { loadRepo, toRepoFacts } from "./repo-files.js";
import type { LoadedRepo } from "./repo-files.js";
import { detectServices } from "./services.js";
import { scanMainPackages } from "./source-scan.js";
import type { Detection, DetectOptions, MainPackage } from "./types.js";

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
  const graph = await importGraph(repo, mains.mains, env, timeoutMs);
  const services = detectServices(repo.modules);
  const modulePath = repo.primary.mod.module.path;
  return {
    root,
    modulePath,
    name: projectName(modulePath),
    goVersion: choice.version,
    goVersionSource: choice.source,
    repo: toRepoFacts(repo),
    mainPackages: mains.mains,
    services: services.services,
    serviceEvidence: services.evidence,
    privateGlobs: priv.globs,
    privateEvidence: priv.evidence,
    cgo: detectCgo(graph, mains.mains, root),
    notes: [...repo.notes, ...choice.notes, ...mains.notes, ...priv.notes],
  };
}
