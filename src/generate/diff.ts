import { createTwoFilesPatch } from "diff";
import type { FileAction } from "./plan.js";

/** A unified diff of one planned change, as `git diff` would show it. */
export function unifiedDiff(a: FileAction): string {
  const from = a.before === undefined ? "/dev/null" : `a/${a.path}`;
  const to = a.after === undefined ? "/dev/null" : `b/${a.path}`;
  const patch = createTwoFilesPatch(from, to, a.before ?? "", a.after ?? "", undefined, undefined, {
    context: 3,
  });
  // Drop the "=====" banner line the library adds; keep the ---/+++ headers.
  return patch
    .split("\n")
    .filter((l) => !/^=+$/.test(l))
    .join("\n");
}
