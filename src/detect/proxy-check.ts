import { escapeModulePath, escapeVersion } from "../gomod/module-escape.js";

/** What the public proxy said about one module version. */
export type ProxyAnswer =
  { kind: "found" } | { kind: "not-found" } | { kind: "error"; error: string };

export interface ProxyCheckOptions {
  /** Total time for all requests; whatever is unanswered by then is an error. */
  budgetMs: number;
  concurrency: number;
}

/** Percent-encodes what a URL path segment cannot carry, keeping "+" (as the go command does). */
function pathSegment(s: string): string {
  return encodeURIComponent(s).replace(/%2B/gi, "+");
}

export function infoUrl(base: string, path: string, version: string): string {
  const escPath = escapeModulePath(path).split("/").map(pathSegment).join("/");
  return `${base.replace(/\/+$/, "")}/${escPath}/@v/${pathSegment(escapeVersion(version))}.info`;
}

/**
 * Asks `<base>/<module>/@v/<version>.info` for each module. 200 = served (public); 404 and 410
 * are the protocol's "not here" (private, for the public proxy); anything else is an error.
 */
export async function askProxy(
  base: string,
  modules: readonly { path: string; version: string }[],
  opts: ProxyCheckOptions,
): Promise<Map<string, ProxyAnswer>> {
  const answers = new Map<string, ProxyAnswer>();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.budgetMs);
  const timedOut: ProxyAnswer = { kind: "error", error: `no answer within ${opts.budgetMs} ms` };
  let next = 0;
  const worker = async () => {
    while (next < modules.length) {
      const m = modules[next++] as { path: string; version: string };
      if (abort.signal.aborted) {
        answers.set(m.path, timedOut);
        continue;
      }
      answers.set(m.path, await askOne(base, m, abort.signal, timedOut));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, modules.length) }, worker));
  } finally {
    clearTimeout(timer);
  }
  return answers;
}

async function askOne(
  base: string,
  m: { path: string; version: string },
  signal: AbortSignal,
  timedOut: ProxyAnswer,
): Promise<ProxyAnswer> {
  let url: string;
  try {
    url = infoUrl(base, m.path, m.version);
  } catch (err) {
    return { kind: "error", error: (err as Error).message };
  }
  try {
    const res = await fetch(url, { signal, redirect: "follow" });
    // Drain the body so the connection can be reused or closed.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 200) return { kind: "found" };
    if (res.status === 404 || res.status === 410) return { kind: "not-found" };
    return { kind: "error", error: `HTTP ${res.status}` };
  } catch (err) {
    if (signal.aborted) return timedOut;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { kind: "error", error: cause?.code ?? cause?.message ?? (err as Error).message };
  }
}
