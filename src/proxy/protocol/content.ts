import { compare as semverCompare } from "semver";
import { canonicalVersion } from "../../gomod/module-escape.js";
import type { ModuleFile } from "../types.js";

/** What the go command and browsers expect for each protocol answer. */
export const CONTENT_TYPE = {
  info: "application/json",
  latest: "application/json",
  mod: "text/plain; charset=utf-8",
  zip: "application/zip",
  list: "text/plain; charset=utf-8",
  text: "text/plain; charset=utf-8",
} as const satisfies Record<ModuleFile | "latest" | "list" | "text", string>;

/** Size limits from golang.org/x/mod/zip; anything bigger is refused before it fills a disk. */
export const MAX_ZIP_BYTES = 500 << 20;
export const MAX_MOD_BYTES = 16 << 20;
/** list, .info and @latest are small; a generous cap still stops an upstream that never ends. */
export const MAX_METADATA_BYTES = 16 << 20;

const PSEUDO_RE =
  /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export function isPseudoVersion(v: string): boolean {
  return PSEUDO_RE.test(v);
}

/**
 * A `@v/list` body as the protocol wants it: canonical tagged versions only (no pseudo-versions),
 * one per line, deduplicated and sorted by semver. Extra fields (a time after the version) are
 * dropped: clients only need them from @latest-less proxies and they are optional.
 */
export function normalizeList(body: string): string {
  const seen = new Set<string>();
  for (const line of body.split("\n")) {
    const v = line.trim().split(/\s+/)[0] ?? "";
    if (v !== "" && canonicalVersion(v) === v && !isPseudoVersion(v)) seen.add(v);
  }
  const versions = [...seen].sort((a, b) => semverCompare(a.slice(1), b.slice(1)) || cmp(a, b));
  return versions.map((v) => `${v}\n`).join("");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type InfoCheck = { ok: true; version: string } | { ok: false; message: string };

/**
 * Checks an .info or @latest body: JSON with a canonical "Version". When a canonical version was
 * asked for, the answer must name exactly that version, or the go command rejects it ("proxy
 * returned info for version X instead of requested version").
 */
export function checkInfo(body: Buffer | string, requested?: string): InfoCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString());
  } catch {
    return { ok: false, message: "upstream returned an .info answer that is not JSON" };
  }
  const version =
    typeof parsed === "object" && parsed !== null
      ? (parsed as { Version?: unknown }).Version
      : undefined;
  if (typeof version !== "string" || canonicalVersion(version) !== version) {
    return { ok: false, message: "upstream returned an .info answer without a canonical Version" };
  }
  if (
    requested !== undefined &&
    canonicalVersion(requested) === requested &&
    version !== requested
  ) {
    return {
      ok: false,
      message: `upstream returned info for version ${version} instead of requested version ${requested}`,
    };
  }
  return { ok: true, version };
}

/**
 * The part of an error body worth repeating, the way the go command shows a server response
 * (cmd/go/internal/web formatErrorDetail): up to 8 lines and 648 bytes, stopping at the first
 * blank line, printable text only. A markup page (a web server's or a CDN's error page) is no
 * message for a terminal: none of it is repeated, and the caller says what was not found.
 */
export function errorDetail(body: Buffer | string, contentType?: string): string {
  const text = body.toString("utf8");
  if (/\b(?:html|xml)\b/i.test(contentType ?? "") || /^\s*</.test(text)) return "";
  const lines: string[] = [];
  let size = 0;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || lines.length >= 8) break;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/.test(line)) break;
    if (size + line.length > 648) {
      lines.push(line.slice(0, Math.max(0, 648 - size)));
      break;
    }
    size += line.length + 1;
    lines.push(line);
  }
  return lines.join("\n");
}
