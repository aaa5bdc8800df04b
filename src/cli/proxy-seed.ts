import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { LineCounter, isMap, isNode, isScalar, parseDocument } from "yaml";
import { seedFromModCache } from "../proxy/seed.js";
import type { SeedProgress, SeedResult } from "../proxy/seed.js";
import { findDownloadDir } from "../proxy/storage/modcache.js";
import { defaultStorageUrl, openStorage } from "../proxy/storage/open.js";
import type { Verifier } from "../proxy/types.js";
import type { VerifierOptions } from "../proxy/verify/index.js";
import { GopaveError } from "../util/errors.js";
import { colors } from "./io.js";
import type { CliIo } from "./io.js";

export interface ProxySeedOptions {
  dir: string;
  config?: string | undefined;
  storage?: string | undefined;
  sumdb?: string | undefined;
}

/** Seams for tests: a fake verifier (no checksum database), a clock. */
export interface ProxySeedDeps {
  createVerifier?: (opts: VerifierOptions) => Verifier | Promise<Verifier>;
  now?: () => number;
}

/**
 * `gopave proxy seed DIR`: fill the proxy's storage from a module cache, verifying every .mod and
 * .zip first. Exit 0 when everything is stored or already there; 1 when any file failed
 * verification (it is not stored); 2 on bad input.
 */
export async function runProxySeed(
  opts: ProxySeedOptions,
  io: CliIo,
  deps: ProxySeedDeps = {},
): Promise<number> {
  const c = colors(io);
  const config = opts.config ? readStorageConfig(resolve(io.cwd, opts.config)) : {};
  const storageUrl = opts.storage ?? config.storage ?? defaultStorageUrl(io.env);
  const sumdb = opts.sumdb ?? config.sumdb;
  const dir = resolve(io.cwd, opts.dir);
  // A wrong DIR fails before anything is created or any checksum database is contacted.
  await findDownloadDir(dir);

  const makeVerifier =
    deps.createVerifier ?? (await import("../proxy/verify/index.js")).createVerifier;
  const { createZipScanPool } = await import("../proxy/verify/zip-pool.js");
  const zipChecks = createZipScanPool();
  const verifier = await makeVerifier({
    ...(sumdb ? { sumdb } : {}),
    env: io.env,
    scanZip: zipChecks.scan,
  });
  const storage = await openStorage(storageUrl, {
    cwd: io.cwd,
    ...(deps.now ? { now: deps.now } : {}),
  });
  let result: SeedResult;
  try {
    result = await seedFromModCache(dir, storage, verifier, io.isTTY ? progress(io) : undefined);
  } finally {
    if (io.isTTY) io.stderr("\r\u001b[K");
    await zipChecks.close();
    await storage.close();
  }

  for (const f of result.failures) {
    const what = f.version ? `${f.module}@${f.version} (.${f.file})` : `${f.module} (list)`;
    io.stderr(`${c.red("not stored:")} ${what}: ${f.reason}\n`);
  }
  io.stdout(
    `gopave proxy seed: ${result.modules} modules, ${result.versions} versions in ${result.downloadDir}\n` +
      `  ${c.green(`${result.stored} stored`)}, ${result.skipped} skipped (already stored, or not storable)` +
      `, ${result.failed > 0 ? c.red(`${result.failed} failed`) : "0 failed"} → ${storageUrl}\n`,
  );
  if (result.failed > 0) {
    io.stderr(
      "Nothing of a failed version was stored; `proxy serve` fetches and verifies it from its upstream when asked.\n",
    );
  }
  if (result.modules === 0 && result.skipped === 0) {
    io.stderr(
      `${c.red("error:")} no modules found in ${dir} (expected a GOMODCACHE, see \`go env GOMODCACHE\`, or its cache/download directory)\n`,
    );
    return 2;
  }
  return result.failed > 0 ? 1 : 0;
}

function progress(io: CliIo): (p: SeedProgress) => void {
  let last = 0;
  return (p) => {
    // A redraw per version would flood a slow terminal on a large cache.
    const now = Date.now();
    if (now - last < 100 && p.done < p.total) return;
    last = now;
    io.stderr(`\r\u001b[Kseeding ${p.done}/${p.total} ${p.module}@${p.version}`);
  };
}

/**
 * The keys of the proxy's YAML config that seed and verify use (`storage`, `sumdb`); the rest belongs to
 * `proxy serve` and is not checked here.
 */
export function readStorageConfig(file: string): { storage?: string; sumdb?: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new GopaveError("USAGE", `cannot read config ${file}: ${(err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => ({ file, ...lines.linePos(offset) });
  const first = doc.errors[0];
  if (first) {
    throw new GopaveError("SPEC_INVALID", `invalid YAML: ${first.message.split("\n")[0]}`, {
      position: at(first.pos[0]),
    });
  }
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) {
    throw new GopaveError("SPEC_INVALID", "the proxy config must be a mapping", {
      position: at(doc.contents.range?.[0] ?? 0),
    });
  }
  const out: { storage?: string; sumdb?: string } = {};
  for (const key of ["storage", "sumdb"] as const) {
    const node = doc.contents.get(key, true);
    if (node === undefined) continue;
    if (!isScalar(node) || typeof node.value !== "string" || node.value === "") {
      throw new GopaveError("SPEC_INVALID", `${key}: expected a non-empty string`, {
        position: at(isNode(node) ? (node.range?.[0] ?? 0) : 0),
      });
    }
    out[key] = node.value;
  }
  return out;
}
