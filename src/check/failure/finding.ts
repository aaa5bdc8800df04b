import { modelFiles } from "../model-files.js";
import { PA002 } from "../rules/core/pa002-rule-failed.js";
import type { Finding, RepoModel, Rule, RuleContext } from "../types.js";
import { locateFailure } from "./locate.js";

/**
 * The PA002 finding for a rule that threw: at the file and line the rule was reading (see
 * locate.ts), else at the root go.mod or the first file read, so it is always printed
 * against a file of the repo.
 */
export async function ruleFailure(rule: Rule, err: unknown, ctx: RuleContext): Promise<Finding> {
  const spot =
    (await locateFailure(ctx.model, (model) => rule.check({ ...ctx, model })).catch(
      () => undefined,
    )) ?? fallbackSpot(ctx.model);
  return {
    rule: PA002.id,
    severity: PA002.severity,
    file: spot.file,
    line: spot.line,
    message:
      `gopave rule ${rule.id} failed on ${spot.file}: ${describeError(err)}` +
      " — a bug in gopave, please report it",
  };
}

function fallbackSpot(model: RepoModel): { file: string; line: number } {
  const first =
    model.gomods[0]?.path ??
    modelFiles(model)
      .map((f) => f.path)
      .sort()[0];
  return { file: first ?? "go.mod", line: 1 };
}

/** "TypeError: x is not a function (df003-sources-before-mod-download.js:41)", on one line. */
function describeError(err: unknown): string {
  let text: string;
  let frame: string | undefined;
  try {
    text = err instanceof Error ? `${err.name}: ${err.message}` : `thrown ${String(err)}`;
    frame = err instanceof Error ? firstFrame(err.stack) : undefined;
  } catch {
    // An exotic throw (an object whose toString throws) still gets a message.
    text = `thrown ${typeof err}`;
  }
  const oneLine = text.replace(/\s+/g, " ").trim();
  const short = oneLine.length > 300 ? `${oneLine.slice(0, 299)}…` : oneLine;
  return frame ? `${short} (${frame})` : short;
}

const FRAME_RE =
  /\bat (?:.*\()?(?:file:\/\/)?(?:.*[\\/])?([^\\/()\s]+?\.[cm]?[jt]s):(\d+)(?::\d+)?\)?\s*$/;

/**
 * The innermost stack frame in gopave's own code (not a library's, not node's) as `file.js:line`,
 * without the install path, which is the user's business.
 */
function firstFrame(stack: string | undefined): string | undefined {
  for (const line of (stack ?? "").split("\n")) {
    if (line.includes("node_modules") || line.includes("node:")) continue;
    const m = FRAME_RE.exec(line);
    if (m) return `${m[1]}:${m[2]}`;
  }
  return undefined;
}
