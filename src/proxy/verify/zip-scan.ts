import { createHash } from "node:crypto";
import { open, stat, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createInflateRaw, inflateRawSync } from "node:zlib";
import { RandomAccessReader, fromRandomAccessReaderPromise, type Entry, type ZipFile } from "yauzl";
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
 * Entries up to this size are inflated synchronously into one buffer of exactly their size: a
 * stream per entry costs ~8× the CPU on modules of many small files, and zlib's default 16 KiB
 * output chunks would be concatenated (copied) again. Bigger entries stream, bounding memory.
 */
const INFLATE_SYNC_MAX = 1 << 20;
/** Compressed bytes are read in windows this large (consecutive entries share one read). */
const READ_WINDOW = 1 << 20;
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
type ContentReader = (entry: Entry, declared: number) => Promise<Readable | Buffer | undefined>;

/**
 * Bytes of the zip file at an offset, read in windows: entries are stored one after another, so
 * one read serves many small entries, and memory stays at one window (or one entry's compressed
 * bytes, when bigger) however large the zip is.
 */
class WindowedFile {
  /** Reused by every read; what `bytes` returned before is overwritten by the next read. */
  private readonly buffer: Buffer;
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;
  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.min(READ_WINDOW, size));
  }

  async bytes(offset: number, length: number): Promise<Buffer> {
    const end = offset + length;
    if (end > this.size) throw new Error(`file data overflows file bounds: ${end} > ${this.size}`);
    if (offset < this.windowStart || end > this.windowStart + this.window.length) {
      const want = Math.min(Math.max(length, READ_WINDOW), this.size - offset);
      // Larger entries stream (see windowed), so only an odd request needs a buffer of its own.
      const into = want <= this.buffer.length ? this.buffer : Buffer.allocUnsafe(want);
      const { bytesRead } = await this.fh.read(into, 0, want, offset);
      if (bytesRead < want) throw new Error("zip file changed while it was read");
      this.window = into.subarray(0, want);
      this.windowStart = offset;
    }
    return this.window.subarray(offset - this.windowStart, end - this.windowStart);
  }

  /** `length` bytes from `offset` as a stream of window-sized chunks, inflated when `deflated`. */
  stream(offset: number, length: number, deflated: boolean): Readable {
    if (offset + length > this.size) {
      throw new Error(`file data overflows file bounds: ${offset + length} > ${this.size}`);
    }
    const fh = this.fh;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let at = offset; at < offset + length; at += READ_WINDOW) {
        const want = Math.min(READ_WINDOW, offset + length - at);
        // A fresh buffer per chunk: zlib may still hold the previous one.
        const chunk = Buffer.allocUnsafe(want);
        const { bytesRead } = await fh.read(chunk, 0, want, at);
        if (bytesRead < want) throw new Error("zip file changed while it was read");
        yield chunk;
      }
    }
    const source = Readable.from(chunks(), { objectMode: false });
    if (!deflated) return source;
    const inflater = createInflateRaw({ chunkSize: READ_WINDOW });
    // Errors reach the consumer through the inflater; pipeline destroys both ends on either.
    pipeline(source, inflater).catch(() => undefined);
    return inflater;
  }
}

/**
 * yauzl's view of the file, through the same windows: its central directory reads (two or three
 * small reads per entry) then cost no system call each — thousands of them, for a module with
 * thousands of files.
 */
class WindowedReader extends RandomAccessReader {
  constructor(private readonly file: WindowedFile) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return this.file.stream(start, end - start, false);
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    this.file.bytes(position, length).then(
      (bytes) => {
        bytes.copy(buffer, offset);
        callback(null);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }
}

/**
 * Content read through a window at the data offset its local header gives (the same checks
 * yauzl makes) and inflated in one call into a buffer of the declared size plus one byte, so a
 * zip bomb costs at most its declared (already size-checked) bytes.
 */
function windowed(file: WindowedFile): ContentReader {
  return async (entry, declared) => {
    const at = entry.relativeOffsetOfLocalHeader;
    const header = await file.bytes(at, LOCAL_HEADER_SIZE);
    const signature = header.readUInt32LE(0);
    if (signature !== LOCAL_HEADER_SIGNATURE) {
      throw new Error(`invalid local file header signature: 0x${signature.toString(16)}`);
    }
    const start = at + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
    // One huge (if honest) entry would need its whole inflated size at once: stream it instead.
    if (declared > INFLATE_SYNC_MAX || entry.compressedSize > INFLATE_SYNC_MAX) {
      return file.stream(start, entry.compressedSize, entry.compressionMethod === 8);
    }
    const raw = await file.bytes(start, entry.compressedSize);
    if (entry.compressionMethod === 0) return raw;
    try {
      return inflateRawSync(raw, {
        maxOutputLength: declared + 1,
        chunkSize: Math.max(64, declared + 1),
      });
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
    if (!Buffer.isBuffer(content)) content.destroy();
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
  let fh: FileHandle;
  try {
    fh = await open(zipPath, "r");
  } catch (err) {
    return { problems: [describe(err)] };
  }
  const file = new WindowedFile(fh, size);
  let zip: ZipFile;
  try {
    zip = await fromRandomAccessReaderPromise(new WindowedReader(file), size, options);
  } catch (err) {
    await fh.close();
    return { problems: [describe(err)] };
  }
  const read = windowed(file);
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
    await fh.close();
  }
}
