import { cgoNotes, cgoOf } from "../detect/cgo.js";
import type { DetectedApp, Detection } from "../detect/index.js";
import { SERVICE_KINDS } from "./services.js";
import type { SpecInput } from "./schema.js";
import type { SpecComments } from "./spec-yaml.js";

type DraftApp = NonNullable<SpecInput["apps"]>[number];

/** Names an app cannot take: the Dockerfile's own stages and the compose services beside apps. */
const RESERVED = new Set<string>([
  "dev",
  "deps",
  "src",
  "debug-base",
  "src-cgo",
  "src-cgo-alpine",
  ...SERVICE_KINDS,
]);

export function isReservedAppName(name: string): boolean {
  return RESERVED.has(name) || name.endsWith("-debug") || name.startsWith("build-");
}

function sanitize(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
}

/**
 * App names: the binary's name where the release config names it; else the main package dir's
 * last element ("cmd" aside), the last two when that collides, a numbered one when that still
 * does; the project's name for the root package or a lone app named for its role. A name that is
 * a stage or service name gets "-app". Never fails: every name is unique.
 */
export function nameApps(
  dirs: readonly string[],
  project: string,
  binaries: readonly (string | undefined)[] = [],
): { names: string[]; notes: string[] } {
  const notes: string[] = [];
  const base = (dir: string, n: number) => {
    const parts = dir.split("/").filter((p) => p !== "." && p !== "" && p !== "cmd");
    return sanitize(parts.slice(-n).join("-")) || project;
  };
  // A lone app named for its role ("app", "server") is the project's binary.
  const lone =
    dirs.length === 1 &&
    /^(?:app|server|service|svc|api|backend|main|web)$/.test(base(dirs[0] as string, 1));
  const first = dirs.map((d, i) => {
    const binary = binaries[i] === undefined ? "" : sanitize(binaries[i] as string);
    return binary !== "" ? binary : lone ? project : base(d, 1);
  });
  const used = new Set<string>();
  const names = dirs.map((dir, i) => {
    let name = first[i] as string;
    if (first.indexOf(name) !== first.lastIndexOf(name)) name = base(dir, 2);
    if (isReservedAppName(name)) name = `${name}-app`;
    let unique = name;
    for (let k = 2; used.has(unique); k++) unique = `${name}-${k}`;
    if (unique !== (first[i] as string))
      notes.push(`named the app in ${dir} "${unique}" (${first[i]} is taken)`);
    used.add(unique);
    return unique;
  });
  return { names, notes };
}

/** Two apps may not share a port: the later one keeps none, and init says so. */
function dedupePorts(apps: DraftApp[], notes: string[]): void {
  const owner = new Map<number, string>();
  for (const app of apps) {
    if (app.port === undefined) continue;
    const other = owner.get(app.port);
    if (other) {
      notes.push(
        `${app.name} and ${other} both default to port ${app.port}; left ${app.name} without one`,
      );
      delete app.port;
      delete app.health;
    } else owner.set(app.port, app.name);
  }
}

function evidenceComment(a: DetectedApp): string | undefined {
  if (a.evidence.length === 0) return undefined;
  const shown = a.evidence.slice(0, 3).join(", ");
  return `built by ${shown}${a.evidence.length > 3 ? ", ..." : ""}`;
}

const PORT_WORDS: Record<NonNullable<DetectedApp["port"]>["kind"], string> = {
  "listen call": "listens in",
  default: "default in",
  EXPOSE: "EXPOSE in",
  compose: "published in",
};

/** The spec's apps from what init detected, with comments saying where each value came from. */
export function draftApps(d: Detection, comments: SpecComments, notes: string[]): DraftApp[] {
  const { names, notes: nameNotes } = nameApps(
    d.apps.map((a) => a.pkg.dir),
    d.name,
    d.apps.map((a) => a.binary),
  );
  notes.push(...nameNotes);
  const apps: DraftApp[] = d.apps.map((a, i) => {
    const cgo = cgoOf(d.cgo, a.pkg.dir);
    return {
      name: names[i] as string,
      main: a.pkg.dir,
      ...(a.port ? { port: a.port.port } : {}),
      ...(a.port && a.health ? { health: a.health } : {}),
      ...(cgo !== undefined ? { cgo } : {}),
      ...(a.tags.length > 0 ? { tags: a.tags } : {}),
      ...(a.ldflags !== undefined ? { ldflags: a.ldflags } : {}),
      ...(a.dockerfile !== undefined ? { dockerfile: a.dockerfile } : {}),
      ...(a.target !== undefined ? { target: a.target } : {}),
    };
  });
  notes.push(...cgoNotes(d.cgo, apps));
  dedupePorts(apps, notes);
  apps.forEach((app, i) => {
    const a = d.apps[i] as DetectedApp;
    const why = evidenceComment(a);
    if (why) comments[`apps.${i}.main`] = why;
    if (app.port !== undefined && a.port) {
      comments[`apps.${i}.port`] = `${PORT_WORDS[a.port.kind]} ${a.port.file}:${a.port.line}`;
    }
  });
  const portless = apps.filter((a) => a.port === undefined).map((a) => a.name);
  if (portless.length > 0) {
    notes.push(
      `found no listen port for ${portless.join(", ")} (no literal listen address, port default or EXPOSE); add apps[].port for a server`,
    );
  }
  if (d.leftOut.length > 0) {
    notes.push(
      `not apps: ${d.leftOut.map((l) => `${l.dir} (${l.reason})`).join(", ")}; add them under apps: (or init --apps) to build images for them`,
    );
  }
  if (apps.length === 0)
    comments.apps = "no main package found: a library (no app image or service)";
  return apps;
}
