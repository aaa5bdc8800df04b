import type { RepoModel, TextFile } from "./types.js";

/** A file the model read: every model entry with a path and its lines (GoModModel, StructuredFile...). */
export function isTextFile(v: unknown): v is TextFile {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as TextFile).path === "string" &&
    Array.isArray((v as TextFile).lines)
  );
}

/**
 * Every file the model read and parsed, whatever list or slot holds it: found by shape rather
 * than by name, so a kind of file added to RepoModel is covered without touching this.
 */
export function modelFiles(model: RepoModel): TextFile[] {
  return Object.values(model).flatMap((v: unknown) =>
    Array.isArray(v) ? v.filter(isTextFile) : isTextFile(v) ? [v] : [],
  );
}
