// Runs the gopave under test in a repo copy and reads what it says: check findings, init's JSON
// and the gopave.yaml it wrote, and sync --check's drift.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isScalar, parseDocument } from "yaml";
import { run } from "./proc.mjs";

const TIMEOUT_MS = 5 * 60_000;

function lastLine(text) {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ""
  );
}

/** What a failed command said: a thrown error's message when there is one, else the last line. */
function failure(r) {
  if (r.timedOut) return "timed out";
  const thrown = r.stderr.split("\n").find((l) => /^\w*Error\b.*:/.test(l.trim()));
  return thrown?.trim() || lastLine(r.stderr) || lastLine(r.stdout) || "no output";
}

function parseJsonOutput(r) {
  try {
    return { json: JSON.parse(r.stdout) };
  } catch {
    return { error: `exit ${r.code ?? r.signal}: ${failure(r)}` };
  }
}

/** The commands of one gopave (`bin` run by this node). */
export function gopaveCli(bin) {
  const gopave = (args, cwd) =>
    run([process.execPath, bin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
      timeoutMs: TIMEOUT_MS,
    });
  return {
    /** {exit, findings} or {exit, error} of `check --format json --offline`. */
    async check(dir) {
      const r = await gopave(["check", "--format", "json", "--offline"], dir);
      const { json, error } = parseJsonOutput(r);
      return error ? { exit: r.code, error } : { exit: r.code, findings: json.findings ?? [] };
    },
    /** {exit, ms, result} (init's JSON) or {exit, ms, error}. */
    async init(dir, extra = []) {
      const r = await gopave(["init", "--yes", "--offline", "--json", ...extra], dir);
      if (r.code !== 0) {
        return { exit: r.code, ms: r.ms, error: failure(r) };
      }
      const { json, error } = parseJsonOutput(r);
      return error ? { exit: r.code, ms: r.ms, error } : { exit: 0, ms: r.ms, result: json };
    },
    /** {exit, clean, drift: [{path, action}]} of `sync --check --json`. */
    async syncCheck(dir) {
      const r = await gopave(["sync", "--check", "--json"], dir);
      const { json, error } = parseJsonOutput(r);
      if (error) return { exit: r.code, error };
      return { exit: r.code, clean: r.code === 0, drift: json.files ?? [] };
    },
  };
}

/** Findings that count: errors and warnings. */
const counted = (f) => f.severity === "error" || f.severity === "warning";
const byMessage = (f) => `${f.rule}\0${f.file}\0${f.message}`;
const byLine = (f) => `${f.rule}\0${f.file}\0${f.line}`;

/**
 * Error/warning findings after init that check did not have before. A finding is old when the
 * same rule fired before in the same file with the same message (lines shift when init edits a
 * file), or at the same line (the same problem, reworded now that gopave.yaml states the Go the
 * repo uses). Each finding before matches at most one after.
 */
export function newFindings(before, after) {
  const pools = [byMessage, byLine].map((key) => {
    const left = new Map();
    for (const f of before.filter(counted)) left.set(key(f), [...(left.get(key(f)) ?? []), f]);
    return { key, left };
  });
  const used = new Set();
  return after.filter(counted).filter((f) => {
    for (const { key, left } of pools) {
      const match = (left.get(key(f)) ?? []).find((b) => !used.has(b));
      if (match) {
        used.add(match);
        return false;
      }
    }
    return true;
  });
}

/** What init decided, as gopave.yaml records it. */
export function readSpec(dir) {
  const file = join(dir, "gopave.yaml");
  if (!existsSync(file)) return undefined;
  const doc = parseDocument(readFileSync(file, "utf8"));
  const spec = doc.toJS() ?? {};
  const versionNode = doc.getIn(["go", "version"], true);
  return {
    go: {
      version: spec.go?.version === undefined ? undefined : String(spec.go.version),
      comment: isScalar(versionNode) ? versionNode.comment?.trim() : undefined,
    },
    apps: (spec.apps ?? []).map((a) => ({ name: a.name, main: a.main, port: a.port })),
    services: Object.keys(spec.services ?? {}),
    kept: Object.entries(spec.overrides ?? {})
      .filter(([, o]) => o?.generate === false)
      .map(([path]) => path),
    // keep: names the repo's own files by purpose (keep.dockerfile, keep.compose, ...).
    keep: spec.keep ?? {},
  };
}
