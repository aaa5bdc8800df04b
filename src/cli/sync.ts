import { resolve } from "node:path";
import { applyPlan } from "../generate/apply.js";
import { planRepo } from "../generate/pipeline.js";
import { colors, gopaveVersion } from "./io.js";
import type { CliIo } from "./io.js";
import { actionLines, actionsJson, coloredDiff } from "./report-actions.js";

export interface SyncOptions {
  dir?: string | undefined;
  check?: boolean | undefined;
  force?: boolean | undefined;
  json?: boolean | undefined;
}

/**
 * `gopave sync`: regenerate every file from gopave.yaml. Exit 0 in step; 1 when --check finds
 * drift, or when a file a person edited blocks the sync (shown as a diff).
 */
export async function runSync(opts: SyncOptions, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, opts.dir ?? ".");
  const c = colors(io);
  const { manifest, actions } = planRepo(root, gopaveVersion());
  const drift = actions.filter((a) => a.kind !== "unchanged");

  if (opts.check) {
    if (opts.json) {
      io.stdout(
        `${JSON.stringify({ inSync: drift.length === 0, files: actionsJson(drift, undefined) }, null, 2)}\n`,
      );
      return drift.length === 0 ? 0 : 1;
    }
    if (drift.length === 0) {
      io.stdout(`gopave: all ${actions.length} generated files match gopave.yaml\n`);
      return 0;
    }
    for (const a of drift) io.stdout(`${coloredDiff(a, c)}\n`);
    io.stderr(
      `${c.red("drift:")} ${drift.length} file(s) differ from gopave.yaml:\n${actionLines(drift, c, false)}` +
        `Run \`gopave sync\` and commit the result (edits belong in gopave.yaml, e.g. under overrides:).\n`,
    );
    return 1;
  }

  const result = applyPlan(root, actions, manifest, opts.force === true);
  const conflicts = result.skipped;
  if (opts.json) {
    const applied = new Set(result.applied);
    io.stdout(
      `${JSON.stringify({ files: actionsJson(drift, applied), conflicts: conflicts.length }, null, 2)}\n`,
    );
    return conflicts.length > 0 ? 1 : 0;
  }
  io.stdout(
    result.applied.length === 0 && conflicts.length === 0
      ? `gopave: ${actions.length} generated files already match gopave.yaml; nothing written\n`
      : `gopave sync:\n${actionLines(result.applied, c, true)}`,
  );
  if (conflicts.length > 0) {
    for (const a of conflicts) io.stdout(`${coloredDiff(a, c)}\n`);
    io.stderr(
      `${c.red("not overwritten:")}\n${actionLines(conflicts, c, false)}` +
        "These files changed outside gopave. Move the change into gopave.yaml (overrides: merge/append) and\n" +
        "rerun; keep a file as yours with overrides: {<file>: {generate: false}}; or run\n" +
        "`gopave sync --force` to replace them with the generated version.\n",
    );
    return 1;
  }
  return 0;
}
