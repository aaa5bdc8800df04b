import type { Copy, Flag, Instruction } from "dockerfile-ast";
import { execForm, runMounts } from "./run-script.js";

/** What COPY/ADD (and bind mounts) bring in from the build context. */

const DEPENDENCY_FILES = new Set(["go.mod", "go.sum", "go.work", "go.work.sum"]);
/** Extension-less names that are files, not source directories. */
const PLAIN_FILES = new Set(["makefile", "license", "dockerfile", "readme", "version", "notice"]);

/** A flag of COPY/ADD (`--from`, `--chown`...); ADD has no getFromFlag, but both have flags. */
export function instructionFlag(ins: Instruction, name: string): string | undefined {
  const flags = (ins as unknown as { getFlags?: () => Flag[] }).getFlags?.() ?? [];
  const flag = flags.find((f) => f.getName() === name);
  return flag === undefined ? undefined : (flag.getValue() ?? "");
}

/**
 * A COPY/ADD from the build context: its sources (no URLs or git repositories, which ADD also
 * fetches) and its destination as written. Undefined with --from, for heredocs, and for
 * anything that is not COPY/ADD.
 */
export function contextCopy(ins: Instruction): { sources: string[]; dest: string } | undefined {
  const keyword = ins.getKeyword();
  if (keyword !== "COPY" && keyword !== "ADD") return undefined;
  const copy = ins as Copy;
  if (instructionFlag(ins, "from") !== undefined) return undefined;
  const json = copy.getJSONStrings();
  const args =
    json.length > 0
      ? (execForm(`[${json.map((j) => j.getValue()).join(",")}]`) ?? [])
      : copy.getArguments().map((a) => a.getValue());
  if (args.some((a) => a.startsWith("<<"))) return undefined;
  const dest = args.at(-1);
  if (dest === undefined || args.length < 2) return undefined;
  const sources = args.slice(0, -1).filter((a) => !/^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i.test(a));
  return { sources, dest };
}

/** The source arguments of a COPY/ADD from the build context (none with --from; no URLs). */
export function contextSources(ins: Instruction): string[] {
  return contextCopy(ins)?.sources ?? [];
}

/** Go sources or a directory that may hold them, as opposed to go.mod/go.sum or a plain file. */
export function isGoSource(src: string): boolean {
  const path = src.replace(/\/+$/, "");
  if (path === "" || path === "." || path === "*" || path.endsWith(".go")) return true;
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (DEPENDENCY_FILES.has(base) || base.startsWith(".")) return false;
  if (PLAIN_FILES.has(base.toLowerCase())) return false;
  // Without an extension it is most likely a package directory (cmd, internal, pkg/api).
  return !base.includes(".");
}

/** The whole context (`COPY . <dest>`), what a .dockerignore filters. */
export function copiesWholeContext(ins: Instruction): boolean {
  return contextSources(ins).some((s) => s === "." || s === "./");
}

/** RUN bind mounts of the context that expose sources (no `source`, or a source directory). */
export function bindsSources(ins: Instruction): boolean {
  return runMounts(ins).some(
    (m) => m.type === "bind" && m.from === undefined && isGoSource(m.source ?? "."),
  );
}
