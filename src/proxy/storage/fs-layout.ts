import { createHash } from "node:crypto";
import { isAbsolute, join, relative, sep } from "node:path";
import { escapeModulePath, escapeVersion } from "../../gomod/module-escape.js";
import type { ModuleFile } from "../types.js";

/**
 * Where things live in a filesystem storage root. Modules use GOMODCACHE's download-cache layout
 * so the root can be served statically; tiles use the go command's `cache/download/sumdb` layout.
 *
 * gopave's own files go under `.gopave/`, and tiles under `sumdb/`: neither can collide with a
 * module, because x/mod's CheckPath (checkModulePath in gomod/module-escape.ts) rejects a path
 * element with a leading dot, and requires the first element to contain a dot ("sumdb" has none).
 */
export const META_DIR = ".gopave";
export const SUMDB_DIR = "sumdb";

const FILES: ReadonlySet<string> = new Set<ModuleFile>(["info", "mod", "zip"]);

/** x/mod tlog Tile.Path: tile/H/L/NNN with 3-digit groups ("x001/x234/067"), L may be "data". */
const TILE_PATH = /^tile\/\d{1,2}\/(?:data|\d{1,2})\/(?:x\d{3}\/)*\d{3}(?:\.p\/\d{1,3})?$/;
/** Checksum database names are host names (sum.golang.org); lowercase keeps case-insensitive file systems safe. */
const SUMDB_NAME = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;

export class StoragePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoragePathError";
  }
}

export class FsLayout {
  constructor(readonly root: string) {}

  get stagingDir(): string {
    return join(this.root, META_DIR, "staging");
  }

  /** `<root>/<escaped module>/@v/<escaped version>.<file>`; throws on a path x/mod would reject. */
  moduleFile(module: string, version: string, file: ModuleFile): string {
    if (!FILES.has(file)) throw new StoragePathError(`unknown module file kind "${String(file)}"`);
    return this.inside(
      join(this.root, escapeModulePath(module), "@v", `${escapeVersion(version)}.${file}`),
    );
  }

  /** `<root>/<escaped module>/@v/list`, the statically servable version list. */
  listFile(module: string): string {
    return this.inside(join(this.root, escapeModulePath(module), "@v", "list"));
  }

  /** `<root>/sumdb/<name>/tile/…` for a key "<name>/tile/…" (what x/mod's sumdb client caches). */
  tileFile(key: string): string {
    const slash = key.indexOf("/");
    const name = key.slice(0, slash);
    const path = key.slice(slash + 1);
    if (slash < 0 || !SUMDB_NAME.test(name) || name.includes("..") || !TILE_PATH.test(path)) {
      throw new StoragePathError(`invalid checksum-database tile key "${key}"`);
    }
    return this.inside(join(this.root, SUMDB_DIR, name, path));
  }

  /**
   * A cached answer's record. Keys are hashed: not-found keys are arbitrary request keys, and a
   * hash can never name a path outside the directory.
   */
  answerRecord(kind: string, key: string): string {
    const hash = createHash("sha256").update(`${kind}\0${key}`).digest("hex");
    return this.inside(join(this.answerDir(kind), hash.slice(0, 2), `${hash}.json`));
  }

  answerDir(kind: string): string {
    return join(this.root, META_DIR, "answers", kind);
  }

  /** Defence in depth: every name above is validated already, but nothing may leave the root. */
  inside(path: string): string {
    const rel = relative(this.root, path);
    if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new StoragePathError(`refusing a storage path outside ${this.root}: ${path}`);
    }
    return path;
  }
}
