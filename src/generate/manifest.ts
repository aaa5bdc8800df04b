import { createHash } from "node:crypto";
import { MARKER } from "./marker.js";

export const MANIFEST_PATH = ".gopave/manifest.json";

export interface ManifestEntry {
  sha256: string;
  /** gopave owns only a marked block of this file. */
  section?: true;
}

/** What gopave wrote last time: lets sync tell its own files from files a person edited. */
export interface Manifest {
  files: Record<string, ManifestEntry>;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function emptyManifest(): Manifest {
  return { files: {} };
}

/** Parses manifest text; a damaged manifest is treated as absent (every file then counts as unowned). */
export function parseManifest(text: string | undefined): Manifest {
  if (text === undefined) return emptyManifest();
  try {
    const raw = JSON.parse(text) as {
      files?: Record<string, { sha256?: unknown; section?: unknown }>;
    };
    const files: Record<string, ManifestEntry> = {};
    for (const [path, e] of Object.entries(raw.files ?? {})) {
      if (typeof e.sha256 !== "string" || !isSafeRelativePath(path)) continue;
      files[path] = e.section === true ? { sha256: e.sha256, section: true } : { sha256: e.sha256 };
    }
    return { files };
  } catch {
    return emptyManifest();
  }
}

export function serializeManifest(m: Manifest): string {
  const files = Object.fromEntries(
    Object.keys(m.files)
      .sort()
      .map((k) => [k, m.files[k]]),
  );
  return `${JSON.stringify({ $comment: MARKER, version: 1, files }, null, 2)}\n`;
}

/**
 * The manifest is read from the repo, so it is untrusted: a path in it must stay inside the repo
 * before sync may delete it.
 */
export function isSafeRelativePath(p: string): boolean {
  return (
    p !== "" &&
    !p.startsWith("/") &&
    !p.includes("\\") &&
    !p.includes("\0") &&
    p.split("/").every((seg) => seg !== "" && seg !== "." && seg !== "..")
  );
}
