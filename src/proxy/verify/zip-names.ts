import type { Entry } from "yauzl";
import {
  canonicalVersion,
  checkModulePath,
  checkPathMajor,
  splitPathVersion,
} from "../../gomod/module-escape.js";
import {
  CollisionChecker,
  MAX_GO_MOD,
  MAX_LICENSE,
  MAX_ZIP_FILE,
  checkFilePath,
  goPathClean,
} from "./zip-rules.js";

/** x/mod/zip CheckZip's rules on a zip's module, version, entry names and declared sizes. */

export interface ZipItem {
  entry: Entry;
  /** The name as stored: Go compares and hashes bytes, not decoded text. */
  raw: Buffer;
  isDir: boolean;
}

/** An entry name for messages, quoted as Go's %q would. */
export function display(raw: Buffer): string {
  return JSON.stringify(raw.toString("utf8"));
}

function decodeStrict(raw: Buffer): string | undefined {
  const s = raw.toString("utf8");
  return Buffer.from(s, "utf8").equals(raw) ? s : undefined;
}

export function checkModuleVersion(module: string, version: string): string[] {
  const canon = canonicalVersion(version);
  if (canon !== version) {
    return [`version "${version}" is not canonical (should be "${canon ?? "a semantic version"}")`];
  }
  const pathErr = checkModulePath(module);
  if (pathErr) return [pathErr];
  const { pathMajor } = splitPathVersion(module);
  const majorErr = checkPathMajor(version, pathMajor);
  return majorErr ? [`${module}@${version}: ${majorErr}`] : [];
}

/** CheckZip's per-entry rules, on names and declared sizes. */
export function checkNames(items: ZipItem[], module: string, version: string): string[] {
  const problems: string[] = [];
  const prefix = Buffer.from(`${module}@${version}/`, "utf8");
  const collisions = new CollisionChecker();
  let declaredTotal = 0;
  let totalReported = false;
  for (const { entry, raw } of items) {
    const add = (why: string): void => {
      problems.push(`${display(raw)}: ${why}`);
    };
    if (!raw.subarray(0, prefix.length).equals(prefix)) {
      add(`path does not have prefix "${module}@${version}/"`);
      continue;
    }
    let name = decodeStrict(raw.subarray(prefix.length));
    if (name === undefined) {
      add("malformed file path: invalid UTF-8");
      continue;
    }
    if (name === "") continue;
    const isDir = name.endsWith("/");
    if (isDir) name = name.slice(0, -1);
    if (goPathClean(name) !== name) {
      add("file path is not clean");
      continue;
    }
    const pathErr = checkFilePath(name);
    if (pathErr) {
      add(`malformed file path ${JSON.stringify(name)}: ${pathErr}`);
      continue;
    }
    const collision = collisions.check(name, isDir);
    if (collision) {
      add(collision);
      continue;
    }
    if (isDir) continue;
    const base = name.slice(name.lastIndexOf("/") + 1);
    if (base.toLowerCase() === "go.mod" && base !== name) {
      add("go.mod file not in module root directory");
      continue;
    }
    if (base.toLowerCase() === "go.mod" && name !== "go.mod") {
      add("go.mod files must have lowercase names");
      continue;
    }
    const size = entry.uncompressedSize;
    if (MAX_ZIP_FILE - declaredTotal >= size) declaredTotal += size;
    else if (!totalReported) {
      totalReported = true;
      problems.push(
        `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`,
      );
    }
    if (name === "go.mod" && size > MAX_GO_MOD)
      add(`go.mod file too large (max size is ${MAX_GO_MOD} bytes)`);
    if (name === "LICENSE" && size > MAX_LICENSE)
      add(`LICENSE file too large (max size is ${MAX_LICENSE} bytes)`);
  }
  return problems;
}
