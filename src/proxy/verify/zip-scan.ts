import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { crc32, inflateRawSync } from "node:zlib";
import { fromBufferPromise, openPromise, type Entry, type ZipFile } from "yauzl";
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
/**
 * Zips up to this size are read into memory once and inflated synchronously: a stream per entry
 * costs ~8× the CPU on modules of many small files. Larger ones stream, bounding memory.
 */
const IN_MEMORY_MAX = 64 << 20;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;

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
 * Yields an entry's content, exactly as inflated; the source of the bytes differs by zip size.
 * undefined: it inflates to more than `declared`.
 */
type ContentReader = (
  entry: Entry,
  declared: number,
) => Promise<AsyncIterable<Buffer> | Buffer | undefined>;

function streamed(zip: ZipFile): ContentReader {
  return async (entry) => (await zip.openReadStreamPromise(entry)) as AsyncIterable<Buffer>;
}

/**
 * Content straight from the whole zip in memory, at the data offset its local header gives
 * (the same checks yauzl makes). Inflation stops one byte past the declared size, so a zip bomb
 * costs at most its declared (already size-checked) bytes.
 */
function inMemory(zip: ZipFile, data: Buffer): ContentReader {
  return async (entry, declared) => {
    // One huge (if honest) entry would need its whole inflated size at once: stream it instead.
    if (declared > IN_MEMORY_MAX) return streamed(zip)(entry, declared);
    const at = entry.relativeOffsetOfLocalHeader;
    if (at + LOCAL_HEADER_SIZE > data.length)
      throw new Error("local file header overflows file bounds");
    const signature = data.readUInt32LE(at);
    if (signature !== LOCAL_HEADER_SIGNATURE) {
      throw new Error(`invalid local file header signature: 0x${signature.toString(16)}`);
    }
    const start = at + LOCAL_HEADER_SIZE + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28);
    const end = start + entry.compressedSize;
    if (end > data.length) {
      throw new Error(
        `file data overflows file bounds: ${start} + ${entry.compressedSize} > ${data.length}`,
      );
    }
    const raw = data.subarray(start, end);
    if (entry.compressionMethod === 0) return raw;
    try {
      return inflateRawSync(raw, { maxOutputLength: declared + 1 });
    } catch (err) {
      // Node refuses output past maxOutputLength: more than declared.
      if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return undefined;
      throw err;
    }
  };
}

/**
 * Inflates one entry, hashing as it goes, and stops as soon as it produces more than it
 * declared, so a zip bomb costs at most its declared (already size-checked) bytes.
 */
async function inflateAndHash(
  read: ContentReader,
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
  const content = await read(entry, declared);
  if (content === undefined) {
    return `${display(raw)}: inflates to more than its declared size (${declared} bytes)`;
  }
  const chunks = Buffer.isBuffer(content) ? [content] : content;
  try {
    for await (const chunk of chunks) {
      count += chunk.length;
      if (count > declared) {
        return `${display(raw)}: inflates to more than its declared size (${declared} bytes)`;
      }
      sha.update(chunk);
      crc = crc32(chunk, crc);
    }
  } finally {
    if (!Buffer.isBuffer(content)) (content as unknown as { destroy(): void }).destroy();
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
  const options = {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: false,
  };
  let zip: ZipFile;
  let read: ContentReader;
  try {
    if (size <= IN_MEMORY_MAX) {
      const data = await readFile(zipPath);
      zip = await fromBufferPromise(data, options);
      read = inMemory(zip, data);
    } else {
      zip = await openPromise(zipPath, options);
      read = streamed(zip);
    }
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
      const result = await inflateAndHash(read, item, budget);
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
