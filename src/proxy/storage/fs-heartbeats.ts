import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { HeartbeatRecord } from "../types.js";
import type { FsLayout } from "./fs-layout.js";
import { errorCode, writeReplace } from "./fs-write.js";
import { heartbeatIdOf } from "./keys.js";

/** Replicas' heartbeat records as files under `.gopave/replicas` (replaced by rename). */
export class FsHeartbeats {
  constructor(private readonly layout: FsLayout) {}

  async put(id: string, text: string): Promise<void> {
    await writeReplace(this.layout.heartbeatFile(id), text, this.layout.stagingDir);
  }

  async list(limit: number): Promise<HeartbeatRecord[]> {
    const dir = this.layout.heartbeatDir;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (errorCode(err) === "ENOENT") return [];
      throw err;
    }
    const out: HeartbeatRecord[] = [];
    for (const name of names.sort()) {
      if (out.length >= limit) break;
      const id = heartbeatIdOf(name);
      if (id === undefined) continue;
      try {
        out.push({ id, text: await readFile(join(dir, name), "utf8") });
      } catch {
        // Removed by its replica (or a prune) since the listing.
      }
    }
    return out;
  }

  async remove(id: string): Promise<void> {
    await rm(this.layout.heartbeatFile(id), { force: true });
  }
}
