import { resolve } from "node:path";
import { openStorage } from "../proxy/storage/open.js";
import { verifyStored } from "../proxy/verify-stored.js";
import { colors } from "./io.js";
import type { CliIo } from "./io.js";
import { poolVerifier, storageSettings } from "./proxy-storage-config.js";
import type { MakeVerifier } from "./proxy-storage-config.js";

export interface ProxyVerifyOptions {
  config?: string | undefined;
  storage?: string | undefined;
  sumdb?: string | undefined;
  /** go.sum files whose lines are trusted (then no checksum database, unless --sumdb). */
  goSum?: string[] | undefined;
  purge?: boolean | undefined;
  json?: boolean | undefined;
}

/** A seam for tests: a verifier of their own. */
export interface ProxyVerifyDeps {
  createVerifier?: MakeVerifier;
}

/**
 * `gopave proxy verify`: re-hash every stored .mod and .zip against the checksum database (or
 * go.sum files) and report. Exit 0 when every file checked is good; 1 when any failed (removed
 * with --purge) or could not be checked; 2 on bad input.
 */
export async function runProxyVerify(
  opts: ProxyVerifyOptions,
  io: CliIo,
  deps: ProxyVerifyDeps = {},
): Promise<number> {
  const c = colors(io);
  const { storageUrl, sumdb } = storageSettings(opts, io);
  const goSums = (opts.goSum ?? []).map((f) => resolve(io.cwd, f));
  const zipChecks = await poolVerifier(
    { ...(sumdb ? { sumdb } : {}), trustedSums: goSums, env: io.env },
    deps.createVerifier,
  );
  const verifier = zipChecks.verifier;
  const storage = await openStorage(storageUrl, { cwd: io.cwd });
  let result;
  try {
    result = await verifyStored(storage, verifier, {
      purge: opts.purge === true,
      ...(io.isTTY && !opts.json
        ? { onFile: (n: number) => io.stderr(`\r\u001b[Kverified ${n} files`) }
        : {}),
    });
  } finally {
    if (io.isTTY && !opts.json) io.stderr("\r\u001b[K");
    await zipChecks.close();
    await storage.close();
  }
  const { counts, checked } = result;
  const bad = checked.filter((f) => f.outcome === "failed" || f.outcome === "unverified");
  if (opts.json) {
    io.stdout(`${JSON.stringify({ storage: storageUrl, counts, problems: bad }, null, 2)}\n`);
  } else {
    for (const f of bad) {
      const label =
        f.outcome === "failed" ? c.red(f.purged ? "purged:" : "failed:") : c.yellow("unverified:");
      io.stdout(`${label} ${f.module}@${f.version} (.${f.file}): ${f.reason ?? ""}\n`);
    }
    io.stdout(
      `gopave proxy verify: ${checked.length} files in ${storageUrl}: ${counts.verified} verified, ` +
        `${counts.skipped} skipped (not checked by configuration), ` +
        `${counts.failed > 0 ? c.red(`${counts.failed} failed`) : "0 failed"}, ` +
        `${counts.unverified} could not be checked\n`,
    );
    if (counts.failed > 0 && opts.purge !== true) {
      io.stdout(
        "`gopave proxy verify --purge` removes the failed files; the proxy fetches them again.\n",
      );
    }
  }
  return bad.length > 0 ? 1 : 0;
}
