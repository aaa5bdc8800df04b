import { hasMarker } from "./marker.js";
import { sha256 } from "./manifest.js";
import type { Manifest } from "./manifest.js";
import type { RenderedFile } from "./render.js";
import { findSection, replaceSection } from "./section.js";

export type ActionKind =
  | "create"
  | "update"
  | "delete"
  | "unchanged"
  /** gopave wrote it, a person changed it since: not overwritten without --force. */
  | "edited"
  /** A file gopave did not write sits where it would generate one. */
  | "unowned";

export interface FileAction {
  kind: ActionKind;
  path: string;
  /** Whole file on disk now (undefined: absent). */
  before: string | undefined;
  /** Whole file gopave wants (undefined: delete). */
  after: string | undefined;
  executable: boolean;
  section: boolean;
  /** Manifest hash to record if this action is carried out. */
  hash: string | undefined;
}

export interface PlanInput {
  desired: RenderedFile[];
  manifest: Manifest;
  /** Reads a repo file; undefined when absent. */
  read: (path: string) => string | undefined;
}

/**
 * Decides, per file, what sync would do. Pure: all disk reads go through `read`, so `sync --check`
 * and `sync` share one decision and the tests need no disk.
 */
export function planSync({ desired, manifest, read }: PlanInput): FileAction[] {
  const actions: FileAction[] = [];
  const wanted = new Set(desired.map((f) => f.path));
  for (const f of desired) {
    const before = read(f.path);
    const entry = manifest.files[f.path];
    if (f.section) {
      const current = before === undefined ? undefined : findSection(before)?.block;
      const after = replaceSection(before, f.content);
      const base = {
        path: f.path,
        before,
        after,
        executable: false,
        section: true,
        hash: sha256(f.content),
      };
      if (current === f.content) actions.push({ ...base, kind: "unchanged" });
      else if (current === undefined)
        actions.push({ ...base, kind: before === undefined ? "create" : "update" });
      else if (entry && entry.sha256 === sha256(current)) actions.push({ ...base, kind: "update" });
      else actions.push({ ...base, kind: "edited" });
      continue;
    }
    const base = {
      path: f.path,
      before,
      after: f.content,
      executable: f.executable,
      section: false,
      hash: sha256(f.content),
    };
    if (before === undefined) actions.push({ ...base, kind: "create" });
    else if (before === f.content) actions.push({ ...base, kind: "unchanged" });
    else if (entry && entry.sha256 === sha256(before)) actions.push({ ...base, kind: "update" });
    else if (entry || hasMarker(before)) actions.push({ ...base, kind: "edited" });
    else actions.push({ ...base, kind: "unowned" });
  }
  for (const [path, entry] of Object.entries(manifest.files)) {
    if (wanted.has(path)) continue;
    const before = read(path);
    if (before === undefined) continue;
    const base = {
      path,
      before,
      executable: false,
      section: entry.section === true,
      hash: undefined,
    };
    if (entry.section) {
      const block = findSection(before)?.block;
      if (block === undefined) continue;
      const after = replaceSection(before, undefined);
      actions.push({ ...base, after, kind: sha256(block) === entry.sha256 ? "delete" : "edited" });
      continue;
    }
    actions.push({
      ...base,
      after: undefined,
      kind: sha256(before) === entry.sha256 ? "delete" : "edited",
    });
  }
  return actions.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Whether an action changes the disk when carried out. */
export function isChange(a: FileAction): boolean {
  return a.kind === "create" || a.kind === "update" || a.kind === "delete";
}
