import type { Readable } from "node:stream";
import { fromBufferPromise } from "yauzl";
import { ZipFile } from "yazl";
import { readBody } from "./storage-suite.js";

/**
 * A well-formed zip with the same entry names as `original`, one entry's content changed by
 * `change` — the kind of tampering only a checksum catches (prefix, sizes and names all valid).
 */
export async function rewriteZip(
  original: Buffer,
  change: (name: string, data: Buffer) => Buffer,
): Promise<Buffer> {
  const input = await fromBufferPromise(original, { lazyEntries: true });
  const output = new ZipFile();
  const mtime = new Date("2024-01-01T00:00:00Z");
  for await (const entry of input.eachEntry()) {
    if (entry.fileName.endsWith("/")) continue;
    const data = await readBody(await input.openReadStreamPromise(entry));
    output.addBuffer(change(entry.fileName, data), entry.fileName, { mtime });
  }
  input.close();
  output.end();
  return readBody(output.outputStream as Readable);
}

/** A module zip of `files` (entry name to content), as the tests build them. */
export async function makeZip(files: Record<string, string>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(Buffer.from(data), name);
  zip.end();
  return readBody(zip.outputStream as Readable);
}
