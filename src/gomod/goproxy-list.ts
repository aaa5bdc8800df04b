/**
 * GOPROXY parsing with the go command's own rules (cmd/go/internal/modfetch/proxy.go):
 * entries separated by "," (fall through on 404/410 only) or "|" (fall through on any error);
 * the only keywords are "direct" and "off", and either ends the list; a word with ".", ":" or "/"
 * but no scheme gets "https://"; any other bare word is an error.
 */
export type ProxyEntry =
  { kind: "url"; url: string; fallbackOnError: boolean } | { kind: "direct" } | { kind: "off" };

export type ProxyListResult =
  | { ok: true; entries: ProxyEntry[]; ignored: string[] }
  | { ok: false; error: string; entry: string };

export function parseGoproxy(value: string): ProxyListResult {
  const entries: ProxyEntry[] = [];
  let rest = value;
  while (rest !== "") {
    const i = rest.search(/[,|]/);
    const raw = i >= 0 ? rest.slice(0, i) : rest;
    const fallbackOnError = i >= 0 && rest[i] === "|";
    rest = i >= 0 ? rest.slice(i + 1) : "";
    const entry = raw.trim();
    if (entry === "") continue;
    if (entry === "off" || entry === "direct") {
      entries.push({ kind: entry });
      const ignored = rest
        .split(/[,|]/)
        .map((s) => s.trim())
        .filter((s) => s !== "");
      return { ok: true, entries, ignored };
    }
    let url = entry;
    if (/[.:/]/.test(url) && !url.includes(":/") && !url.startsWith("/")) url = `https://${url}`;
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
    if (scheme === undefined) {
      return {
        ok: false,
        entry,
        error: `invalid proxy URL missing scheme: ${entry} (the only keywords are "direct" and "off")`,
      };
    }
    if (scheme !== "https" && scheme !== "http" && scheme !== "file") {
      return {
        ok: false,
        entry,
        error: `invalid proxy URL scheme (must be https, http, file): ${entry}`,
      };
    }
    entries.push({ kind: "url", url, fallbackOnError });
  }
  return { ok: true, entries, ignored: [] };
}

/** Removes any user:password from a proxy URL so it can be printed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@");
}
