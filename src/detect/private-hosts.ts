/**
 * Guessing from a module path alone whether it is private (so GOPRIVATE should cover it), used
 * offline and when the public proxy does not answer.
 */

/** Hosts that serve only public modules; asking the proxy about them would only cost time. */
const PUBLIC_HOSTS = new Set([
  "golang.org",
  "google.golang.org",
  "gopkg.in",
  "go.uber.org",
  "k8s.io",
  "sigs.k8s.io",
  "go.opentelemetry.io",
  "cloud.google.com",
  "go.etcd.io",
  "honnef.co",
  "mvdan.cc",
  "go.mongodb.org",
  "gotest.tools",
  "go.temporal.io",
  "gorm.io",
  "gocloud.dev",
  "go.yaml.in",
  "filippo.io",
  "rsc.io",
  "modernc.org",
  "connectrpc.com",
  "buf.build",
  "entgo.io",
  "dario.cat",
  "gvisor.dev",
  "go.starlark.net",
  "golang.zx2c4.com",
  "go.elastic.co",
  "go4.org",
  "tailscale.com",
  "cuelang.org",
  "nhooyr.io",
  "lukechampine.com",
  // Public forges whose names look like self-hosted ones.
  "code.gitea.io",
  "code.cloudfoundry.org",
  "git.sr.ht",
]);

/** Forges that host many owners: the glob is host/owner, not the whole host. */
const SHARED_FORGES = new Set(["github.com", "gitlab.com", "bitbucket.org"]);

const PRIVATE_SUFFIXES = [
  ".internal",
  ".corp",
  ".local",
  ".lan",
  ".intranet",
  ".home.arpa",
  ".localhost",
];
const PRIVATE_LABELS = new Set(["internal", "corp", "intranet", "intra", "private", "lan"]);
const FORGE_PREFIXES = ["git.", "gitlab.", "gitea.", "bitbucket.", "code.", "scm."];

export function moduleHost(path: string): string {
  return path.split("/")[0] ?? path;
}

export function isKnownPublicHost(path: string): boolean {
  return PUBLIC_HOSTS.has(moduleHost(path));
}

/**
 * "certain": no public proxy can serve it (dotless host, private TLD, bare IP), so it is never
 * worth asking — and asking would leak the name. "likely": looks like a self-hosted forge.
 */
export function hostHeuristic(path: string): "certain" | "likely" | undefined {
  const host = moduleHost(path);
  if (!host.includes(".")) return "certain";
  if (PRIVATE_SUFFIXES.some((s) => host.endsWith(s))) return "certain";
  // A label that says so ("git.internal.example.com", "go.corp.example.net").
  if (host.split(".").some((l) => PRIVATE_LABELS.has(l))) return "certain";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return "certain";
  const shared = [...SHARED_FORGES].some((d) => host === d || host.endsWith(`.${d}`));
  if (!shared && FORGE_PREFIXES.some((p) => host.startsWith(p))) return "likely";
  return undefined;
}

/** The GOPRIVATE glob to propose for a private module. */
export function privateGlob(path: string): string {
  const [host = path, owner] = path.split("/");
  return SHARED_FORGES.has(host) && owner ? `${host}/${owner}` : host;
}
