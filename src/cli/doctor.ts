import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { audit, summarize, timeoutFrom } from "../doctor/audit.js";
import { applyFixes, changes } from "../doctor/fix.js";
import type { Change, FixResult } from "../doctor/fix.js";
import { auditJson, auditTable, statusLabel, summaryLine } from "../doctor/report.js";
import { loadTarget } from "../doctor/target.js";
import type { Finding } from "../doctor/types.js";
import { SPEC_FILE } from "../spec/load.js";
import { GopaveError } from "../util/errors.js";
import { colors } from "./io.js";
import type { CliIo, Colors } from "./io.js";

export interface DoctorOptions {
  dir?: string | undefined;
  json?: boolean | undefined;
  fix?: boolean | undefined;
  explain?: string | undefined;
  /** Per-request deadline; default GOPAVE_DOCTOR_TIMEOUT_MS, else 5 s. */
  timeoutMs?: number | undefined;
  /** Reads standard input for `--explain -` (injectable for tests). */
  readStdin?: (() => Promise<string>) | undefined;
}

/**
 * `gopave doctor`: audit this machine against gopave.yaml (or go.mod). Exit 0 when nothing
 * fails (warnings allowed), 1 on any failed check, 2 on bad usage or an invalid spec/go.mod.
 */
export async function runDoctor(opts: DoctorOptions, io: CliIo): Promise<number> {
  if (opts.explain !== undefined) return runExplain(opts, io);
  const root = resolve(io.cwd, opts.dir ?? ".");
  const target = loadTarget(root);
  const input = { root, env: io.env, timeoutMs: timeoutFrom(io.env, opts.timeoutMs), target };
  const c = colors(io);
  const before = await audit(input);
  const against =
    target.kind === "spec" ? SPEC_FILE : `${target.goLine?.file ?? "go.mod"} (no ${SPEC_FILE})`;

  if (!opts.fix) {
    if (opts.json) {
      io.stdout(`${JSON.stringify(auditJson(before), null, 2)}\n`);
    } else {
      io.stdout(
        `gopave doctor: ${root}, against ${against}\n\n${auditTable(before, c)}\n${summaryLine(summarize(before), c)}`,
      );
    }
    return exitCode(before);
  }

  // Progress goes to stderr under --json so stdout stays one JSON document.
  const write = opts.json ? io.stderr : io.stdout;
  const pending = before.filter((f) => f.status !== "pass");
  write(`gopave doctor --fix: ${root}, against ${against}\n`);
  // io.isTTY describes stdout; under --json progress goes to stderr, so no redrawing there.
  const isTTY = io.isTTY && !opts.json;
  const fixes = await applyFixes(pending, { root, env: io.env, isTTY, colors: c, write });
  if (fixes.length === 0) write("  nothing gopave can fix here (go env -w and go install only)\n");
  const after = await audit(input);
  const changed = changes(before, after);
  if (opts.json) {
    io.stdout(`${JSON.stringify({ ...auditJson(after), fixes, changes: changed }, null, 2)}\n`);
  } else {
    io.stdout(
      `\n${changesText(changed, fixes, c)}\n${auditTable(after, c)}\n${summaryLine(summarize(after), c)}`,
    );
  }
  return exitCode(after);
}

function exitCode(findings: readonly Finding[]): number {
  return findings.some((f) => f.status === "fail") ? 1 : 0;
}

function changesText(changed: Change[], fixes: FixResult[], c: Colors): string {
  if (fixes.length === 0) return "";
  if (changed.length === 0) return "Re-audit: no check changed status.\n";
  const lines = changed.map(
    (ch) =>
      `  ${ch.title}: ${ch.before === "absent" ? ch.before : statusLabel(ch.before as Finding["status"], c)} -> ${statusLabel(ch.after as Finding["status"], c)}\n`,
  );
  return `Changed:\n${lines.join("")}`;
}

async function readInput(opts: DoctorOptions, io: CliIo): Promise<string> {
  const file = opts.explain as string;
  if (file === "-") return (opts.readStdin ?? readProcessStdin)();
  try {
    return readFileSync(resolve(io.cwd, file), "utf8");
  } catch (err) {
    throw new GopaveError("IO", `cannot read ${file}: ${(err as Error).message}`, {
      hint: "pass a file holding the go command's output, or - to read standard input",
    });
  }
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `--explain FILE|-`: names the cause and fix of each problem in a go command's output. Like
 * grep, exit 0 when something was recognised and 1 when nothing was.
 */
async function runExplain(opts: DoctorOptions, io: CliIo): Promise<number> {
  const text = await readInput(opts, io);
  const { explainGoError, formatExplanations } = await import("../doctor/explain/index.js");
  const found = explainGoError(text);
  if (opts.json) io.stdout(`${JSON.stringify({ explanations: found }, null, 2)}\n`);
  else io.stdout(formatExplanations(found, colors(io).bold));
  return found.length > 0 ? 0 : 1;
}
