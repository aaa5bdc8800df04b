import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export { run } from "../util/run.js";
export type { RunOptions, RunResult } from "../util/run.js";

/** The first line of a command's error output, for a detail. */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? ""
  );
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The PATH entries, as the shell would search them (empty entries mean the current directory). */
export function pathEntries(env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? "").split(delimiter).map((d) => (d === "" ? "." : d));
}

/** Where `name` would be found on PATH, like `command -v`; undefined when it is not. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  for (const dir of pathEntries(env)) {
    const full = join(isAbsolute(dir) ? dir : join(cwd, dir), name);
    if (isExecutableFile(full)) return full;
  }
  return undefined;
}

export function fileIsExecutable(path: string): boolean {
  return isExecutableFile(path);
}
