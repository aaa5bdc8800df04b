import { isAbsolute, join, relative, sep } from "node:path";
import type { ModuleFile } from "../types.js";
import {
  META_DIR,
  StoragePathError,
  answerDirKey,
  HEARTBEAT_DIR,
  answerRecordKey,
  heartbeatKey,
  listKey,
  moduleFileKey,
  tileKey,
} from "./keys.js";

export { META_DIR, SUMDB_DIR, StoragePathError } from "./keys.js";

/** The storage keys of keys.ts as paths under a filesystem root. */
export class FsLayout {
  /** `staging`: this process's staging directory (see fs-staging.ts). */
  constructor(
    readonly root: string,
    readonly stagingDir: string,
  ) {}

  /** Where the staging directories of all processes using `root` live. */
  static stagingParent(root: string): string {
    return join(root, META_DIR, "staging");
  }

  /** `<root>/<escaped module>/@v/<escaped version>.<file>`; throws on a path x/mod would reject. */
  moduleFile(module: string, version: string, file: ModuleFile): string {
    return this.path(moduleFileKey(module, version, file));
  }

  /** `<root>/<escaped module>/@v/list`, the statically servable version list. */
  listFile(module: string): string {
    return this.path(listKey(module));
  }

  /** `<root>/sumdb/<name>/tile/…` for a key "<name>/tile/…". */
  tileFile(key: string): string {
    return this.path(tileKey(key));
  }

  /** A cached answer's record, named by a hash of kind and key. */
  answerRecord(kind: string, key: string): string {
    return this.path(answerRecordKey(kind, key));
  }

  answerDir(kind: string): string {
    return this.path(answerDirKey(kind));
  }

  /** A replica's heartbeat record. */
  heartbeatFile(id: string): string {
    return this.path(heartbeatKey(id));
  }

  get heartbeatDir(): string {
    return this.path(HEARTBEAT_DIR);
  }

  private path(key: string): string {
    return this.inside(join(this.root, ...key.split("/")));
  }

  /** Defence in depth: every key is validated already, but nothing may leave the root. */
  inside(path: string): string {
    const rel = relative(this.root, path);
    if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new StoragePathError(`refusing a storage path outside ${this.root}: ${path}`);
    }
    return path;
  }
}
