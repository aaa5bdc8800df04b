/**
 * What to put in GOPRIVATE / GONOSUMDB for a module. The variables hold path.Match globs over
 * module path *prefixes* (x/mod module.MatchPrefixPatterns), so a bare host already covers
 * every module on it; "host/*" would be narrower, not broader. On shared hosting sites the
 * organisation is the natural boundary, not the whole site.
 */

const SHARED_HOSTS = new Set([
  "github.com",
  "gitlab.com",
  "bitbucket.org",
  "codeberg.org",
  "gitea.com",
  "dev.azure.com",
]);

export function privatePattern(modulePathOrHost: string): string {
  const parts = modulePathOrHost.split("/");
  const host = parts[0] ?? modulePathOrHost;
  const owner = parts[1];
  return SHARED_HOSTS.has(host) && owner !== undefined && owner !== "" ? `${host}/${owner}` : host;
}

/** The fix that keeps a private module off the public proxy and checksum database. */
export function goprivateFix(pattern: string, onlyIfPrivate = false): string {
  const lead = onlyIfPrivate ? "If it is a private module, mark it private" : "Mark it private";
  return `${lead}, so the go command fetches it directly and skips the checksum database: \`go env -w GOPRIVATE=${pattern}\` (a prefix pattern: it covers every module under ${pattern}; keep any existing entries, comma-separated).`;
}

export const CONTAINER_ENV_NOTE =
  "`go env -w` only writes this user's config file: in a Dockerfile use `ENV GOPRIVATE=…`, in CI set the environment variable.";
