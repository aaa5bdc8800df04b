import { run } from "../util/run.js";

export type GoRun =
  | { ok: true; stdout: string; stderr: string }
  | { ok: false; missing: boolean; stdout: string; stderr: string; reason: string };

export interface GoRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Runs `go <args>`; never throws. `missing` means no go command on PATH. */
export async function runGo(args: string[], opts: GoRunOptions): Promise<GoRun> {
  const r = await run("go", args, opts);
  if (r.ok) return { ok: true, stdout: r.stdout, stderr: r.stderr };
  const reason = r.missing
    ? "go is not installed or not on PATH"
    : r.timedOut
      ? `timed out after ${opts.timeoutMs} ms`
      : firstLine(r.stderr) || `go ${args.join(" ")} failed`;
  return { ok: false, missing: r.missing, stdout: r.stdout, stderr: r.stderr, reason };
}

function firstLine(s: string): string {
  return (
    s
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "" && !l.startsWith("go: downloading")) ?? ""
  );
}

/** The environment for go commands gopave runs: never download a toolchain. */
export function goEnv(base: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...base, GOTOOLCHAIN: "local", ...extra };
}
