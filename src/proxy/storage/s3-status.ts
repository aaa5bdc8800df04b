import type { HeartbeatRecord, StorageUsage } from "../types.js";
import {
  HEARTBEAT_DIR,
  META_DIR,
  MODULE_FILE_KEY,
  SUMDB_DIR,
  heartbeatIdOf,
  heartbeatKey,
} from "./keys.js";
import type { S3Objects } from "./s3-objects.js";

/**
 * Counts module files (`…/@v/*.info|mod|zip`) in the bucket prefix and their bytes, from listings
 * (no object is read): one delimited listing of the top level, then each module host's objects,
 * skipping gopave's records and the tiles, stopping after `limit` files.
 */
export async function s3Usage(objects: S3Objects, limit: number): Promise<StorageUsage> {
  let files = 0;
  let bytes = 0;
  for (const top of await objects.topLevel("")) {
    if (top === `${META_DIR}/` || top === `${SUMDB_DIR}/`) continue;
    for await (const o of objects.list(top)) {
      if (!MODULE_FILE_KEY.test(o.key)) continue;
      if (files >= limit) return { files, bytes, complete: false };
      files++;
      bytes += o.size;
    }
  }
  return { files, bytes, complete: true };
}

/** Replicas' heartbeat records as objects under `.gopave/replicas/` (a PUT replaces atomically). */
export function s3Heartbeats(objects: S3Objects) {
  return {
    put: (id: string, text: string) => objects.write(heartbeatKey(id), { data: text }),
    remove: (id: string) => objects.remove(heartbeatKey(id)),
    async list(limit: number): Promise<HeartbeatRecord[]> {
      const out: HeartbeatRecord[] = [];
      for await (const o of objects.list(`${HEARTBEAT_DIR}/`)) {
        if (out.length >= limit) break;
        const name = o.key.slice(HEARTBEAT_DIR.length + 1);
        const id = heartbeatIdOf(name);
        if (id === undefined) continue;
        // Removed by its replica (or a prune) since the listing: skipped.
        const body = await objects.read(o.key);
        if (body) out.push({ id, text: body.data.toString("utf8") });
      }
      return out;
    },
  };
}
