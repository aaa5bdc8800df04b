import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/fs-atomic.js";
import { MANIFEST_PATH, serializeManifest } from "./manifest.js";
import type { Manifest } from "./manifest.js";
import type { FileAction } from "./plan.js";

export interface ApplyResult {
  /** Actions carried out (files written or removed). */
  applied: FileAction[];
  /** Conflicts left alone (edited or unowned files), for the report. */
  skipped: FileAction[];
  manifestWritten: boolean;
}

/**
 * Carries out a plan: each file is written atomically; conflicts are overwritten only with
 * `force`. The manifest is rewritten last, and only when it changes, so a no-op sync writes nothing.
 */
export function applyPlan(
  root: string,
  actions: FileAction[],
  previous: Manifest,
  force: boolean,
): ApplyResult {
  const files = new Map(Object.entries(previous.files));
  const applied: FileAction[] = [];
  const skipped: FileAction[] = [];
  for (const a of actions) {
    const conflict = a.kind === "edited" || a.kind === "unowned";
    if (a.kind === "unchanged" || (conflict && !force)) {
      if (a.kind === "unchanged" && a.hash) files.set(a.path, entryFor(a));
      if (conflict) skipped.push(a);
      continue;
    }
    const full = join(root, a.path);
    if (a.after === undefined) rmSync(full, { force: true });
    else writeFileAtomic(full, a.after, { executable: a.executable });
    if (a.hash === undefined) files.delete(a.path);
    else files.set(a.path, entryFor(a));
    applied.push(a);
  }
  const text = serializeManifest({ files: Object.fromEntries(files) });
  const manifestFile = join(root, MANIFEST_PATH);
  let current: string | undefined;
  try {
    current = readFileSync(manifestFile, "utf8");
  } catch {
    current = undefined;
  }
  const manifestWritten = current !== text;
  if (manifestWritten) writeFileAtomic(manifestFile, text);
  return { applied, skipped, manifestWritten };
}

function entryFor(a: FileAction): Manifest["files"][string] {
  return a.section ? { sha256: a.hash as string, section: true } : { sha256: a.hash as string };
}
