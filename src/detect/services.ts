import { join } from "node:path";
import type { KeptCompose } from "../generate/types.js";
import { SERVICE_CATALOG, SERVICE_KINDS } from "../spec/services.js";
import type { EnvRole, ServiceKind } from "../spec/services.js";
import { GENERIC_KINDS, parseEnvName, roleFor } from "./env-names.js";
import { importChain, reachable } from "./import-graph.js";
import type { ImportGraph } from "./import-graph.js";
import { appEnvFindings, packageFacts } from "./package-facts.js";
import type { EnvFinding, PackageFacts } from "./package-facts.js";
import { packageSources } from "./package-sources.js";
import type { LoadedRepo } from "./repo-files.js";
import { alternativeReasons, switchReasons } from "./service-choice.js";
import { EMBEDDED_NAMES, backendOf } from "./service-drivers.js";
import type { Backend } from "./service-drivers.js";
import type { MainPackage } from "./types.js";

/** A connection variable the apps read for a service. */
export interface ServiceEnvVar {
  name: string;
  role: EnvRole;
  /** Where the name was found: "config/config.go:12", or the kept file. */
  where: string;
}

/** A backing service the apps use, and the evidence for it. */
export interface DetectedService {
  kind: ServiceKind;
  /** An import chain from a main package to the driver, packages of the repo by directory. */
  chain: string[] | undefined;
  /** Why no app needs it unconditionally; undefined when one does. */
  optional: string | undefined;
  /** Its service name in the compose file the repo keeps, when that file runs it. */
  kept: string | undefined;
  env: ServiceEnvVar[];
  /**
   * Where the variable names come from: the apps' code or the repo's compose file and
   * .env.example, string literals that look like variable names, or none ("default").
   */
  envSource: "code" | "literal" | "default";
}

export interface ServiceDetection {
  /** In SERVICE_KINDS order. */
  services: DetectedService[];
  notes: string[];
}

export interface ServiceInputs {
  /** The compose file `docker compose` reads in the repo, unless gopave wrote it. */
  keptCompose?: KeptCompose | undefined;
  /** A hand-written .env.example's variables. */
  envExample?: Record<string, string> | undefined;
}

const isService = (b: Backend): b is ServiceKind => b !== "sqlite";

/**
 * Services from evidence: a driver counts only when a main package imports it (transitively);
 * one reached only through a plugin chosen by configuration, or next to an alternative, is
 * optional (see service-choice.ts); one the repo's compose file runs is not. Connection variables
 * are the names the apps read.
 */
export function detectServices(
  repo: LoadedRepo,
  mains: readonly MainPackage[],
  graph: ImportGraph,
  inputs: ServiceInputs = {},
): ServiceDetection {
  const reach = reachSets(graph);
  const factsCache = new Map<string, PackageFacts>();
  // Only a file importing a backend package (a driver, a package that imports one, or an
  // embedded one by name) can hold a choice between backends (see service-choice.ts).
  const choosable = (p: string) =>
    backendOf(p) !== undefined ||
    EMBEDDED_NAMES.has(p.split("/").pop() ?? p) ||
    (graph.packages.get(p)?.imports ?? []).some((i) => backendOf(i) !== undefined);
  const factsOf = (importPath: string): PackageFacts | undefined => {
    const dir = graph.packages.get(importPath)?.dir;
    if (dir === undefined) return undefined;
    let f = factsCache.get(importPath);
    if (!f) {
      f = packageFacts(dir, packageSources(join(repo.root, dir)), choosable);
      factsCache.set(importPath, f);
    }
    return f;
  };

  const required = new Map<ServiceKind, string[] | undefined>();
  const optional = new Map<ServiceKind, { reason: string; chain: string[] | undefined }>();
  const env = new Map<string, EnvFinding>();
  const perMain = mains.map((main) => ({ main, pkgs: reachable(graph, main.importPath) }));
  const all = [...new Set(perMain.flatMap((m) => m.pkgs))];
  const switched = switchReasons(all, graph, factsOf);
  for (const { main, pkgs } of perMain) {
    const reached = reach.get(main.importPath) ?? new Set<Backend>();
    const kinds = [...reached].filter(isService);
    const alternatives = alternativeReasons(pkgs, graph);
    for (const f of appEnvFindings(pkgs.flatMap((p) => factsOf(p) ?? []))) {
      env.set(`${f.how} ${f.name} ${f.where}`, f);
    }
    const chain = (kind: ServiceKind) =>
      importChain(graph, main.importPath, (p) => backendOf(p) === kind);
    for (const kind of kinds) {
      const why = switched.strong.get(kind) ?? alternatives.get(kind) ?? switched.labels.get(kind);
      if (why === undefined) {
        if (!required.has(kind)) required.set(kind, chain(kind));
      } else if (!optional.has(kind)) optional.set(kind, { reason: why, chain: chain(kind) });
    }
  }

  const kept = inputs.keptCompose;
  const services: DetectedService[] = [];
  for (const kind of SERVICE_KINDS) {
    const keptService = kept?.services.find((s) => s.kind === kind && !s.profiled);
    if (!required.has(kind) && !optional.has(kind)) continue;
    const opt = required.has(kind) || keptService ? undefined : optional.get(kind);
    services.push({
      kind,
      chain: required.has(kind) ? required.get(kind) : optional.get(kind)?.chain,
      optional: opt?.reason,
      kept: keptService?.name,
      env: [],
      envSource: "default",
    });
  }
  const notes = assignEnv(services, [...env.values()], inputs);
  for (const s of services) s.chain = s.chain?.map((p) => display(graph, p));
  return { services, notes };
}

/** Every package's backends: its own if it is a driver, else those of what it imports. */
function reachSets(graph: ImportGraph): Map<string, Set<Backend>> {
  const memo = new Map<string, Set<Backend>>();
  const visit = (p: string): Set<Backend> => {
    const known = memo.get(p);
    if (known) return known;
    const own = backendOf(p);
    const set = new Set<Backend>(own ? [own] : []);
    memo.set(p, set); // import cycles are not Go; this only guards a malformed graph
    if (!own) {
      for (const i of graph.packages.get(p)?.imports ?? []) {
        if (graph.packages.has(i) || backendOf(i)) for (const b of visit(i)) set.add(b);
      }
    }
    return set;
  };
  for (const p of graph.packages.keys()) visit(p);
  return memo;
}

/** A package as a person finds it: the repo directory, else its import path. */
function display(graph: ImportGraph, importPath: string): string {
  const dir = graph.packages.get(importPath)?.dir;
  if (dir === undefined || dir === ".") return importPath;
  return dir.replace(/^\.\//, "");
}

/**
 * Gives each service the connection variables the apps read: names from code (os.Getenv, config
 * tags, flags, viper), else from the repo's compose file and .env.example, else string literals
 * that look like variable names, else gopave's defaults (with a note).
 */
function assignEnv(
  services: DetectedService[],
  found: EnvFinding[],
  inputs: ServiceInputs,
): string[] {
  const byKind = new Map(services.map((s) => [s.kind, s]));
  const candidates = (name: string): { kind: ServiceKind; role: EnvRole }[] => {
    const named = parseEnvName(name);
    if (!named) return [];
    let kinds: ServiceKind[];
    if (named.service === "database" || named.service === "cache") {
      const present = GENERIC_KINDS[named.service].filter((k) => byKind.has(k));
      const req = present.filter((k) => byKind.get(k)?.optional === undefined);
      // One database named generically: the required one, else every optional one (the app reads
      // the same variable whichever it is configured for); two required ones: ambiguous.
      kinds = req.length === 1 ? req : req.length === 0 ? present : [];
    } else kinds = byKind.has(named.service) ? [named.service] : [];
    return kinds.flatMap((kind) => {
      const role = roleFor(kind, named, name);
      return role ? [{ kind, role }] : [];
    });
  };
  const kept: EnvFinding[] = [
    ...Object.keys(inputs.keptCompose?.appEnv ?? {}).map((name) => ({
      name,
      how: "code" as const,
      where: inputs.keptCompose?.path ?? "",
    })),
    ...Object.keys(inputs.envExample ?? {}).map((name) => ({
      name,
      how: "code" as const,
      where: ".env.example",
    })),
  ];
  // What the code reads and what the repo's own compose file and .env.example set are equally
  // strong; string literals that look like variable names only count when those say nothing.
  // Settings for tests (PHOTOPRISM_TEST_DSN) are not how the app connects.
  const notTest = (f: EnvFinding) => !/(?:^|_)TEST(?:S|ING)?(?:_|$)/.test(f.name);
  const levels: [DetectedService["envSource"], EnvFinding[]][] = [
    ["code", [...found.filter((f) => f.how === "code"), ...kept].filter(notTest)],
    ["literal", found.filter((f) => f.how === "literal").filter(notTest)],
  ];
  for (const [source, list] of levels) {
    for (const f of list) {
      for (const { kind, role } of candidates(f.name)) {
        const s = byKind.get(kind);
        if (!s || (s.envSource !== "default" && s.envSource !== source)) continue;
        s.envSource = source;
        if (!s.env.some((e) => e.name === f.name))
          s.env.push({ name: f.name, role, where: f.where });
      }
    }
  }
  const notes: string[] = [];
  for (const s of services) {
    s.env.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (s.envSource !== "default") continue;
    const names = Object.keys(SERVICE_CATALOG[s.kind].defaultEnv).join(", ");
    notes.push(
      `${s.kind}: found no variable the apps read to connect to it; the generated files set ${names} ` +
        `(name yours under services.${s.kind}.env)`,
    );
  }
  return notes;
}
