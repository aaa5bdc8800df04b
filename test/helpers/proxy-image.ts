import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "./cli.js";
import { unmountUnder } from "./engines.js";
import type { StandInRequest } from "./standins.js";
import { cacheRoot, lockDir, storageDriver } from "./test-cache.js";

/**
 * examples/proxy-replicas' image, built from its own Dockerfile with buildah into a store under
 * the CI cache, for podman to read as an additional image store. The build uses buildah's layer
 * cache (--layers), as Docker's build cache would: a warm run re-runs only the steps whose inputs
 * changed (`npm ci` only when package.json or package-lock.json did). The store is named after
 * the stand-in store its base images come from, so new stand-ins start a fresh one.
 */

export const PROXY_EXAMPLE = join(REPO_ROOT, "examples", "proxy-replicas");
const DOCKERFILE = join(PROXY_EXAMPLE, "Dockerfile");
/** Build steps leave one image each; past this many the store is started over (bounded disk). */
const MAX_IMAGES = 80;

/** The stand-ins the example runs on, by the exact names its Dockerfile and compose file use. */
export function standInsForProxyExample(): StandInRequest {
  const node = [...readFileSync(DOCKERFILE, "utf8").matchAll(/^FROM node:(\S+)/gm)].map(
    (m) => m[1] ?? "",
  );
  if (node.length === 0) throw new Error(`${DOCKERFILE} has no FROM node:<tag>`);
  const compose = parse(readFileSync(join(PROXY_EXAMPLE, "compose.yaml"), "utf8"), {
    merge: true,
  }) as { services: Record<string, { image?: string }> };
  const s3 = compose.services.s3?.image ?? "";
  const tag = /^versity\/versitygw:(.+)$/.exec(s3)?.[1];
  if (!tag) throw new Error(`compose.yaml's s3 image is ${s3}, not versity/versitygw:<tag>`);
  return { node: [...new Set(node)], versitygw: [tag] };
}

/** The image name compose.yaml gives the replicas (and builds under). */
export function proxyImageName(): string {
  const compose = parse(readFileSync(join(PROXY_EXAMPLE, "compose.yaml"), "utf8"), {
    merge: true,
  }) as { services: Record<string, { image?: string }> };
  const image = compose.services["gopave-a"]?.image;
  if (!image) throw new Error("compose.yaml's gopave-a has no image name");
  return image;
}

export interface ProxyImage {
  /** The store's graph root, for podman's additionalimagestores. */
  graph: string;
  /** The name it was committed under (compose.yaml's). */
  name: string;
  /** What the build took, in seconds. */
  seconds: number;
  /** Lets another run rebuild the store (held from the build until the test stops reading it). */
  release: () => void;
}

function storeEnv(dir: string, standIns: string): NodeJS.ProcessEnv {
  const conf = join(dir, "storage.conf");
  writeFileSync(
    conf,
    `[storage]\ndriver = "${storageDriver()}"\ngraphroot = "${join(dir, "graph")}"\nrunroot = "${join(dir, "run")}"\n` +
      `[storage.options]\nadditionalimagestores = ["${standIns}"]\n`,
  );
  const tmp = join(dir, "tmp");
  mkdirSync(tmp, { recursive: true });
  return {
    ...process.env,
    CONTAINERS_STORAGE_CONF: conf,
    BUILDAH_ISOLATION: "chroot",
    TMPDIR: tmp,
  };
}

function buildah(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "buildah",
      args,
      { env, cwd: REPO_ROOT, maxBuffer: 256 << 20, timeout: 900_000 },
      (err, stdout, stderr) =>
        err
          ? // A RUN step's own output is on stdout: its last lines say why it failed.
            reject(
              new Error(
                `buildah ${args.join(" ")}: ${err.message}\n${stderr}\n${stdout.split("\n").slice(-60).join("\n")}`,
              ),
            )
          : resolve(stdout),
    );
  });
}

/**
 * Builds the example's image from the repository root, as its README says, on the stand-in
 * store `standIns` (a graph root from ensureStandIns): --format docker keeps the HEALTHCHECK
 * (the OCI format has no field for it), --ignorefile is the Dockerfile's own .dockerignore
 * (buildah 1.28 does not look for it beside the Dockerfile), --pull=never (no registry).
 */
export async function buildProxyImage(standIns: string): Promise<ProxyImage> {
  const root = cacheRoot();
  const prefix = "proxy-image-";
  const dir = join(root, `${prefix}${basename(dirname(standIns))}`);
  const release = lockDir(join(root, "proxy-image.lock"), 1_800_000);
  try {
    for (const old of readdirSync(root)) {
      if (old.startsWith(prefix) && !old.endsWith(".lock") && join(root, old) !== dir) {
        unmountUnder(join(root, old));
        rmSync(join(root, old), { recursive: true, force: true });
      }
    }
    mkdirSync(dir, { recursive: true });
    let env = storeEnv(dir, standIns);
    const images = execFileSync("buildah", ["images", "--all", "--quiet"], {
      env,
      encoding: "utf8",
    });
    if (images.split("\n").filter(Boolean).length > MAX_IMAGES) {
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      env = storeEnv(dir, standIns);
    }
    const name = proxyImageName();
    const started = Date.now();
    await buildah(env, [
      "bud",
      "--layers",
      "--format",
      "docker",
      "--pull=never",
      "--isolation=chroot",
      "--ignorefile",
      join(PROXY_EXAMPLE, "Dockerfile.dockerignore"),
      "-f",
      DOCKERFILE,
      "-t",
      name,
      ".",
    ]);
    const seconds = (Date.now() - started) / 1000;
    rmSync(join(dir, "tmp"), { recursive: true, force: true });
    return { graph: join(dir, "graph"), name, seconds, release };
  } catch (e) {
    release();
    throw e;
  }
}
