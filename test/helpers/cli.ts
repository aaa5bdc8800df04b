import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { main } from "../../src/cli/main.js";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output and no terminal. */
export async function gopave(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd,
    env: { ...process.env, GOPAVE_OFFLINE: "1", ...env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/** A temp copy of examples/<name> or test/fixtures/<name>. */
export function copyRepo(from: "example" | "fixture", name: string): string {
  const src =
    from === "example"
      ? join(REPO_ROOT, "examples", name)
      : join(REPO_ROOT, "test", "fixtures", name);
  const dir = mkdtempSync(join(tmpdir(), `gopave-${name.replaceAll("/", "-")}-`));
  cpSync(src, dir, { recursive: true });
  return dir;
}

/** Every file below dir with its content and mtime, to prove a command wrote nothing. */
export function snapshot(dir: string): Map<string, { content: string; mtimeMs: number }> {
  const out = new Map<string, { content: string; mtimeMs: number }>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else
        out.set(relative(dir, p), {
          content: readFileSync(p, "utf8"),
          mtimeMs: statSync(p).mtimeMs,
        });
    }
  };
  walk(dir);
  return out;
}
