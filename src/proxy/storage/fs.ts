import { createReadStream } from "node:fs";
import { mkdir, readFile, realpath, rm, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type {
  CachedAnswer,
  HeartbeatRecord,
  ModuleFile,
  Storage,
  StoredBody,
  StoredFile,
  StorageUsage,
} from "../types.js";
import { FsAnswers } from "./fs-answers.js";
import type { AnswerKind } from "./fs-answers.js";
import { FsHeartbeats } from "./fs-heartbeats.js";
import { FsLayout, META_DIR, SUMDB_DIR } from "./fs-layout.js";
import { ZipRecency } from "./fs-recency.js";
import { claimStaging } from "./fs-staging.js";
import { errorCode, writeOnce } from "./fs-write.js";
import { fsUsage } from "./fs-usage.js";
import { scanDownloadDir } from "./modcache.js";

export interface FsStorageOptions {
  /** The clock for zip recency (tests inject one). */
  now?: () => number;
  /** How long not-found records stay on disk; default a day (their TTL is minutes). */
  notFoundKeepMs?: number;
}

/**
 * The filesystem backend: GOMODCACHE's download-cache layout under `root` (servable as-is by a
 * static web server or as `GOPROXY=file://root`), gopave's own state under `root/.gopave`
 * (which a static server in front of it should not expose), tiles under `root/sumdb`.
 */
export async function createFsStorage(root: string, opts: FsStorageOptions = {}): Promise<Storage> {
  const now = opts.now ?? Date.now;
  await mkdir(root, { recursive: true });
  const real = await realpath(resolve(root));
  const staging = await claimStaging(FsLayout.stagingParent(real));
  const layout = new FsLayout(real, staging.dir);
  const answers = new FsAnswers(layout, opts.notFoundKeepMs ?? 24 * 60 * 60 * 1000);
  const noModules = new Set([META_DIR, SUMDB_DIR]);
  const recency = new ZipRecency(layout.root, noModules, now);
  const heartbeats = new FsHeartbeats(layout);
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new Error("storage is closed");
  };

  return {
    async get(module: string, version: string, file: ModuleFile): Promise<StoredBody | undefined> {
      ensureOpen();
      const path = layout.moduleFile(module, version, file);
      let size: number;
      try {
        const st = await stat(path);
        if (!st.isFile()) return undefined;
        size = st.size;
      } catch (err) {
        if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") return undefined;
        throw err;
      }
      if (file === "zip") recency.used(path, size);
      return { size, path, open: () => createReadStream(path) };
    },

    async putOnce(module, version, file, source): Promise<void> {
      ensureOpen();
      const path = layout.moduleFile(module, version, file);
      const usedAt = now();
      const wrote = await writeOnce(path, source, layout.stagingDir, {
        atimeMs: file === "zip" ? usedAt : undefined,
      });
      if (wrote && file === "zip") recency.used(path, (await stat(path)).size, usedAt, true);
    },

    async getAnswer(kind: AnswerKind, key: string): Promise<CachedAnswer | undefined> {
      ensureOpen();
      return answers.get(kind, key);
    },

    async putAnswer(kind: AnswerKind, key: string, answer: CachedAnswer): Promise<void> {
      ensureOpen();
      await answers.put(kind, key, answer);
    },

    async getTile(key: string): Promise<Buffer | undefined> {
      ensureOpen();
      try {
        return await readFile(layout.tileFile(key));
      } catch (err) {
        if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") return undefined;
        throw err;
      }
    },

    async putTile(key: string, data: Buffer): Promise<void> {
      ensureOpen();
      await writeOnce(layout.tileFile(key), { data }, layout.stagingDir);
    },

    async stagingDir(): Promise<string> {
      ensureOpen();
      await mkdir(layout.stagingDir, { recursive: true });
      return layout.stagingDir;
    },

    async evict(maxBytes: number): Promise<number> {
      ensureOpen();
      if (Number.isNaN(maxBytes) || maxBytes < 0) {
        throw new RangeError(`invalid cache size cap ${maxBytes}`);
      }
      return recency.evict(maxBytes);
    },

    async *storedFiles(): AsyncGenerator<StoredFile> {
      ensureOpen();
      const scan = await scanDownloadDir(layout.root);
      for (const m of scan.modules) {
        for (const v of m.versions) {
          for (const file of ["mod", "zip"] as const) {
            if (v.files[file] !== undefined) yield { module: v.module, version: v.version, file };
          }
        }
      }
    },

    async remove(module: string, version: string, file: ModuleFile): Promise<void> {
      ensureOpen();
      await rm(layout.moduleFile(module, version, file), { force: true });
    },

    async usage(limit: number): Promise<StorageUsage> {
      ensureOpen();
      return fsUsage(layout.root, noModules, limit);
    },

    async putHeartbeat(id: string, text: string): Promise<void> {
      ensureOpen();
      await heartbeats.put(id, text);
    },

    async heartbeats(limit: number): Promise<HeartbeatRecord[]> {
      ensureOpen();
      return heartbeats.list(limit);
    },

    async removeHeartbeat(id: string): Promise<void> {
      ensureOpen();
      await heartbeats.remove(id);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all([recency.flush(), answers.settle()]);
      await staging.release();
    },
  };
}
