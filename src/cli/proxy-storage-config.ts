import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { LineCounter, isMap, isNode, isScalar, parseDocument } from "yaml";
import { defaultStorageUrl } from "../proxy/storage/open.js";
import type { Verifier } from "../proxy/types.js";
import type { VerifierOptions } from "../proxy/verify/index.js";
import { GopaveError } from "../util/errors.js";
import type { CliIo } from "./io.js";

/** A seam for tests: a verifier of their own (no checksum database). */
export type MakeVerifier = (opts: VerifierOptions) => Verifier | Promise<Verifier>;

/**
 * Where `proxy seed` and `proxy verify` find the storage and the checksum database: the flag,
 * else the config file's key, else the default storage.
 */
export function storageSettings(
  opts: { config?: string | undefined; storage?: string | undefined; sumdb?: string | undefined },
  io: CliIo,
): { storageUrl: string; sumdb: string | undefined } {
  const config = opts.config ? readStorageConfig(resolve(io.cwd, opts.config)) : {};
  return {
    storageUrl: opts.storage ?? config.storage ?? defaultStorageUrl(io.env),
    sumdb: opts.sumdb ?? config.sumdb,
  };
}

/** A verifier that checks a bounded number of zips at a time, and how to stop it. */
export async function poolVerifier(
  opts: Omit<VerifierOptions, "scanZip">,
  make: MakeVerifier | undefined,
): Promise<{ verifier: Verifier; close: () => Promise<void> }> {
  const makeVerifier = make ?? (await import("../proxy/verify/index.js")).createVerifier;
  const { createZipScanPool } = await import("../proxy/verify/zip-pool.js");
  const zipChecks = createZipScanPool();
  const verifier = await makeVerifier({ ...opts, scanZip: zipChecks.scan });
  return { verifier, close: () => zipChecks.close() };
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
