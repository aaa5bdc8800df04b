import { parseVerifierKey, type NoteVerifier } from "./note.js";

/**
 * GOSUMDB values as cmd/go's dbDial reads them: "off", "<name>", "<name>+<hash>+<key>", each
 * optionally followed by " <url>". A bare name must be one whose key Go ships with.
 */

/**
 * Verifier keys built into the go command (cmd/go/internal/modfetch/key.go, knownGOSUMDB).
 * "sum.golang.org" is GOSUMDB's documented default.
 */
export const KNOWN_SUMDB_KEYS: Readonly<Record<string, string>> = {
  "sum.golang.org": "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
};

/** Go's one alias: a mirror of sum.golang.org reachable from mainland China. */
const ALIASES: Readonly<Record<string, string>> = {
  "sum.golang.google.cn": "sum.golang.org https://sum.golang.google.cn",
};

export type SumdbConfig =
  | { off: true }
  | {
      off: false;
      name: string;
      verifier: NoteVerifier;
      /** An explicit URL from GOSUMDB, which bypasses proxies in the go command too. */
      url: string | undefined;
    };

export function parseGosumdb(value: string): SumdbConfig {
  const trimmed = value.trim();
  if (trimmed === "off") return { off: true };
  const fields = (ALIASES[trimmed] ?? trimmed).split(/\s+/).filter((f) => f !== "");
  const [first, url, ...extra] = fields;
  if (first === undefined) throw new Error("invalid GOSUMDB: missing value");
  if (extra.length > 0) throw new Error("invalid GOSUMDB: too many fields");
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(KNOWN_SUMDB_KEYS[first] ?? first);
  } catch (err) {
    const known = Object.keys(KNOWN_SUMDB_KEYS).join(", ");
    const hint = first.includes("+")
      ? ""
      : ` (only ${known} can be named without a key; otherwise give "name+hash+key")`;
    throw new Error(`invalid GOSUMDB "${value}": ${(err as Error).message}${hint}`);
  }
  if (!isHostPath(verifier.name)) {
    throw new Error(`invalid GOSUMDB: sumdb name must be host[/path]: ${verifier.name}`);
  }
  if (url !== undefined && !/^https?:\/\//.test(url)) {
    throw new Error(`invalid GOSUMDB URL "${url}": want http:// or https://`);
  }
  return { off: false, name: verifier.name, verifier, url: url?.replace(/\/+$/, "") };
}

/** "host[/path]": what "https://" + name parses back into with nothing else. */
function isHostPath(name: string): boolean {
  if (name.endsWith("/")) return false;
  try {
    const u = new URL(`https://${name}`);
    return (
      u.host !== "" &&
      u.username === "" &&
      u.password === "" &&
      u.search === "" &&
      u.hash === "" &&
      `${u.host}${u.pathname === "/" ? "" : u.pathname}` === name
    );
  } catch {
    return false;
  }
}
