import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { unescapeModulePath, unescapeVersion } from "../../gomod/module-escape.js";
import { GopaveError } from "../../util/errors.js";
import type { ModuleFile } from "../types.js";

/** One version in a module cache: whichever of .info/.mod/.zip it has (often no zip). */
export interface CachedVersion {
  module: string;
  version: string;
  files: Partial<Record<ModuleFile, string>>;
}

export interface CachedModule {
  module: string;
  /** `@v/list`: the versions this machine downloaded (not the upstream's full list). */
  list?: string;
  versions: CachedVersion[];
}

export interface ModCacheScan {
  downloadDir: string;
  modules: CachedModule[];
  /** Files or directories whose escaped names x/mod would reject: never seeded. */
  invalid: string[];
}

const EXT = /^(.+)\.(info|mod|zip)$/;

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** `<dir>/cache/download` of a GOMODCACHE, or `dir` itself when it already is a download dir. */
export async function findDownloadDir(dir: string): Promise<string> {
  if (!(await isDir(dir))) {
    throw new GopaveError("USAGE", `${dir} is not a directory`, {
      hint: "pass a GOMODCACHE (see `go env GOMODCACHE`) or its cache/download directory",
    });
  }
  const download = join(dir, "cache", "download");
  return (await isDir(download)) ? download : dir;
}

/**
 * Every module version in a download cache (`<escaped module>/@v/<escaped version>.{info,mod,zip}`
 * and `@v/list`). Skips `sumdb/` (checksum-db tiles), dot directories (a gopave storage root's
 * `.gopave`), and directories whose names hold "@" (extracted `module@version` trees, which no
 * module path element can contain).
 */
export async function scanDownloadDir(downloadDir: string): Promise<ModCacheScan> {
  const modules: CachedModule[] = [];
  const invalid: string[] = [];
  const dirs = [downloadDir];
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const d of entries) {
      if (!d.isDirectory()) continue;
      const path = join(dir, d.name);
      if (d.name === "@v") {
        const escaped = relative(downloadDir, dir).split(sep).join("/");
        const mod = await readVersionDir(escaped, path, invalid);
        if (mod && (mod.list !== undefined || mod.versions.length > 0)) modules.push(mod);
      } else if (
        !d.name.startsWith(".") &&
        !d.name.includes("@") &&
        !(dir === downloadDir && d.name === "sumdb")
      ) {
        dirs.push(path);
      }
    }
  }
  modules.sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  return { downloadDir, modules, invalid };
}

async function readVersionDir(
  escaped: string,
  dir: string,
  invalid: string[],
): Promise<CachedModule | undefined> {
  let module: string;
  try {
    module = unescapeModulePath(escaped);
  } catch {
    invalid.push(dir);
    return undefined;
  }
  const result: CachedModule = { module, versions: [] };
  const byVersion = new Map<string, CachedVersion>();
  for (const d of await readdir(dir, { withFileTypes: true })) {
    if (!d.isFile()) continue;
    const path = join(dir, d.name);
    if (d.name === "list") {
      result.list = path;
      continue;
    }
    // .ziphash, .lock, .partial and the go command's temp files are not part of the protocol.
    const m = EXT.exec(d.name);
    if (!m?.[1] || !m[2]) continue;
    let version: string;
    try {
      version = unescapeVersion(m[1]);
    } catch {
      invalid.push(path);
      continue;
    }
    let v = byVersion.get(version);
    if (!v) {
      v = { module, version, files: {} };
      byVersion.set(version, v);
      result.versions.push(v);
    }
    v.files[m[2] as ModuleFile] = path;
  }
  result.versions.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return result;
}
