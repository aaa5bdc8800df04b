/**
 * Recognising credentials by variable name and inside URLs. Rules report the name and where it
 * is, never the value: a finding is printed, logged and uploaded as SARIF.
 */

const SECRET_WORDS = new Set([
  "TOKEN",
  "PASSWORD",
  "PASSWD",
  "PASS",
  "PWD",
  "SECRET",
  "SECRETS",
  "APIKEY",
  "NETRC",
  "CREDENTIAL",
  "CREDENTIALS",
]);

/** Word pairs that are secrets together, not apart ("API" or "KEY" alone is not). */
const SECRET_PAIRS = [
  ["API", "KEY"],
  ["PRIVATE", "KEY"],
  ["ACCESS", "KEY"],
  ["AUTH", "TOKEN"],
];

/** A last word that makes the variable point at a secret rather than hold one. */
const POINTER_WORDS = new Set([
  "FILE",
  "PATH",
  "DIR",
  "NAME",
  "URL",
  "HOST",
  "PORT",
  "USER",
  "USERNAME",
  "ID",
  "ENDPOINT",
  "METHOD",
  "TYPE",
  "MODE",
  "ENABLED",
  // Settings about a secret rather than the secret: JWT_TOKEN_EXPIRY, TOKEN_ISSUER, *_RESET_URI.
  "URI",
  "EXPIRY",
  "EXPIRES",
  "EXPIRATION",
  "TTL",
  "TIMEOUT",
  "DURATION",
  "LIFETIME",
  "ISSUER",
  "AUDIENCE",
  "ALGORITHM",
  "LENGTH",
  "HEADER",
  "PREFIX",
  "REALM",
  "SCOPE",
  "SCOPES",
]);

/** Shell and system variables that merely look like secrets. */
const NOT_SECRETS = new Set(["PWD", "OLDPWD"]);

/** Names such as GITHUB_TOKEN, DB_PASSWORD, NETRC, AWS_SECRET_ACCESS_KEY (not *_PASSWORD_FILE). */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (NOT_SECRETS.has(upper)) return false;
  const words = upper.split(/[^A-Z0-9]+/).filter((w) => w !== "");
  const last = words.at(-1);
  if (last === undefined || POINTER_WORDS.has(last)) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return SECRET_PAIRS.some(([a, b]) => words.some((w, i) => w === a && words[i + 1] === b));
}

/**
 * A URL with a password in its user info (`https://user:pass@host`), anywhere in the value —
 * GOPROXY lists, DSNs and git URLs alike. `literalOnly` ignores passwords that are `$VAR`s.
 */
export function hasUrlPassword(value: string, literalOnly = false): boolean {
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/([^/\s@,|]*)@/gi)) {
    const info = m[1] ?? "";
    const colon = info.indexOf(":");
    if (colon === -1) continue;
    const password = info.slice(colon + 1);
    if (password === "") continue;
    if (literalOnly && password.includes("$")) continue;
    return true;
  }
  return false;
}

/** The literal passwords in the URLs of a value (none for `$VAR` ones). */
export function urlPasswords(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/([^/\s@,|]*)@/gi)) {
    const info = m[1] ?? "";
    const colon = info.indexOf(":");
    const password = colon === -1 ? "" : info.slice(colon + 1);
    if (password !== "" && !password.includes("$")) out.push(password);
  }
  return out;
}

/** A URL with any user info: in GOPROXY even a bare token as the user name is a credential. */
export function hasUrlUserInfo(value: string): boolean {
  return /[a-z][a-z0-9+.-]*:\/\/[^/\s@,|]+@/i.test(value);
}
