import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Storage, StoredFile, Verifier } from "./types.js";

export interface StoredCheck extends StoredFile {
  /** verified: matches go.sum or the checksum database; skipped: not checked by configuration
   *  (GONOSUMDB, GOSUMDB=off); failed: a mismatch or an invalid zip; unverified: the check could
   *  not be made (the database unreachable). */
  outcome: "verified" | "skipped" | "failed" | "unverified";
  reason?: string;
  /** With purge: the failed file was removed. */
  purged?: boolean;
}

export interface StoredChecks {
  checked: StoredCheck[];
  counts: Record<StoredCheck["outcome"], number>;
}

/**
 * Re-hashes every .mod and .zip in storage the way `proxy serve` verified it before storing it
 * (go.sum lines, else the checksum database), so what a bucket or directory holds now can be
 * checked after a restore, a hand copy or a suspected tampering. With `purge`, a file that fails
 * is removed; one that could not be checked never is.
 */
export async function verifyStored(
  storage: Storage,
  verifier: Verifier,
  opts: { purge?: boolean; onFile?: (done: number) => void } = {},
): Promise<StoredChecks> {
  const checked: StoredCheck[] = [];
  const counts = { verified: 0, skipped: 0, failed: 0, unverified: 0 };
  const scratch = await mkdtemp(join(await storage.stagingDir(), "verify-"));
  try {
    for await (const f of storage.storedFiles()) {
      const result = await verifyOne(storage, verifier, f, scratch);
      const outcome: StoredCheck["outcome"] = result.ok
        ? result.how === "skipped"
          ? "skipped"
          : "verified"
        : result.unavailable === true
          ? "unverified"
          : "failed";
      const check: StoredCheck = { ...f, outcome, ...(result.ok ? {} : { reason: result.reason }) };
      if (outcome === "failed" && opts.purge === true) {
        await storage.remove(f.module, f.version, f.file);
        check.purged = true;
      }
      counts[outcome]++;
      checked.push(check);
      opts.onFile?.(checked.length);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { checked, counts };
}

async function verifyOne(storage: Storage, verifier: Verifier, f: StoredFile, scratch: string) {
  const body = await storage.get(f.module, f.version, f.file);
  if (!body) return { ok: false as const, reason: `${f.module}@${f.version}: gone while checked` };
  if (f.file === "mod") {
    const chunks: Buffer[] = [];
    for await (const c of body.open()) chunks.push(c as Buffer);
    return verifier.verifyMod(f.module, f.version, Buffer.concat(chunks));
  }
  // Zips are checked from a file: the backend's own (filesystem), else a copy in staging (S3).
  if (body.path !== undefined) return verifier.verifyZip(f.module, f.version, body.path);
  const copy = join(scratch, "module.zip");
  try {
    await pipeline(body.open(), createWriteStream(copy));
    return await verifier.verifyZip(f.module, f.version, copy);
  } finally {
    await rm(copy, { force: true });
  }
}
