import type { Spec } from "../spec/schema.js";
import { SERVICE_CATALOG, SERVICE_KINDS } from "../spec/services.js";
import type { ServiceKind } from "../spec/services.js";

export interface ResolvedService {
  kind: ServiceKind;
  image: string;
  tag: string;
  /** Port inside the compose network (the service's usual port). */
  containerPort: number;
  /** Port published on 127.0.0.1 of the host. */
  hostPort: number;
}

/** The spec's services in catalog order with their pinned image tags. */
export function resolveServices(spec: Spec): ResolvedService[] {
  return SERVICE_KINDS.flatMap((kind) => {
    const s = spec.services[kind];
    if (!s) return [];
    const c = SERVICE_CATALOG[kind];
    return [
      {
        kind,
        image: c.image,
        tag: `${s.version ?? c.version}${c.tagSuffix}`,
        containerPort: c.port,
        hostPort: s.port ?? c.port,
      },
    ];
  });
}

/**
 * The connection variables apps read (DATABASE_URL, REDIS_URL, ...). `where` chooses the address:
 * service names inside compose, 127.0.0.1 and the published port on the host (.env, VS Code).
 */
export function serviceConnectionEnv(spec: Spec, where: "compose" | "host"): [string, string][] {
  return resolveServices(spec).map((s) => {
    const c = SERVICE_CATALOG[s.kind];
    return where === "compose"
      ? [c.urlEnv, c.url(s.kind, s.containerPort)]
      : [c.urlEnv, c.url("127.0.0.1", s.hostPort)];
  });
}
