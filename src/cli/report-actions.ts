import { unifiedDiff } from "../generate/diff.js";
import type { FileAction } from "../generate/plan.js";
import type { Colors } from "./io.js";

const LABEL: Record<FileAction["kind"], string> = {
  create: "create",
  update: "update",
  delete: "remove",
  unchanged: "unchanged",
  edited: "edited by hand",
  unowned: "hand-written",
};

/** One line per file that is not unchanged, e.g. "  update   compose.yaml". */
export function actionLines(actions: FileAction[], c: Colors, done: boolean): string {
  const verb: Record<FileAction["kind"], string> = done
    ? { ...LABEL, create: "created", update: "updated", delete: "removed" }
    : LABEL;
  const paint = (a: FileAction) =>
    a.kind === "create"
      ? c.green
      : a.kind === "delete"
        ? c.red
        : a.kind === "update"
          ? c.cyan
          : c.yellow;
  return actions
    .filter((a) => a.kind !== "unchanged")
    .map((a) => `  ${paint(a)(verb[a.kind].padEnd(15))} ${a.path}\n`)
    .join("");
}

/** A unified diff, coloured on a terminal. */
export function coloredDiff(a: FileAction, c: Colors): string {
  return unifiedDiff(a)
    .split("\n")
    .map((l) =>
      l.startsWith("+++") || l.startsWith("---")
        ? c.bold(l)
        : l.startsWith("+")
          ? c.green(l)
          : l.startsWith("-")
            ? c.red(l)
            : l.startsWith("@@")
              ? c.cyan(l)
              : l,
    )
    .join("\n");
}

/** Machine output shared by init and sync: path and action, sorted by path. */
export function actionsJson(actions: FileAction[], applied: Set<FileAction> | undefined) {
  return actions.map((a) => ({
    path: a.path,
    action: a.kind,
    ...(applied ? { written: applied.has(a) } : {}),
  }));
}
