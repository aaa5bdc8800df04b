import { goEnv } from "../detect/go-command.js";
import { readEnvLayers } from "./env-layers.js";
import { findOnPath, firstLine, run } from "./exec.js";
import type { GoEnvJson, Machine } from "./types.js";

/**
 * Runs `go env -json` once, with GOTOOLCHAIN=local so the answer describes the installed
 * toolchain rather than one GOTOOLCHAIN might switch to (or download), and reads the env files
 * the values come from.
 */
export async function inspectMachine(
  root: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<Machine> {
  const goBinary = findOnPath("go", env, root);
  const none = { goBinary, goEnv: undefined, layers: readEnvLayers(env, undefined, undefined) };
  if (!goBinary) return { ...none, goProblem: "go is not on PATH" };
  const r = await run("go", ["env", "-json"], { cwd: root, env: goEnv(env), timeoutMs });
  if (!r.ok) {
    const why = r.timedOut ? `timed out after ${timeoutMs} ms` : firstLine(r.stderr) || "failed";
    return { ...none, goProblem: `go env -json: ${why}` };
  }
  let parsed: GoEnvJson;
  try {
    parsed = JSON.parse(r.stdout) as GoEnvJson;
  } catch {
    return { ...none, goProblem: "go env -json printed no JSON" };
  }
  return {
    goBinary,
    goEnv: parsed,
    goProblem: undefined,
    layers: readEnvLayers(env, parsed.GOENV, parsed.GOROOT),
  };
}
