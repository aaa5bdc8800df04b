/**
 * Verification of module content: h1 hashes (dirhash), module zip rules (x/mod/zip), and the
 * checksum database client with signed notes and transparency-log proofs.
 */

import { scanOnThisThread } from "./zip-pool.js";

export { createVerifier, type VerifierOptions } from "./verifier.js";
export { hashMod } from "./dirhash.js";
export { KNOWN_SUMDB_KEYS, parseGosumdb, type SumdbConfig } from "./gosumdb.js";
export { formatVerifierKey, parseVerifierKey } from "./note.js";
export { parseTilePath, tilePath, type Tile } from "./tlog-tile.js";

/** The h1: hash of a zip's entries (names as stored, inflated contents). Throws on a bad zip. */
export async function hashZip(zipPath: string): Promise<string> {
  const scan = await scanOnThisThread(zipPath, undefined);
  if (scan.hash === undefined) throw new Error(`${zipPath}: ${scan.problems.join("; ")}`);
  return scan.hash;
}

/** Problems that make `zipPath` an invalid zip for module@version (empty when it is valid). */
export async function checkZip(
  zipPath: string,
  module: string,
  version: string,
): Promise<string[]> {
  return (await scanOnThisThread(zipPath, { module, version })).problems;
}
