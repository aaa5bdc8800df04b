import type { Spec } from "../spec/schema.js";
import { devDefault, SERVICE_CATALOG, SERVICE_KINDS, serviceValue } from "../spec/services.js";
import type { Endpoint, EnvRole, ServiceKind } from "../spec/services.js";
import type { KeptComposeService, RepoFacts } from "./types.js";

export interface ResolvedService {
  kind: ServiceKind;
  /** The compose service: the kept file's name for it, else the kind. */
  name: string;
  image: string;
  tag: string;
  /** Port inside the compose network. */
  containerPort: number;
  /** Port published on 127.0.0.1 of the host; undefined when a kept service publishes none. */
  hostPort: number | undefined;
  /** Started on request only (a compose profile); nothing waits for it or connects to it. */
  optional: boolean;
  /** The kept compose file runs it: gopave defines nothing for it and follows that file. */
  kept: KeptComposeService | undefined;
  /** The connection variables the apps read, and what each holds. */
  env: [string, EnvRole][];
  /** Something to wait for: gopave's services always have one, a kept one may not. */
  healthcheck: boolean;
}

/**
 * The spec's services in catalog order with their pinned image tags, and, when the spec keeps a
 * compose file, the service of that file that runs each kind (it wins over the spec: its name,
 * ports and credentials are used, and a service it starts is not optional).
 */
export function resolveServices(spec: Spec, repo?: RepoFacts): ResolvedService[] {
  const keptFile = spec.keep.compose !== undefined ? repo?.keptCompose : undefined;
  return SERVICE_KINDS.flatMap((kind) => {
    const s = spec.services[kind];
    if (!s) return [];
    const c = SERVICE_CATALOG[kind];
    const kept = keptFile?.services.find((k) => k.kind === kind);
    return [
      {
        kind,
        name: kept?.name ?? kind,
        image: c.image,
        tag: `${s.version ?? c.version}${c.tagSuffix}`,
        containerPort: kept?.port ?? c.port,
        hostPort: kept ? kept.hostPort : (s.port ?? c.port),
        optional: kept && !kept.profiled ? false : s.optional,
        kept,
        env: Object.entries(s.env ?? c.defaultEnv),
        healthcheck: kept ? kept.healthcheck : true,
      },
    ];
  });
}

/**
 * The credentials of a service gopave defines: references to the variables the service itself
 * reads, with the same development default its compose environment has, so an app's URL holds
 * the values the service runs with, .env or not.
 */
function generatedCredentials(kind: ServiceKind): Omit<Endpoint, "host" | "port"> {
  const { credentials: c, envExample } = SERVICE_CATALOG[kind];
  const ref = (name: string | undefined) => {
    if (name === undefined) return undefined;
    const value = envExample[name];
    return value === undefined ? `\${${name}}` : devDefault(name, value);
  };
  return { user: ref(c.user), password: ref(c.password), database: ref(c.database) };
}

/** Where apps reach a service: by service name inside compose, on 127.0.0.1 from the host. */
function endpoint(s: ResolvedService, where: "compose" | "host"): Endpoint | undefined {
  const creds = s.kept
    ? { user: s.kept.user, password: s.kept.password, database: s.kept.database }
    : generatedCredentials(s.kind);
  if (where === "compose") return { host: s.name, port: s.containerPort, ...creds };
  return s.hostPort === undefined ? undefined : { host: "127.0.0.1", port: s.hostPort, ...creds };
}

/**
 * A service's connection variables. Inside compose, a value the kept file already gives its apps
 * is used as written (never contradicted); otherwise the value is built for the role.
 */
export function connectionEnv(
  s: ResolvedService,
  where: "compose" | "host",
  repo?: RepoFacts,
): [string, string][] {
  const e = endpoint(s, where);
  return s.env.flatMap(([name, role]): [string, string][] => {
    const given = s.kept && where === "compose" ? repo?.keptCompose?.appEnv[name] : undefined;
    if (given !== undefined) return [[name, given]];
    const value = e === undefined ? undefined : serviceValue(s.kind, role, e);
    return value === undefined ? [] : [[name, value]];
  });
}

/**
 * The connection variables apps read for the services they need (optional ones left out, so an
 * app does not switch to a service nobody started). `where` chooses the address: service names
 * inside compose, 127.0.0.1 and the published port on the host (.env, VS Code).
 */
export function serviceConnectionEnv(
  spec: Spec,
  where: "compose" | "host",
  repo?: RepoFacts,
): [string, string][] {
  const seen = new Set<string>();
  return resolveServices(spec, repo)
    .filter((s) => !s.optional)
    .flatMap((s) => connectionEnv(s, where, repo))
    .filter(([name]) => !seen.has(name) && seen.add(name) !== undefined);
}
