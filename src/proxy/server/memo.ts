import type { Readable } from "node:stream";

/**
 * An in-process LRU of small immutable answers (.info and .mod). They never change once stored,
 * so serving them from memory is always correct, and it takes the four filesystem calls of a
 * storage read (stat, open, read, close) off the hottest path of a warm proxy: a `go mod download`
 * asks for the .info and .mod of every module in the graph.
 */
export class SmallFileMemo {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = 64 << 20,
    readonly maxEntryBytes = 256 << 10,
  ) {}

  get(key: string): Buffer | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert: Map iteration order is the recency order.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, data: Buffer): void {
    if (data.length > this.maxEntryBytes || this.entries.has(key)) return;
    this.entries.set(key, data);
    this.bytes += data.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }
}

export async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`stored file larger than ${limit} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}
