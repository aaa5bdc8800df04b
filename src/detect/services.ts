import { stripMajorSuffix } from "../gomod/module-escape.js";
import { SERVICE_DRIVERS, SERVICE_KINDS } from "../spec/services.js";
import type { ServiceKind } from "../spec/services.js";
import type { LoadedModule } from "./repo-files.js";

/** The driver entry a module path belongs to: the driver itself, a /vN of it, or a sub-module. */
export function serviceOfModule(path: string): ServiceKind | undefined {
  const base = stripMajorSuffix(path);
  for (const [driver, kind] of Object.entries(SERVICE_DRIVERS)) {
    if (base === driver || base.startsWith(`${driver}/`)) return kind;
  }
  return undefined;
}

/** Services implied by the direct requirements of every module (indirect ones are someone else's). */
export function detectServices(modules: readonly LoadedModule[]): {
  services: ServiceKind[];
  evidence: Partial<Record<ServiceKind, string>>;
} {
  const evidence: Partial<Record<ServiceKind, string>> = {};
  for (const m of modules) {
    for (const r of m.mod.requires) {
      if (r.indirect) continue;
      const kind = serviceOfModule(r.path);
      if (kind && evidence[kind] === undefined) evidence[kind] = r.path;
    }
  }
  return { services: SERVICE_KINDS.filter((k) => evidence[k] !== undefined), evidence };
}
