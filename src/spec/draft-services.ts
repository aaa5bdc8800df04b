import type { Detection } from "../detect/index.js";
import type { DetectedService } from "../detect/services.js";
import type { SpecInput } from "./schema.js";
import { SERVICE_CATALOG } from "./services.js";
import type { EnvRole } from "./services.js";
import type { SpecComments } from "./spec-yaml.js";

export interface ServicesDraft {
  services: NonNullable<SpecInput["services"]>;
  comments: SpecComments;
  notes: string[];
}

/** An import chain for a person: the main package, the package that imports the driver, the driver. */
function chainText(chain: readonly string[]): string {
  const shown = chain.length > 4 ? [chain[0], "…", ...chain.slice(-2)] : chain;
  return shown.join(" → ");
}

/**
 * Where a service comes from, briefly: the repo's compose file, the import chain, and, for an
 * optional one, why ("optional: an alternative to mysql, sqlite").
 */
export function serviceEvidence(s: DetectedService, composePath?: string): string {
  const parts: string[] = [];
  if (s.kept !== undefined) parts.push(`in ${composePath ?? "the compose file"} as ${s.kept}`);
  if (s.chain) parts.push(chainText(s.chain));
  if (s.optional !== undefined) parts.push(`optional: ${s.optional}`);
  return parts.join("; ");
}

/** The services part of the drafted spec, with a comment on each saying where it came from. */
export function draftServices(d: Detection): ServicesDraft {
  const services: Record<
    string,
    { port?: number; optional?: boolean; env?: Record<string, EnvRole> }
  > = {};
  const comments: SpecComments = {};
  const notes: string[] = [];
  // Two services with the same usual port (clickhouse and minio on 9000) would collide on
  // 127.0.0.1: the later one moves up.
  const used = new Set<number>();
  for (const s of d.services) {
    const entry: (typeof services)[string] = {};
    if (s.kept === undefined) {
      let port = SERVICE_CATALOG[s.kind].port;
      while (used.has(port)) port++;
      used.add(port);
      if (port !== SERVICE_CATALOG[s.kind].port) entry.port = port;
    }
    if (s.optional !== undefined) entry.optional = true;
    if (s.envSource !== "default")
      entry.env = Object.fromEntries(s.env.map((e) => [e.name, e.role]));
    services[s.kind] = entry;
    comments[`services.${s.kind}`] = serviceEvidence(s, d.keptCompose?.path);
  }
  const optional = d.services.filter((s) => s.optional !== undefined).map((s) => s.kind);
  if (optional.length > 0) {
    notes.push(
      `optional services (${optional.join(", ")}) start only with \`docker compose --profile <service> up\`; ` +
        "nothing waits for them and the apps get no variables for them (.env.example lists them, commented out)",
    );
  }
  return { services, comments, notes };
}
