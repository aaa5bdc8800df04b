import type { GoModReplace } from "../gomod/gomod-file.js";
import { askProxy } from "./proxy-check.js";
import { hostHeuristic, isKnownPublicHost, privateGlob } from "./private-hosts.js";
import type { LoadedRepo } from "./repo-files.js";
import type { PrivateReason } from "./types.js";

export interface PrivateDetection {
  globs: string[];
  evidence: { module: string; reason: PrivateReason }[];
  notes: string[];
}

export interface PrivateOptions {
  /** The public proxy to ask; undefined = decide by host name only. */
  proxy: string | undefined;
  budgetMs: number;
  concurrency?: number;
}

function applyReplace(
  r: { path: string; version: string },
  replaces: readonly GoModReplace[],
): { path: string; version: string } | undefined {
  // A version-specific replace wins over a whole-module one, as in the go command.
  const hit =
    replaces.find((x) => x.old.path === r.path && x.old.version === r.version) ??
    replaces.find((x) => x.old.path === r.path && x.old.version === undefined);
  if (!hit) return r;
  if (hit.local) return undefined;
  return { path: hit.new.path, version: hit.new.version ?? r.version };
}

/** Every module the repo needs from somewhere (direct and indirect), after replacements. */
export function neededModules(repo: LoadedRepo): { path: string; version: string }[] {
  const own = new Set(repo.modules.map((m) => m.mod.module.path));
  // go.work replaces override the modules' own.
  const replaces = [...(repo.work?.replaces ?? []), ...repo.modules.flatMap((m) => m.mod.replaces)];
  const byPath = new Map<string, { path: string; version: string }>();
  for (const m of repo.modules) {
    for (const r of m.mod.requires) {
      const needed = applyReplace(r, replaces);
      if (!needed || own.has(needed.path) || byPath.has(needed.path)) continue;
      byPath.set(needed.path, needed);
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Which required modules the public proxy cannot serve, and the GOPRIVATE globs to propose.
 * Asks the proxy unless `proxy` is undefined; a module it cannot answer for falls back to the
 * host-name heuristic, with a note.
 */
export async function detectPrivateModules(
  repo: LoadedRepo,
  opts: PrivateOptions,
): Promise<PrivateDetection> {
  const evidence: PrivateDetection["evidence"] = [];
  const notes: string[] = [];
  const toAsk: { path: string; version: string }[] = [];
  // A host that only looks self-hosted ("code.example.dev") stays public until the proxy says
  // otherwise: a wrong GOPRIVATE silently turns off checksum verification, while a private module
  // left out fails loudly (not found, or the checksum database cannot verify it).
  const unsure: string[] = [];
  for (const m of neededModules(repo)) {
    if (isKnownPublicHost(m.path)) continue;
    const guess = hostHeuristic(m.path);
    if (guess === "certain") evidence.push({ module: m.path, reason: "host-heuristic" });
    else if (opts.proxy !== undefined) toAsk.push(m);
    else if (guess === "likely") unsure.push(m.path);
  }
  if (opts.proxy !== undefined && toAsk.length > 0) {
    const answers = await askProxy(opts.proxy, toAsk, {
      budgetMs: opts.budgetMs,
      concurrency: opts.concurrency ?? 8,
    });
    const failed: string[] = [];
    const errors = new Set<string>();
    for (const m of toAsk) {
      const a = answers.get(m.path);
      if (a?.kind === "not-found") evidence.push({ module: m.path, reason: "proxy-not-found" });
      if (a?.kind === "error" || a === undefined) {
        failed.push(m.path);
        errors.add(a?.error ?? "no answer");
        if (hostHeuristic(m.path) === "likely") unsure.push(m.path);
      }
    }
    if (failed.length > 0) {
      notes.push(
        `the public module proxy did not answer for ${failed.join(", ")} (${[...errors].join("; ")}); judged by host name instead`,
      );
    }
  }
  if (unsure.length > 0) {
    notes.push(
      `${unsure.join(", ")} ${unsure.length === 1 ? "looks" : "look"} self-hosted, but gopave could not ask the public proxy: ` +
        "if private, add to modules.private (or run init online)",
    );
  }
  evidence.sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  const globs = [...new Set(evidence.map((e) => privateGlob(e.module)))].sort();
  return { globs, evidence, notes };
}
