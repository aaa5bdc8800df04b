import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { hasMarker } from "../generate/marker.js";
import type { KeptCompose, KeptComposeService } from "../generate/types.js";
import { SERVICE_CATALOG, serviceOfImage } from "../spec/services.js";
import type { ServiceKind } from "../spec/services.js";

/** The files `docker compose` reads without -f, in the order it looks for them. */
export const COMPOSE_FILE_NAMES = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yml",
  "docker-compose.yaml",
] as const;

/** The compose file `docker compose` would read in `root`, unless gopave wrote it. */
export function composeFileInUse(root: string): string | undefined {
  for (const name of COMPOSE_FILE_NAMES) {
    const file = join(root, name);
    if (!existsSync(file)) continue;
    try {
      return hasMarker(readFileSync(file, "utf8")) ? undefined : name;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

type Data = Record<string, unknown>;
const isRecord = (v: unknown): v is Data =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `environment` in either form, values as strings (`- NAME` alone passes nothing literal). */
function environment(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  } else if (Array.isArray(v)) {
    for (const item of v) {
      if (typeof item !== "string") continue;
      const eq = item.indexOf("=");
      if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
    }
  }
  return out;
}

/** Published and target ports of `ports` (both syntaxes) and `expose`. */
function portPairs(svc: Data): { target: number; published: number | undefined }[] {
  const out: { target: number; published: number | undefined }[] = [];
  const ports = Array.isArray(svc.ports) ? svc.ports : [];
  for (const p of ports) {
    if (isRecord(p)) {
      const target = Number(p.target);
      const published =
        p.published === undefined ? undefined : Number(String(p.published).split("-")[0]);
      if (Number.isInteger(target)) out.push({ target, published });
      continue;
    }
    const spec = String(p).replace(/\/[a-z]+$/i, "");
    const parts = spec.replace(/^\[[^\]]*\]:/, "").split(":");
    const target = Number(parts.at(-1));
    const published = parts.length >= 2 ? Number((parts.at(-2) ?? "").split("-")[0]) : undefined;
    if (Number.isInteger(target)) {
      out.push({ target, published: Number.isInteger(published) ? published : undefined });
    }
  }
  const expose = Array.isArray(svc.expose) ? svc.expose : [];
  for (const e of expose) {
    const target = Number(String(e).split("/")[0]);
    if (Number.isInteger(target)) out.push({ target, published: undefined });
  }
  return out;
}

/**
 * The credentials an app connects with, as each image takes them from its environment, and the
 * image's own defaults where it has them (postgres user "postgres", rabbitmq guest/guest...).
 */
function credentials(
  kind: ServiceKind,
  env: Record<string, string>,
): Pick<KeptComposeService, "user" | "password" | "database"> {
  const first = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined);
  switch (kind) {
    case "postgres": {
      const user = first("POSTGRES_USER", "POSTGRESQL_USERNAME") ?? "postgres";
      return {
        user,
        password: first("POSTGRES_PASSWORD", "POSTGRESQL_PASSWORD"),
        database: first("POSTGRES_DB", "POSTGRESQL_DATABASE") ?? user,
      };
    }
    case "mysql": {
      const user = first("MYSQL_USER", "MARIADB_USER");
      return {
        user: user ?? "root",
        password: user
          ? first("MYSQL_PASSWORD", "MARIADB_PASSWORD")
          : first("MYSQL_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD"),
        database: first("MYSQL_DATABASE", "MARIADB_DATABASE"),
      };
    }
    case "mongo":
      return {
        user: first("MONGO_INITDB_ROOT_USERNAME"),
        password: first("MONGO_INITDB_ROOT_PASSWORD"),
      };
    case "rabbitmq":
      return {
        user: first("RABBITMQ_DEFAULT_USER") ?? "guest",
        password: first("RABBITMQ_DEFAULT_PASS") ?? "guest",
      };
    case "clickhouse":
      return {
        user: first("CLICKHOUSE_USER") ?? "default",
        password: first("CLICKHOUSE_PASSWORD") ?? "",
        database: first("CLICKHOUSE_DB") ?? "default",
      };
    case "minio":
      return {
        user: first("MINIO_ROOT_USER") ?? "minioadmin",
        password: first("MINIO_ROOT_PASSWORD") ?? "minioadmin",
      };
    default:
      return {};
  }
}

/** A service's networks, list or map form; compose puts a service naming none on "default". */
function networksOf(svc: Data): string[] {
  const n = svc.networks;
  const names = Array.isArray(n) ? n.map(String) : isRecord(n) ? Object.keys(n) : [];
  return names.length > 0 ? names : ["default"];
}

function hasHealthcheck(svc: Data): boolean {
  const hc = svc.healthcheck;
  if (!isRecord(hc) || hc.disable === true) return false;
  return !(Array.isArray(hc.test) && hc.test[0] === "NONE");
}

function dependedOn(services: Data): Set<string> {
  const out = new Set<string>();
  for (const svc of Object.values(services)) {
    if (!isRecord(svc)) continue;
    const deps = svc.depends_on;
    if (Array.isArray(deps)) for (const d of deps) out.add(String(d));
    else if (isRecord(deps)) for (const d of Object.keys(deps)) out.add(d);
  }
  return out;
}

/** The parts of a compose file gopave works with, from its text. Undefined if it does not parse. */
export function parseKeptCompose(path: string, text: string): KeptCompose | undefined {
  let data: unknown;
  try {
    // Compose files lean on `<<: *anchor` merge keys.
    data = parse(text, { merge: true, maxAliasCount: 1000 });
  } catch {
    return undefined;
  }
  const services = isRecord(data) && isRecord(data.services) ? data.services : {};
  const waited = dependedOn(services);
  const found: KeptComposeService[] = [];
  const appEnv: Record<string, string> = {};
  for (const [name, svc] of Object.entries(services)) {
    if (!isRecord(svc)) continue;
    const env = environment(svc.environment);
    if (svc.build !== undefined) {
      for (const [k, v] of Object.entries(env)) if (!(k in appEnv)) appEnv[k] = v;
      continue;
    }
    const kind = typeof svc.image === "string" ? serviceOfImage(svc.image) : undefined;
    if (!kind) continue;
    const pairs = portPairs(svc);
    const usual = SERVICE_CATALOG[kind].port;
    const port = pairs.find((p) => p.target === usual)?.target ?? pairs[0]?.target ?? usual;
    found.push({
      name,
      kind,
      port,
      hostPort: pairs.find((p) => p.target === port && p.published !== undefined)?.published,
      ...credentials(kind, env),
      healthcheck: hasHealthcheck(svc),
      profiled: Array.isArray(svc.profiles) && svc.profiles.length > 0,
      networks: networksOf(svc),
    });
  }
  // Per kind, the service something depends on (then a started one) comes first.
  const rank = (s: KeptComposeService) => (waited.has(s.name) ? 0 : 1) + (s.profiled ? 2 : 0);
  found.sort((a, b) => rank(a) - rank(b));
  return { path, services: found, appEnv };
}

/** Reads the kept compose file at `path` (repo-relative); undefined when absent or unreadable. */
export function readKeptCompose(root: string, path: string): KeptCompose | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, path), "utf8");
  } catch {
    return undefined;
  }
  return parseKeptCompose(path, text);
}
