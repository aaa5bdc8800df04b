import { createHash } from "node:crypto";

/**
 * The "h1:" hash of golang.org/x/mod/sumdb/dirhash: SHA-256 over lines
 * "<hex sha256 of content>  <name>\n", names sorted as Go sorts strings, i.e. by UTF-8 bytes.
 * JS string order compares UTF-16 units and disagrees for characters beyond the BMP, so names
 * are kept and compared as bytes.
 */

export interface HashedFile {
  /** The name exactly as stored (zip entry names are bytes, not necessarily UTF-8). */
  name: Buffer;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
}

export function hash1(files: readonly HashedFile[]): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(a.name, b.name));
  const summary = createHash("sha256");
  for (const f of sorted) {
    if (f.name.includes(0x0a))
      throw new Error("dirhash: filenames with newlines are not supported");
    summary.update(`${f.sha256}  `).update(f.name).update("\n");
  }
  return `h1:${summary.digest("base64")}`;
}

/** The go.sum hash of a go.mod: a one-file tree whose only file is named "go.mod". */
export function hashMod(data: Buffer): string {
  const sha256 = createHash("sha256").update(data).digest("hex");
  return hash1([{ name: Buffer.from("go.mod"), sha256 }]);
}
