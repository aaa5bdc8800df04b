import { createHash } from "node:crypto";
import {
  escapeModulePath,
  escapeVersion,
  unescapeModulePath,
  unescapeVersion,
} from "../../gomod/module-escape.js";
import type { ModuleFile, StoredFile } from "../types.js";

/**
 * Where things live in any storage backend, as '/'-separated keys relative to the storage root
 * (a directory, or a bucket prefix). Modules use GOMODCACHE's download-cache layout so a root can
 * be served statically (or synced to a directory that `GOPROXY=file://` reads); tiles use the go
 * command's `cache/download/sumdb` layout.
 *
 * gopave's own records go under `.gopave/`, and tiles under `sumdb/`: neither can collide with a
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

/** `<escaped module>/@v/<escaped version>.<file>`; throws on a path x/mod would reject. */
export function moduleFileKey(module: string, version: string, file: ModuleFile): string {
  if (!FILES.has(file)) throw new StoragePathError(`unknown module file kind "${String(file)}"`);
  return relativeKey(`${escapeModulePath(module)}/@v/${escapeVersion(version)}.${file}`);
}

/**
 * The module, version and file a stored .mod or .zip key names (moduleFileKey's inverse); undefined
 * for any other key, or one x/mod would not have written.
 */
export function parseStoredFileKey(key: string): StoredFile | undefined {
  const m = /^(.+)\/@v\/([^/]+)\.(mod|zip)$/.exec(key);
  if (!m?.[1] || !m[2]) return undefined;
  try {
    const module = unescapeModulePath(m[1]);
    const version = unescapeVersion(m[2]);
    const file = m[3] as "mod" | "zip";
    return moduleFileKey(module, version, file) === key ? { module, version, file } : undefined;
  } catch {
    return undefined;
  }
}

/** `<escaped module>/@v/list`, the statically servable version list. */
export function listKey(module: string): string {
  return relativeKey(`${escapeModulePath(module)}/@v/list`);
}

/** `sumdb/<name>/tile/…` for a key "<name>/tile/…" (what x/mod's sumdb client caches). */
export function tileKey(key: string): string {
  const slash = key.indexOf("/");
  const name = key.slice(0, slash);
  const path = key.slice(slash + 1);
  if (slash < 0 || !SUMDB_NAME.test(name) || name.includes("..") || !TILE_PATH.test(path)) {
    throw new StoragePathError(`invalid checksum-database tile key "${key}"`);
  }
  return relativeKey(`${SUMDB_DIR}/${name}/${path}`);
}

/** Where a kind of cached answer is kept: `.gopave/answers/<kind>`. */
export function answerDirKey(kind: string): string {
  return relativeKey(`${META_DIR}/answers/${kind}`);
}

/**
 * A cached answer's record. Keys are hashed: not-found keys are arbitrary request keys, and a
 * hash can never name anything outside the root.
 */
export function answerRecordKey(kind: string, key: string): string {
  const hash = createHash("sha256").update(`${kind}\0${key}`).digest("hex");
  return relativeKey(`${answerDirKey(kind)}/${hash.slice(0, 2)}/${hash}.json`);
}

/** Replica ids: host name, pid and a random part (see status/heartbeat-record.ts). */
const REPLICA_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Where replicas' heartbeat records live: `.gopave/replicas`. */
export const HEARTBEAT_DIR = `${META_DIR}/replicas`;

/** `.gopave/replicas/<id>.json`; throws on an id that is not a plain name. */
export function heartbeatKey(id: string): string {
  if (typeof id !== "string" || !REPLICA_ID.test(id) || id.includes("..")) {
    throw new StoragePathError(`invalid replica id "${String(id)}"`);
  }
  return relativeKey(`${HEARTBEAT_DIR}/${id}.json`);
}

/** The replica id of a heartbeat record's file name, or undefined for any other name. */
export function heartbeatIdOf(name: string): string | undefined {
  const id = name.endsWith(".json") ? name.slice(0, -".json".length) : "";
  return REPLICA_ID.test(id) && !id.includes("..") ? id : undefined;
}

/** A stored module file's key (`…/@v/<version>.info|mod|zip`), for counting storage use. */
export const MODULE_FILE_KEY = /\/@v\/[^/]+\.(?:info|mod|zip)$/;

/**
 * Defence in depth: every name above is validated already, but no key may climb out of the root
 * or be read as absolute, on a file system or by a tool syncing a bucket into a directory.
 */
export function relativeKey(key: string): string {
  const bad = key
    .split("/")
    .some((seg) => seg === "" || seg === "." || seg === ".." || seg.includes("\\"));
  // eslint-disable-next-line no-control-regex
  if (bad || /[\x00-\x1f\x7f]/.test(key)) {
    throw new StoragePathError(`refusing a storage key outside the root: "${key}"`);
  }
  return key;
}
