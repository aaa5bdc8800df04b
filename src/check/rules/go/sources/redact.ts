/**
 * Hides credentials in a GOPROXY entry before it reaches any output: `user:token@` in a URL, or
 * in an entry written without a scheme (which the go command prefixes with https://).
 */
export function redactEntry(entry: string): string {
  return entry.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^/@\s]*@/i, "$1***@");
}

/** Every entry of a GOPROXY list redacted, separators kept. */
export function redactProxyList(value: string): string {
  return value
    .split(/([,|])/)
    .map((part) => (part === "," || part === "|" ? part : redactEntry(part.trim())))
    .join("");
}
