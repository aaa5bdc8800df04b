import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** One `machine` (or `default`) entry. The password stays in memory, for proxy requests only. */
export interface NetrcEntry {
  /** undefined for the `default` entry. */
  machine: string | undefined;
  login: string | undefined;
  password: string | undefined;
}

export interface Netrc {
  path: string;
  entries: NetrcEntry[];
  /** Readable by group or others (credentials should be 0600). */
  tooOpen: boolean;
}

/** $NETRC, else ~/.netrc: where the go command (GOAUTH=netrc) and curl look. */
export function netrcPath(env: NodeJS.ProcessEnv): string {
  return env.NETRC || join(env.HOME || homedir(), ".netrc");
}

/** Tokenises netrc text: whitespace-separated, "macdef" bodies (up to a blank line) skipped. */
export function parseNetrc(text: string): NetrcEntry[] {
  const entries: NetrcEntry[] = [];
  const lines = text.split(/\r?\n/);
  const tokens: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const words = (lines[i] ?? "")
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "");
    for (let w = 0; w < words.length; w++) {
      tokens.push(words[w] as string);
      if (words[w] === "macdef") {
        // The macro body runs to the next empty line and is not netrc syntax.
        tokens.push(words[w + 1] ?? "");
        while (i + 1 < lines.length && (lines[i + 1] ?? "").trim() !== "") i++;
        break;
      }
    }
  }
  let current: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === "machine" || t === "default") {
      current = {
        machine: t === "machine" ? tokens[++i] : undefined,
        login: undefined,
        password: undefined,
      };
      entries.push(current);
    } else if (t === "login" && current) current.login = tokens[++i];
    else if (t === "password" && current) current.password = tokens[++i];
    else if (t === "account" || t === "macdef") i++;
  }
  return entries;
}

export function readNetrc(env: NodeJS.ProcessEnv): Netrc | undefined {
  const path = netrcPath(env);
  try {
    const text = readFileSync(path, "utf8");
    const mode = statSync(path).mode;
    return { path, entries: parseNetrc(text), tooOpen: (mode & 0o077) !== 0 };
  } catch {
    return undefined;
  }
}

/**
 * The entry for a host. The go command reads only `machine` lines; git (through curl) also falls
 * back to `default`, so callers asking on git's behalf pass `withDefault`.
 */
export function netrcFor(
  netrc: Netrc | undefined,
  host: string,
  opts: { withDefault?: boolean } = {},
): NetrcEntry | undefined {
  if (!netrc) return undefined;
  const lower = host.toLowerCase();
  const exact = netrc.entries.find((e) => e.machine?.toLowerCase() === lower);
  if (exact || !opts.withDefault) return exact;
  return netrc.entries.find((e) => e.machine === undefined);
}
