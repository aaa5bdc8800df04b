import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, basename } from "node:path";

/**
 * Writes through a temp file in the same directory and renames it into place, so a reader (or a
 * crash) never sees half a file.
 */
export function writeFileAtomic(
  file: string,
  content: string,
  opts: { executable?: boolean } = {},
): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, content, { mode: opts.executable ? 0o755 : 0o644 });
    if (opts.executable) chmodSync(tmp, 0o755);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
