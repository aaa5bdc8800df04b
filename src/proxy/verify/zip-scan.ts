import { createHash } from "node:crypto";
import { open, stat, type FileHandle } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { RandomAccessReader, fromRandomAccessReaderPromise, type Entry, type ZipFile } from "yauzl";
import { hash1, type HashedFile } from "./dirhash.js";
import { createRawInflater, type RawInflater } from "./raw-inflate.js";
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
/** Compressed bytes are read in windows this large (consecutive entries share one read). */
const READ_WINDOW = 1 << 20;
/** Inflaters (a zlib context and a 1 MiB buffer each) kept for the next scans on this thread. */
const spareInflaters: RawInflater[] = [];
const MAX_SPARE_INFLATERS = 4;
/**
 * Small entries are inflated and hashed on the event loop, and promises that are already
 * settled never let it go: a scan yields to waiting requests after this long (a cold download's
 * zips would otherwise hold them up to ~15 ms at a time, a window's worth of entries).
 */
const SLICE_MS = 2;
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
 * Bytes of the zip file at an offset, read in windows: entries are stored one after another, so
 * one read serves many small entries, and memory stays at one window however large the zip or
 * its entries are.
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
      // Content is read a window at a time, so only an odd request needs a buffer of its own.
      const into = want <= this.buffer.length ? this.buffer : Buffer.allocUnsafe(want);
      const { bytesRead } = await this.fh.read(into, 0, want, offset);
      if (bytesRead < want) throw new Error("zip file changed while it was read");
      this.window = into.subarray(0, want);
      this.windowStart = offset;
    }
    return this.window.subarray(offset - this.windowStart, end - this.windowStart);
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

  // yauzl reads content through this only in openReadStream, which the scan never calls.
  override _readStreamForRange(start: number, end: number): Readable {
    const file = this.file;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let at = start; at < end; at += READ_WINDOW) {
        yield Buffer.from(await file.bytes(at, Math.min(READ_WINDOW, end - at)));
      }
    }
    return Readable.from(chunks(), { objectMode: false });
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

/** Where an entry's content starts: after its local header (the same checks yauzl makes). */
async function contentStart(file: WindowedFile, entry: Entry): Promise<number> {
  const at = entry.relativeOffsetOfLocalHeader;
  const header = await file.bytes(at, LOCAL_HEADER_SIZE);
  const signature = header.readUInt32LE(0);
  if (signature !== LOCAL_HEADER_SIGNATURE) {
    throw new Error(`invalid local file header signature: 0x${signature.toString(16)}`);
  }
  return at + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/**
 * Inflates one entry a window at a time, hashing as it goes, and stops as soon as it produces
 * more than it declared, so a zip bomb costs at most its declared (already size-checked) bytes.
 */
async function inflateAndHash(
  file: WindowedFile,
  inflater: RawInflater,
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
  const deflated = entry.compressionMethod === 8;
  if (!deflated && entry.compressionMethod !== 0) {
    return `${display(raw)}: unsupported compression method ${entry.compressionMethod}`;
  }
  const declared = entry.uncompressedSize;
  if (declared > budget) {
    return `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`;
  }
  const tooBig = `${display(raw)}: inflates to more than its declared size (${declared} bytes)`;
  const sha = createHash("sha256");
  let crc = 0;
  let count = 0;
  const take = (piece: Buffer) => {
    count += piece.length;
    sha.update(piece);
    crc = crc32(piece, crc);
  };
  inflater.reset(declared);
  const start = await contentStart(file, entry);
  const end = start + entry.compressedSize;
  let at = start;
  do {
    const length = Math.min(READ_WINDOW, end - at);
    const input = await file.bytes(at, length);
    at += length;
    if (!deflated) {
      if (count + length > declared) return tooBig;
      take(input);
      continue;
    }
    const state = await inflater.push(input, at === end, take);
    if (state === "overflow") return tooBig;
    if (state === "ended") break;
  } while (at < end);
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
  // Scans on one thread may interleave (each awaits its reads), so each takes its own inflater.
  const inflater = spareInflaters.pop() ?? createRawInflater();
  try {
    const items = await readEntries(zip);
    if (typeof items === "string") return { problems: [items] };
    if (expect) {
      const problems = checkNames(items, expect.module, expect.version);
      if (problems.length > 0) return { problems: problems.slice(0, MAX_PROBLEMS) };
    }
    const files: HashedFile[] = [];
    let budget = MAX_ZIP_FILE;
    let sliceStart = performance.now();
    for (const item of items) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      const result = await inflateAndHash(file, inflater, item, budget);
      if (typeof result === "string") return { problems: [result] };
      budget -= item.entry.uncompressedSize;
      files.push(result);
    }
    return { problems: [], hash: hash1(files) };
  } catch (err) {
    return { problems: [describe(err)] };
  } finally {
    if (spareInflaters.length < MAX_SPARE_INFLATERS) spareInflaters.push(inflater);
    await fh.close();
  }
}
