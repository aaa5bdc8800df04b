import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { heartbeatKey } from "../../src/proxy/storage/keys.js";
import type {
  AnswerKind,
  CachedAnswer,
  HeartbeatRecord,
  ModuleFile,
  Storage,
  StoredBody,
  StoredFile,
  StorageUsage,
} from "../../src/proxy/types.js";

/**
 * An in-memory Storage for server tests: no fs timing, every call recorded (so a test can prove
 * that a malformed request never reached storage), zips evicted least-recently-used.
 */
export class MemoryStorage implements Storage {
  readonly files = new Map<string, Buffer>();
  readonly answers = new Map<string, CachedAnswer>();
  readonly tiles = new Map<string, Buffer>();
  /** Replica heartbeat records by id. */
  readonly beats = new Map<string, string>();
  /** "get info example.com/a@v1.0.0" … in call order. */
  calls: string[] = [];
  /** Zip keys, least recently used first. */
  private readonly zipOrder: string[] = [];
  private staging: string | undefined;
  /** Makes every call throw (a broken backend for /readyz). */
  broken = false;

  constructor(private readonly stagingParent = tmpdir()) {}

  private touch(call: string): void {
    this.calls.push(call);
    if (this.broken) throw new Error("storage backend unavailable");
  }

  private static key(module: string, version: string, file: ModuleFile): string {
    return `${module}@${version}.${file}`;
  }

  async get(module: string, version: string, file: ModuleFile): Promise<StoredBody | undefined> {
    this.touch(`get ${file} ${module}@${version}`);
    const key = MemoryStorage.key(module, version, file);
    const data = this.files.get(key);
    if (!data) return undefined;
    if (file === "zip") this.used(key);
    return { size: data.length, open: () => Readable.from([data]) };
  }

  async *storedFiles(): AsyncGenerator<StoredFile> {
    this.touch("storedFiles");
    for (const key of [...this.files.keys()]) {
      const m = /^(.+)@([^@]+)\.(mod|zip)$/.exec(key);
      if (m?.[1] && m[2]) yield { module: m[1], version: m[2], file: m[3] as "mod" | "zip" };
    }
  }

  async remove(module: string, version: string, file: ModuleFile): Promise<void> {
    this.touch(`remove ${file} ${module}@${version}`);
    this.files.delete(MemoryStorage.key(module, version, file));
  }

  async putOnce(
    module: string,
    version: string,
    file: ModuleFile,
    source: { path: string } | { data: Buffer },
  ): Promise<void> {
    this.touch(`put ${file} ${module}@${version}`);
    const key = MemoryStorage.key(module, version, file);
    if (this.files.has(key)) return;
    const data = "data" in source ? source.data : await readFile(source.path);
    this.files.set(key, data);
    if (file === "zip") this.used(key);
  }

  private used(key: string): void {
    const i = this.zipOrder.indexOf(key);
    if (i >= 0) this.zipOrder.splice(i, 1);
    this.zipOrder.push(key);
  }

  async getAnswer(kind: AnswerKind, key: string): Promise<CachedAnswer | undefined> {
    this.touch(`getAnswer ${kind} ${key}`);
    return this.answers.get(`${kind} ${key}`);
  }

  async putAnswer(kind: AnswerKind, key: string, answer: CachedAnswer): Promise<void> {
    this.touch(`putAnswer ${kind} ${key}`);
    this.answers.set(`${kind} ${key}`, answer);
  }

  async getTile(key: string): Promise<Buffer | undefined> {
    this.touch(`getTile ${key}`);
    return this.tiles.get(key);
  }

  async putTile(key: string, data: Buffer): Promise<void> {
    this.touch(`putTile ${key}`);
    this.tiles.set(key, data);
  }

  async stagingDir(): Promise<string> {
    this.touch("stagingDir");
    this.staging ??= mkdtempSync(join(this.stagingParent, "gopave-mem-staging-"));
    return this.staging;
  }

  async evict(maxBytes: number): Promise<number> {
    this.touch("evict");
    let total = this.zipOrder.reduce((n, k) => n + (this.files.get(k)?.length ?? 0), 0);
    let removed = 0;
    while (total > maxBytes && this.zipOrder.length > 0) {
      const k = this.zipOrder.shift() as string;
      total -= this.files.get(k)?.length ?? 0;
      this.files.delete(k);
      removed++;
    }
    return removed;
  }

  async usage(limit: number): Promise<StorageUsage> {
    this.touch("usage");
    let files = 0;
    let bytes = 0;
    for (const data of this.files.values()) {
      if (files >= limit) return { files, bytes, complete: false };
      files++;
      bytes += data.length;
    }
    return { files, bytes, complete: true };
  }

  async putHeartbeat(id: string, text: string): Promise<void> {
    this.touch(`putHeartbeat ${id}`);
    heartbeatKey(id);
    this.beats.set(id, text);
  }

  async heartbeats(limit: number): Promise<HeartbeatRecord[]> {
    this.touch("heartbeats");
    return [...this.beats].slice(0, limit).map(([id, text]) => ({ id, text }));
  }

  async removeHeartbeat(id: string): Promise<void> {
    this.touch(`removeHeartbeat ${id}`);
    heartbeatKey(id);
    this.beats.delete(id);
  }

  async close(): Promise<void> {
    if (this.staging) rmSync(this.staging, { recursive: true, force: true });
  }

  has(module: string, version: string, file: ModuleFile): boolean {
    return this.files.has(MemoryStorage.key(module, version, file));
  }
}
