import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { openPromise, type ZipFile } from "yauzl";
import { hash1, type HashedFile } from "./dirhash.js";
import { MAX_ZIP_FILE } from "./zip-rules.js";
import { checkModuleVersion, checkNames, display, type ZipItem } from "./zip-names.js";

/**
 * One pass over a module zip: x/mod/zip's CheckZip rules on the central directory, then every
 * entry inflated once, counting the bytes actually produced (declared sizes are only claims),
 * and hashed for dirhash's h1.
 */

/** More entries than any real module has; bounds memory for a zip made of empty entries. */
const MAX_ENTRIES = 500_000;
const MAX_PROBLEMS = 20;
const EMPTY_SHA256 = createHash("sha256").digest("hex");

export interface ZipScan {
  problems: string[];
  /** The h1: hash, present when there are no problems. */
  hash?: string;
}

async function readEntries(zip: ZipFile): Promise<ZipItem[] | string> {
  const items: ZipItem[] = [];
  for await (const entry of zip.eachEntry()) {
    if (items.length >= MAX_ENTRIES) return `zip has more than ${MAX_ENTRIES} entries`;
    // decodeStrings: false keeps names as the raw bytes Go hashes and checks.
    const raw = entry.fileName as unknown as Buffer;
    items.push({ entry, raw, isDir: raw[raw.length - 1] === 0x2f });
  }
  return items;
}

/**
 * Inflates one entry, hashing as it goes, and stops as soon as it produces more than it
 * declared, so a zip bomb costs at most its declared (already size-checked) bytes.
 */
async function inflateAndHash(
  zip: ZipFile,
  item: ZipItem,
  budget: number,
): Promise<string | HashedFile> {
  const { entry, raw } = item;
  if (item.isDir) {
    return entry.compressedSize !== 0
      ? `${display(raw)}: directory entry has content`
      : { name: raw, sha256: EMPTY_SHA256 };
  }
  if (entry.isEncrypted()) return `${display(raw)}: encrypted entries are not supported`;
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    return `${display(raw)}: unsupported compression method ${entry.compressionMethod}`;
  }
  const declared = entry.uncompressedSize;
  if (declared > budget) {
    return `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`;
  }
  const sha = createHash("sha256");
  let crc = 0;
  let count = 0;
  const stream = await zip.openReadStreamPromise(entry);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      count += chunk.length;
      if (count > declared) {
        return `${display(raw)}: inflates to more than its declared size (${declared} bytes)`;
      }
      sha.update(chunk);
      crc = crc32(chunk, crc);
    }
  } finally {
    stream.destroy();
  }
  if (count < declared)
    return `${display(raw)}: inflates to less than its declared size (${declared} bytes)`;
  if (entry.crc32 !== 0 && crc !== entry.crc32) return `${display(raw)}: CRC-32 checksum error`;
  return { name: raw, sha256: sha.digest("hex") };
}

function describe(err: unknown): string {
  return `not a readable zip file: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Checks a module zip against x/mod/zip's rules (when `expect` names the module) and computes
 * its h1 hash. Stops at the first inflation problem; name problems are all reported.
 */
export async function scanZip(
  zipPath: string,
  expect: { module: string; version: string } | undefined,
): Promise<ZipScan> {
  if (expect) {
    const problems = checkModuleVersion(expect.module, expect.version);
    if (problems.length > 0) return { problems };
  }
  const { size } = await stat(zipPath);
  if (size > MAX_ZIP_FILE) {
    return {
      problems: [`module zip file is too large (${size} bytes; limit is ${MAX_ZIP_FILE} bytes)`],
    };
  }
  let zip: ZipFile;
  try {
    zip = await openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: false,
    });
  } catch (err) {
    return { problems: [describe(err)] };
  }
  try {
    const items = await readEntries(zip);
    if (typeof items === "string") return { problems: [items] };
    if (expect) {
      const problems = checkNames(items, expect.module, expect.version);
      if (problems.length > 0) return { problems: problems.slice(0, MAX_PROBLEMS) };
    }
    const files: HashedFile[] = [];
    let budget = MAX_ZIP_FILE;
    for (const item of items) {
      const result = await inflateAndHash(zip, item, budget);
      if (typeof result === "string") return { problems: [result] };
      budget -= item.entry.uncompressedSize;
      files.push(result);
    }
    return { problems: [], hash: hash1(files) };
  } catch (err) {
    return { problems: [describe(err)] };
  } finally {
    zip.close();
  }
}
