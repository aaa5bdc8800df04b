import { posix } from "node:path";
import { BAD_WINDOWS_NAMES } from "../../gomod/module-escape.js";

/**
 * File-name rules of golang.org/x/mod/zip and module.CheckFilePath, used on every entry of a
 * module zip so that extracting it is safe and identical on every OS and file system.
 */

export const MAX_ZIP_FILE = 500 << 20;
export const MAX_GO_MOD = 16 << 20;
export const MAX_LICENSE = 16 << 20;

/** Unicode letters, ASCII digits, space and !#$%&()+,-.=@[]^_{}~ (no shell or OS specials). */
function fileNameOK(c: string): boolean {
  if ((c.codePointAt(0) ?? 0) < 0x80) return /^[0-9A-Za-z!#$%&()+,\-.=@[\]^_{}~ ]$/.test(c);
  return /^\p{L}$/u.test(c);
}

function checkElem(elem: string): string | undefined {
  if (elem === "") return "empty path element";
  if (/^\.+$/.test(elem)) return `invalid path element "${elem}"`;
  if (elem.endsWith(".")) return "trailing dot in path element";
  for (const c of elem) {
    if (!fileNameOK(c)) return `invalid char ${JSON.stringify(c)}`;
  }
  const dot = elem.indexOf(".");
  const short = dot >= 0 ? elem.slice(0, dot) : elem;
  if (BAD_WINDOWS_NAMES.has(short.toLowerCase())) {
    return `"${short}" disallowed as path element component on Windows`;
  }
  return undefined;
}

/** module.CheckFilePath: the reason `path` (module-root relative) is not a valid file path. */
export function checkFilePath(path: string): string | undefined {
  if (path === "") return "empty string";
  if (path.includes("//")) return "double slash";
  if (path.endsWith("/")) return "trailing slash";
  for (const elem of path.split("/")) {
    const err = checkElem(elem);
    if (err) return err;
  }
  return undefined;
}

/** Go's path.Clean, for the "path is not clean" rule (this is what rejects "a/../b" and "./a"). */
export function goPathClean(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** Go's path.Dir for a slash path. */
function goPathDir(p: string): string {
  const i = p.lastIndexOf("/");
  return goPathClean(i < 0 ? "" : p.slice(0, i + 1));
}

function foldRune(c: string): string {
  // The smallest code point in c's simple case-folding orbit, approximated with JS case maps.
  let best = c;
  let frontier = [c];
  for (let round = 0; round < 3; round++) {
    const next: string[] = [];
    for (const x of frontier) {
      for (const y of [x.toLowerCase(), x.toUpperCase()]) {
        if ([...y].length !== 1 || y === x) continue;
        next.push(y);
        if ((y.codePointAt(0) ?? 0) < (best.codePointAt(0) ?? 0)) best = y;
      }
    }
    frontier = next;
  }
  return best >= "A" && best <= "Z" ? best.toLowerCase() : best;
}

/** A key with strToFold's property: EqualFold(s, t) iff foldKey(s) === foldKey(t). */
export function foldKey(s: string): string {
  // Fast path, as in x/mod: ASCII without upper case folds to itself.
  let plain = true;
  for (let i = 0; i < s.length && plain; i++) {
    const c = s.charCodeAt(i);
    plain = c < 0x80 && !(c >= 0x41 && c <= 0x5a);
  }
  if (plain) return s;
  let out = "";
  for (const c of s) out += foldRune(c);
  return out;
}

/**
 * Finds case-insensitive collisions and paths that are both a file and a directory, checking
 * each path's parents too, as x/mod/zip's collisionChecker does.
 */
export class CollisionChecker {
  private readonly seen = new Map<string, { path: string; isDir: boolean }>();

  check(p: string, isDir: boolean): string | undefined {
    const fold = foldKey(p);
    const other = this.seen.get(fold);
    if (other) {
      if (p !== other.path) {
        return `case-insensitive file name collision: "${other.path}" and "${p}"`;
      }
      if (isDir !== other.isDir) return `entry "${p}" is both a file and a directory`;
      if (!isDir) return `multiple entries for file "${p}"`;
    } else {
      this.seen.set(fold, { path: p, isDir });
    }
    const parent = goPathDir(p);
    return parent !== "." ? this.check(parent, true) : undefined;
  }
}
