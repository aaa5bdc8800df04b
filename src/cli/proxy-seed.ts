import { resolve } from "node:path";
import { seedFromModCache } from "../proxy/seed.js";
import type { SeedProgress, SeedResult } from "../proxy/seed.js";
import { findDownloadDir } from "../proxy/storage/modcache.js";
import { openStorage } from "../proxy/storage/open.js";
import { colors } from "./io.js";
import type { CliIo } from "./io.js";
import { poolVerifier, storageSettings } from "./proxy-storage-config.js";
import type { MakeVerifier } from "./proxy-storage-config.js";

export interface ProxySeedOptions {
  dir: string;
  config?: string | undefined;
  storage?: string | undefined;
  sumdb?: string | undefined;
}

/** Seams for tests: a fake verifier (no checksum database), a clock. */
export interface ProxySeedDeps {
  createVerifier?: MakeVerifier;
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
  const { storageUrl, sumdb } = storageSettings(opts, io);
  const dir = resolve(io.cwd, opts.dir);
  // A wrong DIR fails before anything is created or any checksum database is contacted.
  await findDownloadDir(dir);

  const zipChecks = await poolVerifier(
    { ...(sumdb ? { sumdb } : {}), env: io.env },
    deps.createVerifier,
  );
  const verifier = zipChecks.verifier;
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
