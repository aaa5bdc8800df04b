import { posix } from "node:path";
import type { RepoModel, StructuredFile } from "../../../types.js";

/** Compose file shapes the compose rules share: services, images, ports, commands. */

export type Data = Record<string, unknown>;

export function isRecord(v: unknown): v is Data {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface ComposeService {
  name: string;
  data: Data;
}

export function composeServices(file: StructuredFile): ComposeService[] {
  if (!isRecord(file.data) || !isRecord(file.data.services)) return [];
  return Object.entries(file.data.services).flatMap(([name, data]) =>
    isRecord(data) ? [{ name, data }] : [],
  );
}

/** Last path segment of an image without tag or digest: "bitnami/postgresql:16" -> "postgresql". */
export function imageBaseName(image: string): string {
  const noDigest = image.split("@")[0] ?? image;
  const slash = noDigest.lastIndexOf("/");
  const last = noDigest.slice(slash + 1);
  return (last.split(":")[0] ?? last).toLowerCase();
}

/**
 * Stateful services that take time to accept connections after their container starts. Matched
 * on the image's last path segment, so admin UIs (mongo-express, kafka-ui) are not included.
 */
const DATABASE_IMAGES = new Set([
  "postgres",
  "postgresql",
  "postgis",
  "timescaledb",
  "mysql",
  "mariadb",
  "percona-server",
  "percona",
  "redis",
  "redis-stack",
  "redis-stack-server",
  "valkey",
  "keydb",
  "dragonfly",
  "memcached",
  "mongo",
  "mongodb",
  "mongodb-community-server",
  "nats",
  "kafka",
  "cp-kafka",
  "redpanda",
  "rabbitmq",
  "elasticsearch",
  "opensearch",
  "cassandra",
  "scylla",
  "cockroach",
  "clickhouse-server",
  "clickhouse",
  "zookeeper",
  "cp-zookeeper",
  "etcd",
  "couchdb",
  "influxdb",
  "neo4j",
  "mysql-server",
  "pgvector",
  "timescaledb-ha",
  "minio",
  "alpine-mariadb",
]);

const KINDS: [string, ReadonlySet<string>][] = [
  ["message broker", new Set(["nats", "kafka", "cp-kafka", "redpanda", "rabbitmq"])],
  ["coordination service", new Set(["zookeeper", "cp-zookeeper", "etcd"])],
  ["object store", new Set(["minio"])],
  ["search engine", new Set(["elasticsearch", "opensearch"])],
];

/** What a backing service of isDatabaseImage is, for messages: "database", "message broker"... */
export function backingKind(image: string): string {
  const base = imageBaseName(image);
  return KINDS.find(([, names]) => names.has(base))?.[0] ?? "database";
}

export function isDatabaseImage(image: string): boolean {
  return DATABASE_IMAGES.has(imageBaseName(image));
}

export function serviceImage(service: ComposeService): string | undefined {
  const image = service.data.image;
  return typeof image === "string" ? image : undefined;
}

/**
 * Whether a service's `user:` is set to someone other than root: a name or uid that is not
 * `root`/`0`, or the host user's through variables (`${UID}:${GID}`, a default taken as given).
 */
export function runsAsNonRootUser(service: ComposeService): boolean {
  const v = service.data.user;
  if (typeof v !== "string" && typeof v !== "number") return false;
  const user = String(v)
    .replace(/\$\{[A-Za-z_]\w*:?-([^}]*)\}/g, "$1")
    .split(":")[0]
    ?.trim();
  return user !== undefined && user !== "" && user !== "root" && user !== "0";
}

/** Whether a service mounts the Docker (or Podman) socket, in either volume syntax. */
export function mountsDockerSocket(service: ComposeService): boolean {
  const volumes = service.data.volumes;
  if (!Array.isArray(volumes)) return false;
  const socket = /(?:docker|podman)\.sock\b/;
  return volumes.some((v) =>
    typeof v === "string"
      ? socket.test(v)
      : isRecord(v) && [v.source, v.target].some((p) => typeof p === "string" && socket.test(p)),
  );
}

/** A healthcheck that runs: present and not `disable: true` / `test: ["NONE"]`. */
export function hasHealthcheck(service: ComposeService): boolean {
  const hc = service.data.healthcheck;
  if (!isRecord(hc)) return false;
  if (hc.disable === true) return false;
  const test = hc.test;
  return !(Array.isArray(test) && test[0] === "NONE");
}

/**
 * A container that only sleeps (a dev container's service): it connects to nothing when it
 * starts, so it may start beside a database that is not ready yet.
 */
export function isIdle(service: ComposeService): boolean {
  const cmd = words(service.data.command) ?? words(service.data.entrypoint);
  return cmd !== undefined && idles(cmd);
}

/** A command that only waits forever: `sleep infinity`, `tail -f /dev/null` (by path too). */
export function idles(cmd: readonly string[]): boolean {
  return /^(?:\S*\/)?(?:tail -f \/dev\/null|sleep (?:infinity|inf))$/.test(cmd.join(" "));
}

/** `command` / `entrypoint` as words (a string is split on spaces as Compose does). */
export function words(v: unknown): string[] | undefined {
  if (typeof v === "string") return v.split(/\s+/).filter((w) => w !== "");
  // Items that are not scalars (a map in a list) are no word Compose would pass.
  if (Array.isArray(v)) return v.map((x) => scalarText(x) ?? "");
  return undefined;
}

/** A YAML scalar as text; undefined for maps, lists and null, which have no text of their own. */
function scalarText(v: unknown): string | undefined {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? String(v)
    : undefined;
}

export interface PortMapping {
  /** Index in the `ports` list, for the finding's line. */
  index: number;
  hostIp: string | undefined;
  /** Container port or range, e.g. "2345" or "2345-2350". */
  target: string;
}

/** Both port syntaxes: `[[ip:]published:]target[/proto]` strings and `{target, host_ip, ...}`. */
export function portMappings(ports: unknown): PortMapping[] {
  if (!Array.isArray(ports)) return [];
  const out: PortMapping[] = [];
  ports.forEach((p, index) => {
    if (isRecord(p)) {
      const target = scalarText(p.target);
      if (target === undefined) return;
      const hostIp = typeof p.host_ip === "string" ? p.host_ip : undefined;
      out.push({ index, hostIp, target });
      return;
    }
    if (typeof p !== "string" && typeof p !== "number") return;
    const parsed = parseShortPort(String(p));
    if (parsed) out.push({ index, ...parsed });
  });
  return out;
}

function parseShortPort(s: string): { hostIp: string | undefined; target: string } | undefined {
  const spec = s.replace(/\/[a-z]+$/i, "");
  const bracket = /^\[([^\]]*)\]:(.*)$/.exec(spec);
  if (bracket) {
    const rest = (bracket[2] ?? "").split(":");
    return { hostIp: bracket[1], target: rest.at(-1) ?? "" };
  }
  const parts = spec.split(":");
  const target = parts.at(-1) ?? "";
  // Three or more parts: everything before published:target is the host IP (bare IPv6 too).
  const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(":") : undefined;
  return { hostIp, target };
}

/** No host IP (Docker publishes on every interface) or an explicit wildcard. */
export function publishedOnAllInterfaces(m: PortMapping): boolean {
  const ip = m.hostIp?.trim();
  return ip === undefined || ip === "" || ip === "0.0.0.0" || ip === "::" || ip === "[::]";
}

export function portInRange(target: string, port: number): boolean {
  const m = /^(\d+)(?:-(\d+))?$/.exec(target.trim());
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return port >= lo && port <= hi;
}

/** A literal value, not a `${VAR}` / `$VAR` interpolation (`$$` is an escaped dollar). */
export function isLiteralValue(v: unknown): boolean {
  if (typeof v === "number" || typeof v === "boolean") return true;
  if (typeof v !== "string" || v === "") return false;
  return !/\$(\{|[A-Za-z_])/.test(v.replace(/\$\$/g, ""));
}

export interface EnvEntry {
  key: string;
  value: unknown;
  path: (string | number)[];
}

/** Environment entries in either form, with the data path of each for its line. */
export function environmentEntries(env: unknown): EnvEntry[] {
  if (isRecord(env)) {
    return Object.entries(env).map(([key, value]) => ({ key, value, path: [key] }));
  }
  if (!Array.isArray(env)) return [];
  return env.flatMap((item: unknown, i): EnvEntry[] => {
    if (typeof item !== "string") return [];
    const eq = item.indexOf("=");
    // `- NAME` alone passes the variable through from the shell: no literal.
    if (eq === -1) return [{ key: item, value: null, path: [i] }];
    return [{ key: item.slice(0, eq), value: item.slice(eq + 1), path: [i] }];
  });
}

/** A restart policy that brings back a service that exits with an error. */
export function restartPolicy(v: unknown): string | undefined {
  const policy = typeof v === "string" ? v : undefined;
  return policy && /^(?:always|unless-stopped|on-failure(?::\d+)?)$/.test(policy)
    ? policy
    : undefined;
}

/**
 * Names of the services a compose file's services depend on. A container that only sleeps (a dev
 * container) waits for nothing to be ready, so its dependencies do not count, nor do
 * those of a service that restarts until it connects.
 */
export function dependedOn(
  file: StructuredFile,
  idles: (svc: ComposeService) => boolean = isIdle,
): string[] {
  return composeServices(file).flatMap((svc) => {
    // An idle container connects to nothing; one that restarts retries until it connects.
    if (idles(svc) || restartPolicy(svc.data.restart)) return [];
    const deps = svc.data.depends_on;
    if (Array.isArray(deps)) return deps.filter((d): d is string => typeof d === "string");
    return isRecord(deps) ? Object.keys(deps) : [];
  });
}

const OVERRIDE = /^(?:docker-)?compose\.override\.ya?ml$/;

/**
 * The compose files loaded together with `file` into one project, whose service names refer to
 * each other: the override file beside a default one, and the files a dev container lists in
 * dockerComposeFile. Unrelated compose files elsewhere in the repo are other projects.
 */
export function projectFiles(model: RepoModel, file: StructuredFile): StructuredFile[] {
  const dir = posix.dirname(file.path);
  const group = new Set<StructuredFile>([file]);
  for (const c of model.composes) {
    if (
      posix.dirname(c.path) === dir &&
      (OVERRIDE.test(posix.basename(c.path)) || OVERRIDE.test(posix.basename(file.path)))
    ) {
      group.add(c);
    }
  }
  for (const dc of model.devcontainers) {
    const listed = ([] as unknown[])
      .concat(recordOf(dc.data)?.["dockerComposeFile"] ?? [])
      .flatMap((f) =>
        typeof f === "string" ? [posix.normalize(posix.join(posix.dirname(dc.path), f))] : [],
      );
    if (!listed.includes(file.path)) continue;
    for (const p of listed) {
      const c = model.composes.find((x) => x.path === p);
      if (c) group.add(c);
    }
  }
  return [...group];
}

function recordOf(v: unknown): Data | undefined {
  return isRecord(v) ? v : undefined;
}
